import AIBOMAttestation
import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import Foundation

/// Verifies an OpenSSF model-signing signature (key-based) over a model on disk: the bundle,
/// the signature over the DSSE PAE (the payload as opaque bytes), then every file or shard
/// re-hashed with the serialization the signature records.
public struct ModelVerifier: Sendable {
    public let publicKey: PublicKey
    public let hashOptions: HashOptions

    public init(publicKey: PublicKey, hashOptions: HashOptions = HashOptions()) {
        self.publicKey = publicKey
        self.hashOptions = hashOptions
    }

    public struct Result: Sendable {
        public var checks: [CheckResult] = []
        /// Resources that differ: `modified`, `missing` (signed, not on disk), `unexpected` (on disk, not signed).
        public var issues: [AssetResult.FileIssue] = []
        public var resourceCount = 0
        public var passed: Bool { checks.count == 3 && checks.allSatisfy { $0.passed == true } }
    }

    /// `signaturePath` is left out of the hashed files when it lies inside the model directory.
    public func verify(modelPath: String, signaturePath: String) throws -> Result {
        var result = Result()
        let bytes = try BoundedFile.read(signaturePath, limit: AttestationLimits.maxEnvelopeBytes)
        let bundle: ModelSigning.Bundle
        do { bundle = try ModelSigning.parse(bytes) } catch let e as EnvelopeError {
            result.checks.append(CheckResult(name: .envelope, passed: false, summary: "unusable signature", reasons: [e.message]))
            return result
        }
        result.checks.append(CheckResult(name: .envelope, passed: true,
                                         summary: "model-signing bundle, \(bundle.serialization.method.rawValue) serialization, \(bundle.resources.count) resources",
                                         reasons: []))
        let pae = bundle.envelope.pae
        let ok = bundle.envelope.signatures.contains { publicKey.isValidSignature($0.sig, for: pae) }
        result.checks.append(CheckResult(name: .signatures, passed: ok,
                                         summary: ok ? "signature valid (\(publicKey.algorithm.rawValue) \(short(publicKey.keyID)))" : "signature invalid",
                                         reasons: ok ? [] : ["no signature verifies with the given public key"]))
        guard ok else { return result }
        var extra: [String] = []
        let sigReal = URL(fileURLWithPath: signaturePath).standardizedFileURL.path
        let modelReal = URL(fileURLWithPath: modelPath).standardizedFileURL.path
        if sigReal.hasPrefix(modelReal + "/") { extra.append(String(sigReal.dropFirst(modelReal.count + 1))) }
        let (actual, skipped) = try ModelSigning.resources(of: modelPath, serialization: bundle.serialization,
                                                           extraIgnores: extra, jobs: hashOptions.jobs)
        var have: [String: ModelSigning.Resource] = [:]
        for r in actual { have[r.name] = r }
        for r in bundle.resources {
            if let a = have.removeValue(forKey: r.name) {
                if a.digest != r.digest || a.algorithm != r.algorithm {
                    result.issues.append(.init(path: r.name, kind: .modified, expected: Hex.encode(r.digest), actual: Hex.encode(a.digest)))
                }
            } else {
                result.issues.append(.init(path: r.name, kind: .missing, expected: Hex.encode(r.digest), actual: nil))
            }
        }
        for (n, r) in have.sorted(by: { $0.key < $1.key }) {
            result.issues.append(.init(path: n, kind: .unexpected, expected: nil, actual: Hex.encode(r.digest)))
        }
        for s in skipped where !bundle.serialization.allowSymlinks {
            if case .symlink = s.reason {
                result.issues.append(.init(path: s.relativePath, kind: .unexpected, expected: nil, actual: nil))
            }
        }
        result.resourceCount = bundle.resources.count
        result.checks.append(CheckResult(name: .digests, passed: result.issues.isEmpty,
                                         summary: result.issues.isEmpty ? "\(bundle.resources.count) resources match"
                                             : "\(result.issues.count) resources differ",
                                         reasons: result.issues.prefix(20).map { "\($0.path): \($0.kind.rawValue)" }))
        return result
    }
}
