/// Scanning: secrets exposed in AI artifacts and serialization formats that run code when
/// loaded. Files are read the way their format is laid out (safetensors and GGUF headers only,
/// pickle opcodes walked, zip and gzip members opened with bounded expansion); nothing is ever
/// executed. Findings are values with a fingerprint for baselines; secrets are redacted.
import AIBOMCrypto

/// How bad a finding is.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case low, medium, high, critical
    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What a scanner found.
public struct Finding: Sendable, Equatable {
    public enum Category: String, Sendable { case secret, serialization }
    public var category: Category
    public var ruleID: String
    public var severity: Severity
    public var message: String
    /// The file, as given on the command line joined with the relative path.
    public var file: String
    /// Path inside containers, `member!inner`; nil for the file itself.
    public var member: String?
    /// 1-based line in text content, when known.
    public var line: Int?
    /// Byte offset in the (decompressed) content, when known.
    public var offset: UInt64?
    /// Redacted secret (a few leading characters, then `…`), for secrets.
    public var redacted: String?
    /// Globals involved, for serialization findings.
    public var globals: [String] = []
    /// SHA-256 hex: of the secret for secrets, of rule, location and globals otherwise.
    public var fingerprint: String
    /// The secret in clear, kept only when `--reveal` asks for it.
    public var revealed: String?

    /// `file!member` or `file`.
    public var location: String { member.map { "\(file)!\($0)" } ?? file }
}

/// Redaction and fingerprints of secrets.
public enum SecretText {
    /// A few leading characters, then `…`: enough to recognise a key, too little to use it.
    public static func redact(_ secret: String) -> String {
        let keep = secret.count >= 16 ? 4 : (secret.count >= 8 ? 2 : 0)
        return String(secret.prefix(keep)) + "…"
    }

    /// Lowercase hex SHA-256 of the secret's UTF-8 bytes.
    public static func fingerprint(_ secret: String) -> String { Hex.encode(SHA256.hash(secret)) }
}
