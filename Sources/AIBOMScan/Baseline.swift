import AIBOMFormats
import Foundation

/// Known findings, by fingerprint: reported once, then accepted (`--baseline`, `--write-baseline`).
public struct Baseline: Sendable, Equatable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String>) { self.fingerprints = fingerprints }

    public static func load(_ path: String) throws -> Baseline {
        let json: JSON
        do { json = try JSON.parse(try BoundedFile.read(path, limit: 64 << 20)) } catch let e as JSONError {
            throw FormatError(path, "baseline is not valid JSON (\(e))")
        }
        guard let list = json["fingerprints"]?.arrayValue else { throw FormatError(path, "baseline has no 'fingerprints' array") }
        return Baseline(fingerprints: Set(list.compactMap(\.stringValue)))
    }

    public var json: JSON {
        .object(["aibomBaseline": .int(1), "fingerprints": .array(fingerprints.sorted().map { .string($0) })])
    }
}

/// An allowlist from a config file: paths (glob patterns), rule ids and fingerprints to ignore.
public struct ScanAllowlist: Sendable, Equatable {
    public var paths: [String] = []
    public var rules: Set<String> = []
    public var fingerprints: Set<String> = []

    public init() {}

    /// Reads `{"allow": {"paths": [...], "rules": [...], "fingerprints": [...]}}`.
    public static func load(_ path: String) throws -> ScanAllowlist {
        let json: JSON
        do { json = try JSON.parse(try BoundedFile.read(path, limit: 16 << 20)) } catch let e as JSONError {
            throw FormatError(path, "config is not valid JSON (\(e))")
        }
        guard let allow = json["allow"]?.objectValue else { throw FormatError(path, "config has no 'allow' object") }
        for k in allow.keys where !["paths", "rules", "fingerprints"].contains(k) {
            throw FormatError(path, "unknown field 'allow.\(k)'")
        }
        var a = ScanAllowlist()
        a.paths = (allow["paths"]?.arrayValue ?? []).compactMap(\.stringValue)
        a.rules = Set((allow["rules"]?.arrayValue ?? []).compactMap(\.stringValue))
        a.fingerprints = Set((allow["fingerprints"]?.arrayValue ?? []).compactMap(\.stringValue))
        let known = Set(SecretRules.all.map(\.id)).union(ScanRuleCatalog.serializationRules.keys)
        if let bad = a.rules.sorted().first(where: { !known.contains($0) }) { throw FormatError(path, "unknown rule id '\(bad)'") }
        return a
    }

    public func allows(_ f: Finding) -> Bool {
        if rules.contains(f.ruleID) || fingerprints.contains(f.fingerprint) { return true }
        return paths.contains { fnmatch($0, f.file, 0) == 0 || fnmatch($0, f.location, 0) == 0 }
    }
}

/// Every rule aibom reports, for SARIF rule metadata and allowlist checks.
public enum ScanRuleCatalog {
    public static let serializationRules: [String: String] = [
        "pickle-dangerous-global": "Pickle imports a global that runs code, touches files or the network, or loads more pickles",
        "pickle-unknown-global": "Pickle imports a global outside the allowlist of what checkpoints need",
        "pickle-malformed": "Pickle stream that could not be fully analysed (truncated, unknown opcode, a bound hit)",
        "npy-object-dtype": "NumPy array with object dtype (its payload is a pickle)",
        "npy-malformed": "NumPy file with an inconsistent header",
        "keras-lambda-layer": "Keras Lambda layer (marshalled Python bytecode)",
        "keras-custom-object": "Keras config loading custom objects from a non-Keras module",
        "tf-pyfunc-op": "TensorFlow graph op that runs Python",
        "tf-file-op": "TensorFlow graph op that reads or writes files",
        "safetensors-inconsistent-header": "safetensors header inconsistent with the file",
        "gguf-inconsistent-header": "GGUF header inconsistent with the file",
    ]

    public static func description(_ id: String) -> String {
        SecretRules.all.first { $0.id == id }?.description ?? serializationRules[id] ?? id
    }
}
