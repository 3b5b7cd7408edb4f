import Foundation

/// A file format recognised by content (magic bytes), with the extension as a hint only where
/// the format has no magic (text formats, ONNX protobuf).
public enum FileFormat: String, Sendable, CaseIterable, Codable {
    case safetensors, gguf
    case pytorchZip = "pytorch-zip"
    case pickle
    case zip, npy, npz, keras, gzip
    case parquet, arrow, hdf5, onnx, sqlite, faiss, tflite
    case savedModel = "tf-savedmodel-pb"
    case json, jsonl, csv, tsv, yaml, markdown, jinja, text
    case unknown

    /// Formats whose loading can run code (pickle and its containers): never load them blindly.
    public var canExecuteCode: Bool {
        switch self {
        case .pickle, .pytorchZip: return true
        default: return false
        }
    }

    /// Weight formats that are pure data by design.
    public var isDataOnlyWeights: Bool { self == .safetensors || self == .gguf || self == .onnx || self == .tflite }

    /// Formats that carry model weights.
    public var isWeights: Bool {
        switch self {
        case .safetensors, .gguf, .pytorchZip, .pickle, .onnx, .keras, .hdf5, .tflite, .savedModel: return true
        default: return false
        }
    }
}

/// Detects file formats by content.
public enum Sniffer {
    /// Detects the format of a regular file. Reads at most the first bytes, the zip central
    /// directory (names only) and, for text, nothing more.
    public static func detect(_ path: String) throws -> FileFormat {
        let (fd, size) = try BoundedFile.openRegular(path)
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: FormatLimits.sniffBytes)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        head = n > 0 ? Array(head[0..<n]) : []
        return try detect(path: path, head: head, size: size)
    }

    static func detect(path: String, head: [UInt8], size: UInt64) throws -> FileFormat {
        let name = (path as NSString).lastPathComponent.lowercased()
        let ext = (name as NSString).pathExtension
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head[0..<magic.count]) == magic }
        if GGUF.sniff(head) { return .gguf }
        if Safetensors.sniff(head, fileSize: size) { return .safetensors }
        // A damaged weights file is still read as what its name says, so the damage is reported.
        if ext == "safetensors" { return .safetensors }
        if ext == "gguf" { return .gguf }
        if starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06]) {
            let names = (try? ZipDirectory.read(path).map(\.name)) ?? []
            if names.contains(where: { $0.hasSuffix("data.pkl") || $0 == "data.pkl" }) { return .pytorchZip }
            if names.contains("config.json") && names.contains("metadata.json") || ext == "keras" { return .keras }
            if names.contains(where: { $0.hasSuffix(".npy") }) || ext == "npz" { return .npz }
            return .zip
        }
        if starts([0x93] + Array("NUMPY".utf8)) { return .npy }
        if starts([0x1f, 0x8b]) { return .gzip }
        if starts(Array("PAR1".utf8)) { return .parquet }
        if starts(Array("ARROW1".utf8)) || ext == "arrow" && starts([0xff, 0xff, 0xff, 0xff]) { return .arrow }
        if starts([0x89] + Array("HDF\r\n".utf8) + [0x1a, 0x0a]) { return .hdf5 }
        if starts(Array("SQLite format 3".utf8) + [0]) { return .sqlite }
        if head.count >= 8, Array(head[4..<8]) == Array("TFL3".utf8) { return .tflite }
        if Faiss.sniff(head) { return .faiss }
        if Pickle.sniff(head) { return .pickle }
        switch ext {
        case "onnx": return .onnx
        case "pb" where name == "saved_model.pb": return .savedModel
        default: break
        }
        if looksLikeText(head) {
            switch ext {
            case "json": return .json
            case "jsonl", "ndjson": return .jsonl
            case "csv": return .csv
            case "tsv": return .tsv
            case "yaml", "yml": return .yaml
            case "md", "markdown": return .markdown
            case "jinja", "j2", "jinja2": return .jinja
            default:
                if head.first == UInt8(ascii: "{") || head.first == UInt8(ascii: "[") { return .json }
                return .text
            }
        }
        return .unknown
    }

    /// True if the bytes decode as UTF-8 text without control characters other than whitespace
    /// (a sequence cut at the end of the sample is allowed).
    public static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        for b in bytes where b < 0x20 && b != 0x09 && b != 0x0a && b != 0x0d { return false }
        for cut in 0..<min(4, bytes.count) where String(validating: bytes.dropLast(cut), as: UTF8.self) != nil {
            return true
        }
        return false
    }
}

/// FAISS index files: a four-character code (`IxFI`, `IxF2`, `IwFl`, `IHNf`, ...) then, for float
/// indexes, the dimension (int32) and vector count (int64).
public enum Faiss {
    public struct Header: Sendable, Equatable {
        public let fourcc: String
        public let dimension: Int32
        public let count: Int64
        public init(fourcc: String, dimension: Int32, count: Int64) {
            self.fourcc = fourcc
            self.dimension = dimension
            self.count = count
        }
    }

    static func sniff(_ head: [UInt8]) -> Bool {
        guard head.count >= 16, head[0] == UInt8(ascii: "I") else { return false }
        let second = head[1]
        guard second == UInt8(ascii: "x") || second == UInt8(ascii: "w") || second == UInt8(ascii: "H")
            || second == UInt8(ascii: "B") || second == UInt8(ascii: "v") || second == UInt8(ascii: "P") else { return false }
        return head[0..<4].allSatisfy { $0 >= 0x30 && $0 < 0x7f }
    }

    /// Reads the common index header.
    public static func read(_ path: String) throws -> Header {
        let r = try BinaryReader(path: path)
        let cc = try r.bytes(4)
        guard cc[0] == UInt8(ascii: "I") else { throw r.fail("not a FAISS index (bad four-character code)") }
        let d = try r.i32()
        let n = try r.i64()
        guard d > 0, d <= 1 << 20, n >= 0 else { throw r.fail("FAISS header has impossible dimension \(d) or count \(n)") }
        return Header(fourcc: String(decoding: cc, as: UTF8.self), dimension: d, count: n)
    }
}
