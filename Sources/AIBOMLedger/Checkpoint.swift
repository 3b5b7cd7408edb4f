import AIBOMCrypto
import Foundation

/// A C2SP tlog-checkpoint (origin, tree size, base64 root hash) signed as a C2SP signed note
/// with Ed25519: `— NAME base64(keyID[4] || signature[64])`, key ID = first 4 bytes of
/// SHA-256(NAME || 0x0A || 0x01 || public key).
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var root: [UInt8]

    public init(origin: String, size: UInt64, root: [UInt8]) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note body: three lines, each newline-terminated.
    public var body: String { "\(origin)\n\(size)\n\(Base64.encode(root))\n" }

    /// The signed-note key ID of an Ed25519 key named `name`.
    public static func keyID(name: String, publicKey: PublicKey) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0a, 0x01] + (publicKey.ed25519Raw ?? [])).prefix(4))
    }

    /// The verifier key string: `NAME+HEXKEYID+base64(0x01 || key)`.
    public static func verifierKey(name: String, publicKey: PublicKey) -> String {
        "\(name)+\(Hex.encode(keyID(name: name, publicKey: publicKey)))+\(Base64.encode([0x01] + (publicKey.ed25519Raw ?? [])))"
    }

    /// The signed note text.
    public func signed(name: String, key: PrivateKey) throws -> String {
        guard key.algorithm == .ed25519 else { throw LedgerError.badKey("checkpoints are signed with Ed25519 keys") }
        let sig = try key.sign(Array(body.utf8))
        return body + "\n— \(name) \(Base64.encode(Checkpoint.keyID(name: name, publicKey: key.publicKey) + sig))\n"
    }

    /// Parses a signed note and checks the signature line of `name` with `publicKey`.
    public static func open(_ text: String, name: String, publicKey: PublicKey) throws -> Checkpoint {
        guard let sep = text.range(of: "\n\n") else { throw LedgerError.badCheckpoint("no blank line before the signatures") }
        let body = String(text[..<sep.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, let size = UInt64(lines[1]), let root = Base64.decode(String(lines[2])), root.count == 32 else {
            throw LedgerError.badCheckpoint("body is not origin, size, base64 root hash")
        }
        let id = keyID(name: name, publicKey: publicKey)
        var ok = false
        for line in text[sep.upperBound...].split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "—", parts[1] == name, let raw = Base64.decode(String(parts[2])), raw.count == 68,
                  Array(raw.prefix(4)) == id else { continue }
            if publicKey.isValidSignature(Array(raw.dropFirst(4)), for: Array(body.utf8)) { ok = true }
        }
        guard ok else { throw LedgerError.badCheckpoint("no valid signature by '\(name)'") }
        return Checkpoint(origin: String(lines[0]), size: size, root: root)
    }
}

/// Ledger errors: unusable input, or a ledger that does not verify.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    case notALedger(String)
    case badKey(String)
    case badCheckpoint(String)
    case badEntry(String)
    case io(String)
    case usage(String)

    public var description: String {
        switch self {
        case .notALedger(let m): return m
        case .badKey(let m): return m
        case .badCheckpoint(let m): return "checkpoint: \(m)"
        case .badEntry(let m): return m
        case .io(let m): return m
        case .usage(let m): return m
        }
    }
}
