import AIBOMAttestation
import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import AIBOMModel
import Foundation

/// One check of a verification, in the order they run.
public struct CheckResult: Sendable, Equatable {
    public enum Name: String, Sendable, CaseIterable { case envelope, signatures, trust, threshold, findings, digests }
    public let name: Name
    /// nil when the check did not run (an earlier one failed).
    public let passed: Bool?
    public let summary: String
    public let reasons: [String]
}

/// What became of one signature.
public struct SignerResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case trusted, invalidSignature = "invalid-signature", unknownKey = "unknown-key", notYetValid = "not-yet-valid",
             expired, revoked
    }
    public let keyid: String
    public let name: String?
    public let status: Status
    /// Assets this signer may not vouch for under the policy.
    public let notAllowed: [String]
}

/// What became of one asset.
public struct AssetResult: Sendable, Equatable {
    public enum Status: String, Sendable { case ok, modified, missing, unexpected, unsigned, unchecked }
    public struct FileIssue: Sendable, Equatable {
        public enum Kind: String, Sendable { case modified, missing, unexpected }
        public let path: String
        public let kind: Kind
        public let expected: String?
        public let actual: String?
    }
    public let name: String
    public let kind: AssetKind
    public let status: Status
    public let files: Int
    public let issues: [FileIssue]
    public let detail: String?
}

/// The outcome of `aibom verify`: every check with reasons, every signer, every asset.
public struct VerificationResult: Sendable {
    public var release: String?
    public var checks: [CheckResult] = []
    public var signers: [SignerResult] = []
    public var assets: [AssetResult] = []
    /// True only if every check ran and passed.
    public var passed: Bool { checks.count == CheckResult.Name.allCases.count && checks.allSatisfy { $0.passed == true } }
}

/// Options of a verification.
public struct VerifyOptions: Sendable {
    /// Where asset paths are resolved.
    public var root: String
    /// The time at which key windows and revocations are evaluated.
    public var at: Date
    public var hashOptions: HashOptions
    /// Skip re-hashing (signature and policy checks only). Weakens verification.
    public var unsafeSkipDigests: Bool

    public init(root: String, at: Date = Date(), hashOptions: HashOptions = HashOptions(), unsafeSkipDigests: Bool = false) {
        self.root = root
        self.at = at
        self.hashOptions = hashOptions
        self.unsafeSkipDigests = unsafeSkipDigests
    }
}

/// Verifies a release attestation against a trust policy and the files on disk, in order:
/// envelope, signatures, trust, threshold, findings, digests. Each check is reported; later
/// checks run only if the envelope could be read.
public struct Verifier: Sendable {
    public let policy: TrustPolicy
    public let options: VerifyOptions

    public init(policy: TrustPolicy, options: VerifyOptions) {
        self.policy = policy
        self.options = options
    }

    /// Verifies an envelope file. Throws only for unusable input files (missing, unreadable).
    /// `plan` is told the bytes to re-hash and may return a progress counter for them.
    public func verify(envelopePath: String, plan: ((UInt64) -> HashProgress?)? = nil) throws -> VerificationResult {
        var result = VerificationResult()
        let envelope: Envelope
        let release: Release
        do {
            envelope = try Envelope.load(envelopePath)
            (_, release) = try ReleaseAttestation.open(envelope)
        } catch let e as EnvelopeError {
            result.checks.append(CheckResult(name: .envelope, passed: false, summary: "unusable envelope", reasons: [e.message]))
            for n in CheckResult.Name.allCases.dropFirst() {
                result.checks.append(CheckResult(name: n, passed: nil, summary: "not checked", reasons: []))
            }
            return result
        }
        result.release = "\(release.name) \(release.version)"
        result.checks.append(CheckResult(name: .envelope, passed: true,
                                         summary: "in-toto Statement v1 with a CycloneDX BOM of \(release.assets.count) assets",
                                         reasons: []))
        // Signatures over the PAE.
        let pae = envelope.pae
        var sigReasons: [String] = []
        var valid: [(TrustedKey, Int)] = []
        var seenKeys = Set<String>()
        for (i, s) in envelope.signatures.enumerated() {
            let candidates = policy.key(id: s.keyid).map { [$0] } ?? (s.keyid.isEmpty ? policy.keys : [])
            if let k = candidates.first(where: { $0.publicKey.isValidSignature(s.sig, for: pae) }) {
                if seenKeys.insert(k.keyID).inserted { valid.append((k, i)) }
                continue
            }
            if let k = policy.key(id: s.keyid) {
                sigReasons.append("signature \(i + 1) by '\(k.name)' (\(short(s.keyid))) does not verify over this envelope")
                result.signers.append(SignerResult(keyid: s.keyid, name: k.name, status: .invalidSignature, notAllowed: []))
            } else {
                sigReasons.append("signature \(i + 1) is by key \(s.keyid.isEmpty ? "(no keyid)" : short(s.keyid)), which is not in the policy")
                result.signers.append(SignerResult(keyid: s.keyid, name: nil, status: .unknownKey, notAllowed: []))
            }
        }
        let invalidKnown = result.signers.contains { $0.status == .invalidSignature }
        result.checks.append(CheckResult(
            name: .signatures, passed: !valid.isEmpty && !invalidKnown,
            summary: "\(valid.count) of \(envelope.signatures.count) signatures valid by policy keys", reasons: sigReasons))
        // Trust: windows, revocation, scope.
        var trustReasons: [String] = []
        var trusted: [TrustedKey] = []
        for (k, _) in valid {
            var status = SignerResult.Status.trusted
            if k.revoked || (k.revokedAt.map { $0 <= options.at } ?? false) {
                status = .revoked
                trustReasons.append("'\(k.name)' (\(short(k.keyID))) is revoked")
            } else if let nb = k.notBefore, options.at < nb {
                status = .notYetValid
                trustReasons.append("'\(k.name)' is not valid before \(CycloneDX.formatTimestamp(nb))")
            } else if let na = k.notAfter, options.at > na {
                status = .expired
                trustReasons.append("'\(k.name)' expired at \(CycloneDX.formatTimestamp(na))")
            }
            let notAllowed = release.assets.filter { !k.allows($0) }.map(\.name)
            if status == .trusted && !notAllowed.isEmpty {
                trustReasons.append("'\(k.name)' may not vouch for \(notAllowed.joined(separator: ", "))")
            }
            if status == .trusted { trusted.append(k) }
            result.signers.append(SignerResult(keyid: k.keyID, name: k.name, status: status, notAllowed: notAllowed))
        }
        result.checks.append(CheckResult(name: .trust, passed: trustReasons.isEmpty && !valid.isEmpty,
                                         summary: "\(trusted.count) signer\(trusted.count == 1 ? "" : "s") trusted at \(CycloneDX.formatTimestamp(options.at))",
                                         reasons: valid.isEmpty ? ["no valid signature by a policy key"] : trustReasons))
        // Threshold: per asset, distinct trusted keys allowed for it.
        var uncovered: Set<String> = []
        for a in release.assets where trusted.filter({ $0.allows(a) }).count < policy.threshold {
            uncovered.insert(a.name)
        }
        let thresholdOK = trusted.count >= policy.threshold && uncovered.isEmpty
        var thReasons: [String] = []
        if trusted.count < policy.threshold {
            thReasons.append("\(trusted.count) distinct trusted signer\(trusted.count == 1 ? "" : "s"), the policy requires \(policy.threshold)")
        }
        if !uncovered.isEmpty && trusted.count >= policy.threshold {
            thReasons.append("not vouched for by \(policy.threshold) allowed signers: \(uncovered.sorted().joined(separator: ", "))")
        }
        result.checks.append(CheckResult(name: .threshold, passed: thresholdOK,
                                         summary: "\(trusted.count) of \(policy.threshold) required", reasons: thReasons))
        // Findings and unsafe formats recorded in the BOM.
        var findReasons: [String] = []
        for a in release.assets {
            if a.properties["serialization"] == "executable" && !policy.allowExecutableFormats {
                findReasons.append("\(a.name): format runs code when loaded (\(a.properties["executableFiles"] ?? "pickle"))")
            }
            if let n = a.properties["scanFindings"].flatMap(Int.init), n > 0, !policy.allowFindings {
                findReasons.append("\(a.name): \(n) scan finding\(n == 1 ? "" : "s") recorded at build")
            }
        }
        result.checks.append(CheckResult(name: .findings, passed: findReasons.isEmpty,
                                         summary: findReasons.isEmpty ? "no unsafe formats or findings" : "refused by policy",
                                         reasons: findReasons))
        // Digests: re-hash everything under the root in one parallel run, compare file by file.
        if options.unsafeSkipDigests {
            result.checks.append(CheckResult(name: .digests, passed: false, summary: "skipped (--unsafe-skip-digests)",
                                             reasons: ["files on disk were not compared"]))
            result.assets = release.assets.map {
                AssetResult(name: $0.name, kind: $0.kind, status: uncovered.contains($0.name) ? .unsigned : .unchecked,
                            files: $0.files.count, issues: [], detail: nil)
            }
            return result
        }
        let (assets, digestReasons) = try compareDigests(release, uncovered: uncovered, plan: plan)
        result.assets = assets
        let fileCount = release.assets.reduce(0) { $0 + $1.files.count }
        result.checks.append(CheckResult(name: .digests, passed: digestReasons.isEmpty,
                                         summary: digestReasons.isEmpty ? "\(fileCount) files in \(release.assets.count) assets match"
                                             : "\(digestReasons.count) asset\(digestReasons.count == 1 ? "" : "s") differ",
                                         reasons: digestReasons))
        return result
    }

    func compareDigests(_ release: Release, uncovered: Set<String>,
                        plan: ((UInt64) -> HashProgress?)?) throws -> ([AssetResult], [String]) {
        let walker = TreeWalker(options: WalkOptions(ignorePaths: ReleaseBuilder.ignoredNames))
        var walks: [(AssetRecord, WalkResult?)] = []
        for a in release.assets {
            let full = ReleaseBuilder.resolve(a.path, root: options.root)
            do {
                let w = try walker.walk(full)
                walks.append((a, (w.rootIsFile == !a.isDirectory) ? w : nil))
            } catch DigestError.notFound {
                walks.append((a, nil))
            }
        }
        let all = walks.flatMap { $0.1?.files ?? [] }
        let progress = plan?(all.reduce(0) { $0 + $1.size })
        let digests = try DigestEngine(options: options.hashOptions).hash(all, progress: progress)
        var cursor = 0
        var results: [AssetResult] = []
        var reasons: [String] = []
        for (a, walk) in walks {
            guard let walk else {
                results.append(AssetResult(name: a.name, kind: a.kind, status: .missing, files: a.files.count, issues: [],
                                           detail: "\(a.path) not found under \(options.root)"))
                reasons.append("\(a.name): missing (\(a.path))")
                continue
            }
            let mine = digests[cursor..<cursor + walk.files.count]
            cursor += walk.files.count
            var actual: [String: Digest] = [:]
            for d in mine { actual[walk.rootIsFile ? (a.files.first?.path ?? d.path) : d.path] = d.sha256 }
            var issues: [AssetResult.FileIssue] = []
            for f in a.files {
                if let d = actual.removeValue(forKey: f.path) {
                    if d != f.sha256 { issues.append(.init(path: f.path, kind: .modified, expected: f.sha256.hex, actual: d.hex)) }
                } else {
                    issues.append(.init(path: f.path, kind: .missing, expected: f.sha256.hex, actual: nil))
                }
            }
            for (p, d) in actual.sorted(by: { byteOrderLess($0.key, $1.key) }) {
                issues.append(.init(path: p, kind: .unexpected, expected: nil, actual: d.hex))
            }
            for s in walk.skipped {
                issues.append(.init(path: s.relativePath, kind: .unexpected, expected: nil, actual: nil))
            }
            var status: AssetResult.Status = .ok
            if issues.contains(where: { $0.kind == .unexpected }) { status = .unexpected }
            if issues.contains(where: { $0.kind == .missing }) { status = .missing }
            if issues.contains(where: { $0.kind == .modified }) { status = .modified }
            if status != .ok {
                let desc = issues.prefix(5).map { "\($0.path) \($0.kind.rawValue)" }.joined(separator: ", ")
                reasons.append("\(a.name): \(status.rawValue) (\(desc)\(issues.count > 5 ? ", …" : ""))")
            }
            if uncovered.contains(a.name) { status = .unsigned }
            results.append(AssetResult(name: a.name, kind: a.kind, status: status, files: a.files.count, issues: issues,
                                       detail: nil))
        }
        return (results, reasons)
    }
}

func short(_ keyid: String) -> String { keyid.count > 16 ? String(keyid.prefix(16)) + "…" : keyid }
