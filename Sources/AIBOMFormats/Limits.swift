/// Every bound the format readers apply to untrusted files, in one place.
public enum FormatLimits {
    /// Largest safetensors JSON header accepted (the reference implementation allows 100 MB).
    public static let safetensorsMaxHeader: UInt64 = 100_000_000
    /// Most tensors in one weights file.
    public static let maxTensors = 1_000_000
    /// Most dimensions of one tensor.
    public static let maxDimensions = 64
    /// Most GGUF metadata key/value pairs.
    public static let ggufMaxKeyValues: UInt64 = 1_000_000
    /// Longest GGUF string (key or value) that is kept; longer strings are skipped.
    public static let ggufMaxKeptString: UInt64 = 1 << 20
    /// Array elements of a GGUF metadata array that are kept (the rest are skipped, not stored).
    public static let ggufMaxKeptArrayElements = 64
    /// Largest JSON side file (config.json, adapter_config.json, indexes) read whole.
    public static let maxJSONFile: UInt64 = 64 << 20
    /// Largest model card front matter read.
    public static let maxFrontMatter: UInt64 = 1 << 20
    /// Largest text file whose lines are counted for a record count.
    public static let maxCountedFile: UInt64 = 1 << 30
    /// Zip: most central-directory entries read.
    public static let zipMaxEntries = 100_000
    /// Parquet footer bound.
    public static let parquetMaxFooter: UInt64 = 64 << 20
    /// Bytes read from the start of a file to sniff its format.
    public static let sniffBytes = 64
}
