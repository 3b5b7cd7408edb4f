/// Verification: trust material (the policy), the checks a release must pass, and their
/// results as values. A failed check is a result with reasons, never an error; errors mean the
/// input (policy, files) could not be used at all.
import AIBOMCrypto
import AIBOMFormats
import AIBOMModel
import Foundation

/// Errors in a trust policy file.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// A key the policy trusts, with its window, revocation and scope.
public struct TrustedKey: Sendable {
    public var name: String
    public var publicKey: PublicKey
    public var notBefore: Date?
    public var notAfter: Date?
    public var revoked: Bool
    public var revokedAt: Date?
    /// Asset kinds the key may vouch for; nil means all.
    public var allowedKinds: Set<AssetKind>?
    /// Asset names the key may vouch for; nil means all.
    public var allowedAssets: Set<String>?

    public var keyID: String { publicKey.keyID }

    public init(name: String, publicKey: PublicKey, notBefore: Date? = nil, notAfter: Date? = nil, revoked: Bool = false,
                revokedAt: Date? = nil, allowedKinds: Set<AssetKind>? = nil, allowedAssets: Set<String>? = nil) {
        self.name = name
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.revoked = revoked
        self.revokedAt = revokedAt
        self.allowedKinds = allowedKinds
        self.allowedAssets = allowedAssets
    }

    /// True if the key may vouch for `asset`.
    public func allows(_ asset: AssetRecord) -> Bool {
        (allowedKinds?.contains(asset.kind) ?? true) && (allowedAssets?.contains(asset.name) ?? true)
    }
}

/// A trust policy (JSON; schema in the README).
public struct TrustPolicy: Sendable {
    public var keys: [TrustedKey]
    /// Distinct trusted keys required (k of n).
    public var threshold: Int
    /// Whether assets with scan findings (secrets) may pass.
    public var allowFindings: Bool
    /// Whether formats that run code on load (pickle) may pass.
    public var allowExecutableFormats: Bool

    public init(keys: [TrustedKey], threshold: Int = 1, allowFindings: Bool = false, allowExecutableFormats: Bool = false) {
        self.keys = keys
        self.threshold = threshold
        self.allowFindings = allowFindings
        self.allowExecutableFormats = allowExecutableFormats
    }

    public func key(id: String) -> TrustedKey? { keys.first { $0.keyID == id } }

    /// Reads a policy; `publicKeyFile` paths are relative to the policy's directory.
    public static func load(_ path: String) throws -> TrustPolicy {
        func fail(_ m: String) -> PolicyError { PolicyError(path: path, message: m) }
        let json: JSON
        do { json = try JSON.parse(try BoundedFile.read(path, limit: 16 << 20)) } catch let e as JSONError {
            throw fail("not valid JSON: \(e)")
        }
        guard case .object(let o) = json else { throw fail("the policy must be a JSON object") }
        let known: Set<String> = ["$schema", "policyVersion", "keys", "threshold", "allowFindings", "allowExecutableFormats",
                                  "description"]
        if let extra = o.keys.sorted().first(where: { !known.contains($0) }) { throw fail("unknown field '\(extra)'") }
        guard let list = o["keys"]?.arrayValue, !list.isEmpty else { throw fail("'keys' must be a non-empty array") }
        let dir = (path as NSString).deletingLastPathComponent
        var keys: [TrustedKey] = []
        for (i, k) in list.enumerated() {
            guard case .object(let ko) = k else { throw fail("keys[\(i)] is not an object") }
            let name = ko["name"]?.stringValue ?? "keys[\(i)]"
            func kfail(_ m: String) -> PolicyError { fail("key '\(name)': \(m)") }
            let knownKey: Set<String> = ["name", "publicKey", "publicKeyFile", "keyid", "notBefore", "notAfter", "revoked",
                                         "revokedAt", "allow"]
            if let extra = ko.keys.sorted().first(where: { !knownKey.contains($0) }) { throw kfail("unknown field '\(extra)'") }
            let pub: PublicKey
            if let pem = ko["publicKey"]?.stringValue {
                pub = try PublicKey(pem: Array(pem.utf8), source: "\(path): key '\(name)'")
            } else if let file = ko["publicKeyFile"]?.stringValue {
                let full = file.hasPrefix("/") ? file : (dir.isEmpty ? file : dir + "/" + file)
                pub = try PublicKey(pem: try BoundedFile.read(full, limit: 1 << 20), source: full)
            } else {
                throw kfail("needs 'publicKey' (PEM) or 'publicKeyFile'")
            }
            if let id = ko["keyid"]?.stringValue, id != pub.keyID {
                throw kfail("keyid \(id) does not match the key (its id is \(pub.keyID))")
            }
            func date(_ field: String) throws -> Date? {
                guard let v = ko[field] else { return nil }
                guard let s = v.stringValue, let d = parseTimestamp(s) else { throw kfail("'\(field)' must be an RFC 3339 timestamp") }
                return d
            }
            var tk = TrustedKey(name: name, publicKey: pub, notBefore: try date("notBefore"), notAfter: try date("notAfter"),
                                revoked: ko["revoked"]?.boolValue ?? false, revokedAt: try date("revokedAt"))
            if let allow = ko["allow"] {
                guard case .object(let ao) = allow else { throw kfail("'allow' must be an object") }
                if let kinds = ao["kinds"]?.arrayValue {
                    tk.allowedKinds = Set(try kinds.map { v -> AssetKind in
                        guard let s = v.stringValue, let k = AssetKind(rawValue: s) else { throw kfail("unknown asset kind in allow.kinds") }
                        return k
                    })
                }
                if let assets = ao["assets"]?.arrayValue { tk.allowedAssets = Set(assets.compactMap(\.stringValue)) }
            }
            guard !keys.contains(where: { $0.keyID == tk.keyID }) else { throw kfail("the same key is listed twice") }
            keys.append(tk)
        }
        let threshold = o["threshold"]?.intValue ?? 1
        guard threshold >= 1, threshold <= keys.count else {
            throw fail("'threshold' must be between 1 and the number of keys (\(keys.count))")
        }
        return TrustPolicy(keys: keys, threshold: threshold, allowFindings: o["allowFindings"]?.boolValue ?? false,
                           allowExecutableFormats: o["allowExecutableFormats"]?.boolValue ?? false)
    }
}

/// Parses an RFC 3339 timestamp (`2026-01-01T00:00:00Z`, fractional seconds and offsets allowed).
public func parseTimestamp(_ s: String) -> Date? {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    if let d = f.date(from: s) { return d }
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.date(from: s)
}
