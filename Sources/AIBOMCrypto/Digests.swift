/// Message digests (SHA-256, SHA-384, SHA-512), streaming, computed by OpenSSL's EVP layer.

/// A hash algorithm aibom computes. Raw values are the names used in our formats.
public enum HashAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256
    case sha384
    case sha512

    /// Output size in bytes.
    public var byteCount: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }
}

/// A streaming hasher. Value semantics: copying a `Hasher` and updating both copies gives
/// two independent states.
public struct Hasher: Sendable {
    private var box: DigestContext
    /// The algorithm this hasher computes.
    public let algorithm: HashAlgorithm

    /// Starts a new digest computation.
    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        self.box = DigestContext(algorithm)
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&box) { box = box.copy() }
    }

    /// Feeds bytes from raw memory.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        makeUnique()
        box.update(buffer)
    }

    /// Feeds bytes.
    public mutating func update<C: ContiguousCollection>(_ bytes: C) where C.Element == UInt8 {
        makeUnique()
        bytes.withUnsafeBytes { box.update($0) }
    }

    /// Feeds the UTF-8 bytes of a string.
    public mutating func update(_ string: String) {
        var s = string
        s.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Returns the digest. The hasher can't be updated afterwards.
    public consuming func finalize() -> [UInt8] {
        makeUnique()
        return box.finalize()
    }

    /// One-shot digest of bytes.
    public static func hash<C: ContiguousCollection>(_ algorithm: HashAlgorithm, _ bytes: C) -> [UInt8]
    where C.Element == UInt8 {
        var h = Hasher(algorithm)
        h.update(bytes)
        return h.finalize()
    }
}

/// Convenience for the common case.
public enum SHA256 {
    /// SHA-256 of `bytes`.
    public static func hash<C: ContiguousCollection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        Hasher.hash(.sha256, bytes)
    }

    /// SHA-256 of the UTF-8 bytes of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }
}

/// Collections with contiguous storage we can hash without copying.
public protocol ContiguousCollection: Collection {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}
extension Array: ContiguousCollection {}
extension ArraySlice: ContiguousCollection {}
extension ContiguousArray: ContiguousCollection {}
