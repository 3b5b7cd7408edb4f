/// The digest layer: walks a tree under strict rules (no silent symlinks, no FIFOs opened,
/// bounded depth and count) and hashes its files in parallel on all cores with bounded
/// memory. Everything above (BOMs, verification, model signing) takes its digests from here.
import AIBOMCrypto
@_exported import func AIBOMFormats.byteOrderLess

/// A digest that carries its algorithm, so digests of different kinds never compare equal.
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    /// The algorithm name, e.g. `sha256`.
    public let algorithm: HashAlgorithm
    /// The raw digest bytes.
    public let value: [UInt8]

    public init(algorithm: HashAlgorithm, value: [UInt8]) {
        self.algorithm = algorithm
        self.value = value
    }

    /// Parses lowercase (or uppercase) hex of the right length for `algorithm`.
    public init?(algorithm: HashAlgorithm, hex: String) {
        guard let v = Hex.decode(hex), v.count == algorithm.byteCount else { return nil }
        self.init(algorithm: algorithm, value: v)
    }

    /// Lowercase hex of the value.
    public var hex: String { Hex.encode(value) }

    /// `algorithm:hex`, e.g. `sha256:9f86d0…`.
    public var description: String { "\(algorithm.rawValue):\(hex)" }
}

/// The digest of one byte range of a file (`start..<end`), as used by sharded serializations.
public struct ShardDigest: Hashable, Sendable {
    public let start: UInt64
    public let end: UInt64
    public let digest: Digest
}

/// The digest of one regular file found by a walk.
public struct FileDigest: Hashable, Sendable {
    /// Path relative to the walk root, `/`-separated.
    public let path: String
    /// Size in bytes at the time it was hashed.
    public let size: UInt64
    /// SHA-256 over the whole file.
    public let sha256: Digest
    /// Fixed-size shard digests, in file order, when a shard size was requested.
    public let shards: [ShardDigest]?

    public init(path: String, size: UInt64, sha256: Digest, shards: [ShardDigest]? = nil) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.shards = shards
    }
}
