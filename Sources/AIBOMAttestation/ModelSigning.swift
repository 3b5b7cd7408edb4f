import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import Foundation

/// The OpenSSF model-signing format (PyPI `model-signing`, v1.x): a Sigstore bundle v0.3 with a
/// DSSE envelope around an in-toto Statement, predicate type `https://model_signing/signature/v1.0`,
/// listing every file (or shard) of the model with its digest. Key-based signing: ECDSA over the
/// PAE, the public key referenced by `verificationMaterial.publicKey.hint` (hex SHA-256 of the
/// public key's PEM bytes), no transparency log entries.
public enum ModelSigning {
    public static let bundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"
    public static let predicateType = "https://model_signing/signature/v1.0"
    /// Paths the reference tool ignores at a model's top level by default.
    public static let defaultIgnores = [".git", ".gitattributes", ".github", ".gitignore"]

    /// How the model was serialized.
    public struct Serialization: Sendable, Equatable {
        public enum Method: String, Sendable { case files, shards }
        public var method: Method
        public var hashType: String = "sha256"
        public var allowSymlinks = false
        public var ignorePaths: [String] = ModelSigning.defaultIgnores
        public var shardSize: UInt64? = nil

        public init(method: Method, shardSize: UInt64? = nil) {
            self.method = method
            self.shardSize = shardSize
        }

        var json: JSON {
            var o: [String: JSON] = [
                "method": .string(method.rawValue), "hash_type": .string(hashType),
                "allow_symlinks": .bool(allowSymlinks), "ignore_paths": .array(ignorePaths.map { .string($0) }),
            ]
            if let s = shardSize { o["shard_size"] = .int(s) }
            return .object(o)
        }
    }

    /// One resource: a file (`name`) or a shard (`name:start:end`) and its digest.
    public struct Resource: Sendable, Equatable {
        public var name: String
        public var algorithm: String
        public var digest: [UInt8]
    }

    /// A parsed model signature.
    public struct Bundle: Sendable {
        public var envelope: Envelope
        public var publicKeyHint: String?
        public var subjectName: String
        public var subjectDigest: String
        public var serialization: Serialization
        public var resources: [Resource]
    }

    /// Orders paths the way the reference tool does: by path components, so `a/b` precedes `a-c`.
    public static func componentOrder(_ a: String, _ b: String) -> Bool {
        let ac = a.split(separator: "/", omittingEmptySubsequences: false)
        let bc = b.split(separator: "/", omittingEmptySubsequences: false)
        for (x, y) in zip(ac, bc) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        return ac.count < bc.count
    }

    /// Hashes a model (directory or single file) into resources, as the reference tool does.
    public static func resources(of modelPath: String, serialization s: Serialization, extraIgnores: [String] = [],
                                 jobs: Int? = nil) throws -> (resources: [Resource], skipped: [SkippedEntry]) {
        let walker = TreeWalker(options: WalkOptions(followSymlinks: s.allowSymlinks, ignorePaths: s.ignorePaths + extraIgnores))
        let walk = try walker.walk(modelPath)
        let digests = try DigestEngine(options: HashOptions(jobs: jobs, shardSize: s.method == .shards ? s.shardSize : nil))
            .hash(walk.files)
        var out: [Resource] = []
        for d in digests {
            let name = walk.rootIsFile ? "." : d.path
            if s.method == .files {
                out.append(Resource(name: name, algorithm: "sha256", digest: d.sha256.value))
            } else {
                for sh in d.shards ?? [] {
                    out.append(Resource(name: "\(name):\(sh.start):\(sh.end)", algorithm: "sha256-sharded-\(s.shardSize ?? 0)",
                                        digest: sh.digest.value))
                }
            }
        }
        out.sort { componentOrder(resourcePath($0.name), resourcePath($1.name))
            || (resourcePath($0.name) == resourcePath($1.name) && shardStart($0.name) < shardStart($1.name)) }
        return (out, walk.skipped)
    }

    static func resourcePath(_ name: String) -> String {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, UInt64(parts[parts.count - 1]) != nil, UInt64(parts[parts.count - 2]) != nil else { return name }
        return parts.dropLast(2).joined(separator: ":")
    }

    static func shardStart(_ name: String) -> UInt64 {
        let parts = name.split(separator: ":")
        return parts.count >= 3 ? UInt64(parts[parts.count - 2]) ?? 0 : 0
    }

    /// SHA-256 over the concatenated raw resource digests: the statement's subject digest.
    public static func subjectDigest(_ resources: [Resource]) -> [UInt8] {
        var h = Hasher(.sha256)
        for r in resources { h.update(r.digest) }
        return h.finalize()
    }

    /// Signs a model: the bundle JSON that `model_signing verify key` accepts.
    public static func sign(modelPath: String, key: PrivateKey, publicKeyPEM: [UInt8], serialization: Serialization,
                            jobs: Int? = nil) throws -> JSON {
        let (res, _) = try resources(of: modelPath, serialization: serialization, jobs: jobs)
        let name = URL(fileURLWithPath: modelPath).standardizedFileURL.lastPathComponent
        let statement = Statement(
            subjects: [Statement.Subject(name: name, digest: ["sha256": Hex.encode(subjectDigest(res))])],
            predicateType: predicateType,
            predicate: .object([
                "serialization": serialization.json,
                "resources": .array(res.map { .object(["name": .string($0.name), "algorithm": .string($0.algorithm),
                                                      "digest": .string(Hex.encode($0.digest))]) }),
            ]))
        var env = Envelope(payloadType: Envelope.inTotoPayloadType, payload: statement.json.bytes(pretty: true))
        try env.sign(with: key, keyid: "")
        return .object([
            "mediaType": .string(bundleMediaType),
            "verificationMaterial": .object([
                "publicKey": .object(["hint": .string(Hex.encode(SHA256.hash(publicKeyPEM)))]), "tlogEntries": .array([]),
            ]),
            "dsseEnvelope": env.json,
        ])
    }

    /// Parses a model signature bundle, strictly.
    public static func parse(_ bytes: [UInt8]) throws -> Bundle {
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw EnvelopeError("the signature is not valid JSON (\(error))") }
        guard let mt = json["mediaType"]?.stringValue, mt.hasPrefix("application/vnd.dev.sigstore.bundle") else {
            throw EnvelopeError("not a Sigstore bundle (mediaType \(json["mediaType"]?.stringValue ?? "missing"))")
        }
        guard let envJSON = json["dsseEnvelope"] else { throw EnvelopeError("the bundle has no dsseEnvelope") }
        let env = try Envelope.parse(envJSON)
        guard env.payloadType == Envelope.inTotoPayloadType else {
            throw EnvelopeError("payloadType is '\(env.payloadType)', expected '\(Envelope.inTotoPayloadType)'")
        }
        let st = try Statement.parse(env.payload)
        guard st.predicateType == predicateType else {
            throw EnvelopeError("predicateType is '\(st.predicateType)', expected '\(predicateType)'")
        }
        guard st.subjects.count == 1, let sd = st.subjects[0].digest["sha256"] else {
            throw EnvelopeError("the statement must have one subject with a sha256 digest")
        }
        guard let ser = st.predicate["serialization"], let m = ser["method"]?.stringValue,
              let method = Serialization.Method(rawValue: m) else {
            throw EnvelopeError("the predicate has no known serialization method")
        }
        var s = Serialization(method: method)
        s.hashType = ser["hash_type"]?.stringValue ?? "sha256"
        guard s.hashType == "sha256" else { throw EnvelopeError("hash_type \(s.hashType) is not supported (sha256 is)") }
        s.allowSymlinks = ser["allow_symlinks"]?.boolValue ?? false
        s.ignorePaths = (ser["ignore_paths"]?.arrayValue ?? []).compactMap(\.stringValue)
        if method == .shards {
            // The reference writes shard_size as a float (e.g. 1000000000.0).
            guard let d = ser["shard_size"]?.doubleValue, d >= 1, d <= 1e15, d == d.rounded() else {
                throw EnvelopeError("shard serialization without a valid shard_size")
            }
            s.shardSize = UInt64(d)
        }
        var res: [Resource] = []
        for r in st.predicate["resources"]?.arrayValue ?? [] {
            guard let n = r["name"]?.stringValue, let a = r["algorithm"]?.stringValue, let dh = r["digest"]?.stringValue,
                  let d = Hex.decode(dh), d.count == 32 else {
                throw EnvelopeError("a resource lacks a name, algorithm or 32-byte hex digest")
            }
            res.append(Resource(name: n, algorithm: a, digest: d))
        }
        guard Hex.encode(subjectDigest(res)) == sd.lowercased() else {
            throw EnvelopeError("the subject digest does not match the resources")
        }
        return Bundle(envelope: env, publicKeyHint: json["verificationMaterial"]?["publicKey"]?["hint"]?.stringValue,
                      subjectName: st.subjects[0].name, subjectDigest: sd, serialization: s, resources: res)
    }
}
