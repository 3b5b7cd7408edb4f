/// Bounds on everything the digest layer reads from untrusted trees.
public enum DigestLimits {
    /// Deepest directory nesting a walk enters.
    public static let maxDepth = 256
    /// Most entries (files, directories, skipped items) a single walk accepts.
    public static let maxEntries = 5_000_000
    /// Default read buffer per worker. Memory in use is about `jobs × bufferSize`.
    public static let defaultBufferSize = 1 << 20
    /// Largest read buffer accepted.
    public static let maxBufferSize = 16 << 20
    /// Most worker threads.
    public static let maxJobs = 256
    /// Smallest shard size accepted.
    public static let minShardSize: UInt64 = 1
    /// Most shards one run digests (bounds the bookkeeping memory whatever the shard size).
    public static let maxShards: UInt64 = 10_000_000
}
