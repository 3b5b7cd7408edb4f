/// Signing keys: Ed25519 and ECDSA (P-256 with SHA-256, P-384 with SHA-384, DER signatures),
/// read and written as PEM (PKCS#8 private keys, optionally encrypted; SubjectPublicKeyInfo
/// public keys). A key id is the lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.

/// A signature algorithm aibom can sign and verify with.
public enum KeyAlgorithm: String, Sendable, CaseIterable, Codable {
    case ed25519
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaP384 = "ecdsa-p384"

    /// The digest ECDSA applies to the message; nil for Ed25519, which hashes internally.
    public var messageDigest: HashAlgorithm? {
        switch self {
        case .ed25519: return nil
        case .ecdsaP256: return .sha256
        case .ecdsaP384: return .sha384
        }
    }

    /// Algorithms `aibom keygen` offers.
    public static let generatable: [KeyAlgorithm] = [.ed25519, .ecdsaP256]
}

/// A public key. Equality and hashing are by the DER SubjectPublicKeyInfo.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    let handle: EVPKey
    /// The algorithm of this key.
    public let algorithm: KeyAlgorithm
    /// The DER SubjectPublicKeyInfo.
    public let der: [UInt8]

    init(handle: EVPKey, algorithm: KeyAlgorithm) throws {
        self.handle = handle
        self.algorithm = algorithm
        self.der = try handle.publicDER()
    }

    /// Parses a PEM `PUBLIC KEY` (SubjectPublicKeyInfo). `source` names the input in errors.
    public init(pem: [UInt8], source: String) throws {
        let handle = try EVPKey.readPublicPEM(pem, source: source)
        try self.init(handle: handle, algorithm: handle.algorithm(source: source))
    }

    /// Parses a DER SubjectPublicKeyInfo.
    public init(der: [UInt8], source: String) throws {
        let handle = try EVPKey.readPublicDER(der, source: source)
        try self.init(handle: handle, algorithm: handle.algorithm(source: source))
    }

    /// Builds an Ed25519 public key from its raw 32 bytes.
    public init(ed25519Raw raw: [UInt8], source: String) throws {
        let handle = try EVPKey.ed25519Public(raw: raw, source: source)
        try self.init(handle: handle, algorithm: .ed25519)
    }

    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    public var keyID: String { Hex.encode(SHA256.hash(der)) }

    /// The key as a PEM `PUBLIC KEY` block, newline-terminated.
    public var pem: String { PEM.encode(label: "PUBLIC KEY", der: der) }

    /// The raw 32-byte key for Ed25519; nil for other algorithms.
    public var ed25519Raw: [UInt8]? { algorithm == .ed25519 ? handle.rawPublic() : nil }

    /// True if `signature` is a valid signature by this key over `message`.
    /// Never throws: malformed signatures are simply invalid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        handle.verify(signature: signature, message: message, digest: algorithm.messageDigest)
    }

    public static func == (a: PublicKey, b: PublicKey) -> Bool { a.der == b.der }
    public func hash(into h: inout Swift.Hasher) { h.combine(der) }
    public var description: String { "\(algorithm.rawValue) key \(keyID.prefix(16))" }
}

/// A private key. Its secret material lives only inside OpenSSL and is freed (and zeroed by
/// OpenSSL) when the last copy goes away.
public struct PrivateKey: Sendable {
    let handle: EVPKey
    /// The algorithm of this key.
    public let algorithm: KeyAlgorithm
    /// The matching public key.
    public let publicKey: PublicKey

    init(handle: EVPKey, algorithm: KeyAlgorithm) throws {
        self.handle = handle
        self.algorithm = algorithm
        self.publicKey = try PublicKey(handle: handle, algorithm: algorithm)
    }

    /// Generates a fresh key from OpenSSL's CSPRNG.
    public static func generate(_ algorithm: KeyAlgorithm) throws -> PrivateKey {
        try PrivateKey(handle: EVPKey.generate(algorithm), algorithm: algorithm)
    }

    /// Builds an Ed25519 key from a 32-byte seed (RFC 8032). For tests and fixed vectors.
    public static func ed25519(seed: [UInt8]) throws -> PrivateKey {
        try PrivateKey(handle: EVPKey.ed25519Private(seed: seed), algorithm: .ed25519)
    }

    /// Parses a PEM private key (PKCS#8, encrypted PKCS#8, or a traditional EC key).
    /// An encrypted key needs `passphrase`; aibom never prompts.
    public init(pem: [UInt8], passphrase: [UInt8]?, source: String) throws {
        let handle = try EVPKey.readPrivatePEM(pem, passphrase: passphrase, source: source)
        try self.init(handle: handle, algorithm: handle.algorithm(source: source))
    }

    /// Signs `message`: Ed25519 (pure) or ECDSA over the algorithm's digest, DER-encoded.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try handle.sign(message: message, digest: algorithm.messageDigest)
    }

    /// The key as PKCS#8 PEM, encrypted with AES-256-CBC (PBKDF2) when a passphrase is given.
    public func pkcs8PEM(passphrase: [UInt8]?) throws -> String {
        try handle.privatePEM(passphrase: passphrase)
    }
}

/// PEM armour (RFC 7468).
public enum PEM {
    /// Wraps DER in a PEM block with 64-column base64 lines.
    public static func encode(label: String, der: [UInt8]) -> String {
        let b64 = Array(Base64.encode(der).utf8)
        var out = "-----BEGIN \(label)-----\n"
        var i = 0
        while i < b64.count {
            let end = min(i + 64, b64.count)
            out += String(decoding: b64[i..<end], as: UTF8.self) + "\n"
            i = end
        }
        return out + "-----END \(label)-----\n"
    }
}
