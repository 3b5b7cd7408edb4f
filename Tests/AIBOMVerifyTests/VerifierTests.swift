import AIBOMAttestation
import AIBOMCrypto
import AIBOMFormats
import AIBOMModel
import AIBOMTestSupport
import AIBOMVerify
import Foundation
import XCTest

/// A signed release in a temporary directory: the committed samples copied, release 1.0 built,
/// signed by fixed-seed Ed25519 keys ("alice", "bob"), and a policy.
final class SignedRelease {
    let dir = TempDir("aibom-verify")
    let alice = try! PrivateKey.ed25519(seed: [UInt8](repeating: 1, count: 32))
    let bob = try! PrivateKey.ed25519(seed: [UInt8](repeating: 2, count: 32))
    let mallory = try! PrivateKey.ed25519(seed: [UInt8](repeating: 3, count: 32))
    var envelopePath: String { dir.url("release.intoto.json") }
    var root: String { dir.url("manifests") }
    let now = parseTimestamp("2026-06-01T00:00:00Z")!

    init(signers: [PrivateKey]? = nil) throws {
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/samples", toPath: dir.url("samples"))
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/manifests/release-1.0.json",
                                         toPath: root + "/release-1.0.json")
        let m = try ReleaseManifest.load(root + "/release-1.0.json")
        let release = try ReleaseBuilder().build(m, root: root)
        let bom = CycloneDX.encode(release, options: .init(timestamp: now, serialNumber: CycloneDX.randomSerial(), toolVersion: "t"))
        let bytes = bom.bytes(pretty: true)
        var env = ReleaseAttestation.envelope(try ReleaseAttestation.statement(bom: bom, bomBytes: bytes, bomName: "release.cdx.json",
                                                                               source: "bom"))
        for k in signers ?? [alice, bob] { try env.sign(with: k) }
        try AtomicFile.write(env.json.bytes(pretty: true), to: envelopePath)
    }

    func policy(_ keys: [TrustedKey]? = nil, threshold: Int = 2) -> TrustPolicy {
        TrustPolicy(keys: keys ?? [trusted("alice", alice), trusted("bob", bob)], threshold: threshold)
    }

    func trusted(_ name: String, _ k: PrivateKey) -> TrustedKey {
        TrustedKey(name: name, publicKey: k.publicKey, revoked: false)
    }

    func verify(_ policy: TrustPolicy? = nil, at: Date? = nil) throws -> VerificationResult {
        try Verifier(policy: policy ?? self.policy(), options: VerifyOptions(root: root, at: at ?? now))
            .verify(envelopePath: envelopePath)
    }

    /// Rewrites the envelope JSON.
    func editEnvelope(_ edit: (inout [String: JSON]) throws -> Void) throws {
        guard case .object(var o) = try JSON.parse(try BoundedFile.read(envelopePath, limit: 1 << 26)) else { fatalError() }
        try edit(&o)
        try AtomicFile.write(JSON.object(o).bytes(), to: envelopePath)
    }
}

func failed(_ r: VerificationResult, _ check: CheckResult.Name) -> CheckResult? {
    r.checks.first { $0.name == check && $0.passed == false }
}

final class VerifierTests: XCTestCase {
    func testUntouchedReleasePasses() throws {
        let s = try SignedRelease()
        let r = try s.verify()
        XCTAssertTrue(r.passed, "\(r.checks)")
        XCTAssertEqual(r.assets.map(\.status), Array(repeating: .ok, count: 6))
        XCTAssertEqual(r.signers.map(\.status), [.trusted, .trusted])
    }

    func testFlippedByteInWeightsIsModified() throws {
        let s = try SignedRelease()
        let p = s.dir.url("samples/tiny-llm/model.safetensors")
        var bytes = try BoundedFile.read(p, limit: 1 << 30)
        bytes[bytes.count - 10] ^= 0x01
        try AtomicFile.write(bytes, to: p)
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        let a = r.assets.first { $0.name == "tiny-llm" }!
        XCTAssertEqual(a.status, .modified)
        XCTAssertEqual(a.issues.map(\.path), ["model.safetensors"])
        XCTAssertNotNil(failed(r, .digests))
        XCTAssertNotNil(r.checks.first { $0.name == .signatures && $0.passed == true }, "signatures still fine")
    }

    func testAddedAndRemovedFiles() throws {
        let s = try SignedRelease()
        s.dir.write("samples/support-lora/backdoor.py", "import os")
        unlink(s.dir.url("samples/kb-index/docstore.json"))
        unlink(s.dir.url("samples/prompts/system-prompt.txt"))
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        let status = Dictionary(uniqueKeysWithValues: r.assets.map { ($0.name, $0.status) })
        XCTAssertEqual(status["support-lora"], .unexpected)
        XCTAssertEqual(r.assets.first { $0.name == "support-lora" }?.issues.map(\.path), ["backdoor.py"])
        XCTAssertEqual(status["kb-index"], .missing)
        XCTAssertEqual(status["system-prompt"], .missing)
        XCTAssertEqual(status["tiny-llm"], .ok)
    }

    func testPredicateEditedAfterSigning() throws {
        let s = try SignedRelease()
        try s.editEnvelope { o in
            var payload = String(decoding: Base64.decode(o["payload"]!.stringValue!)!, as: UTF8.self)
            payload = payload.replacingOccurrences(of: "\"Apache-2.0\"", with: "\"MIT\"")
            o["payload"] = .string(Base64.encode(Array(payload.utf8)))
        }
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        XCTAssertTrue(failed(r, .signatures)!.reasons.contains { $0.contains("does not verify over this envelope") })
    }

    func testSignatureMovedFromAnotherEnvelope() throws {
        let other = try SignedRelease()
        try other.editEnvelope { o in o["payloadType"] = .string("application/vnd.in-toto+json") }
        let otherSigs = try JSON.parse(try BoundedFile.read(other.envelopePath, limit: 1 << 26))["signatures"]!
        // Same keys, different release (fresh serial): the signatures don't transfer.
        let s = try SignedRelease()
        try s.editEnvelope { o in o["signatures"] = otherSigs }
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        XCTAssertEqual(failed(r, .signatures)?.reasons.count, 2)
    }

    func testKeyNotInPolicy() throws {
        let s = try SignedRelease(signers: [try PrivateKey.ed25519(seed: [UInt8](repeating: 3, count: 32))])
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        XCTAssertTrue(failed(r, .signatures)!.reasons[0].contains("not in the policy"))
        XCTAssertNotNil(failed(r, .threshold))
        XCTAssertEqual(r.signers.map(\.status), [.unknownKey])
    }

    func testExpiredNotYetValidAndRevokedKeys() throws {
        let s = try SignedRelease()
        var alice = s.trusted("alice", s.alice)
        alice.notAfter = parseTimestamp("2026-01-01T00:00:00Z")
        var r = try s.verify(s.policy([alice, s.trusted("bob", s.bob)]))
        XCTAssertFalse(r.passed)
        XCTAssertTrue(failed(r, .trust)!.reasons[0].contains("'alice' expired at 2026-01-01T00:00:00Z"))
        XCTAssertNotNil(failed(r, .threshold))
        // The same policy held before expiry.
        XCTAssertTrue(try s.verify(s.policy([alice, s.trusted("bob", s.bob)]), at: parseTimestamp("2025-12-01T00:00:00Z")).passed)

        var bob = s.trusted("bob", s.bob)
        bob.revoked = true
        r = try s.verify(s.policy([s.trusted("alice", s.alice), bob]))
        XCTAssertFalse(r.passed)
        XCTAssertTrue(failed(r, .trust)!.reasons[0].contains("'bob'"))
        XCTAssertEqual(r.signers.first { $0.name == "bob" }?.status, .revoked)

        var early = s.trusted("alice", s.alice)
        early.notBefore = parseTimestamp("2027-01-01T00:00:00Z")
        r = try s.verify(s.policy([early, s.trusted("bob", s.bob)], threshold: 1))
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.signers.first { $0.name == "alice" }?.status, .notYetValid)
    }

    func testKeyNotAllowedForAKind() throws {
        let s = try SignedRelease()
        var alice = s.trusted("alice", s.alice)
        alice.allowedKinds = [.model, .adapter]
        let r = try s.verify(s.policy([alice, s.trusted("bob", s.bob)]))
        XCTAssertFalse(r.passed)
        XCTAssertTrue(failed(r, .trust)!.reasons[0].contains("'alice' may not vouch for support-chats"))
        XCTAssertEqual(r.assets.first { $0.name == "support-chats" }?.status, .unsigned)
        XCTAssertEqual(r.assets.first { $0.name == "tiny-llm" }?.status, .ok)
    }

    func testThresholdNotMet() throws {
        let s = try SignedRelease(signers: [PrivateKey.ed25519(seed: [UInt8](repeating: 1, count: 32))])
        let r = try s.verify()
        XCTAssertFalse(r.passed)
        XCTAssertEqual(failed(r, .threshold)?.reasons, ["1 distinct trusted signer, the policy requires 2"])
        XCTAssertTrue(try s.verify(s.policy(threshold: 1)).passed)
    }

    func testDuplicateSignatureByOneKeyCountsOnce() throws {
        let s = try SignedRelease(signers: [PrivateKey.ed25519(seed: [UInt8](repeating: 1, count: 32)),
                                            PrivateKey.ed25519(seed: [UInt8](repeating: 1, count: 32))])
        XCTAssertNotNil(failed(try s.verify(), .threshold))
    }

    func testPayloadTypeChanged() throws {
        let s = try SignedRelease()
        try s.editEnvelope { o in o["payloadType"] = .string("application/json") }
        let r = try s.verify()
        XCTAssertEqual(failed(r, .envelope)?.reasons, ["payloadType is 'application/json', expected 'application/vnd.in-toto+json'"])
        XCTAssertTrue(r.checks.dropFirst().allSatisfy { $0.passed == nil })
    }

    func testDuplicateKeysInPayloadAreRejected() throws {
        let s = try SignedRelease()
        // Re-sign a payload with a duplicate key, so only the duplicate can be the reason.
        let payload = Array(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://cyclonedx.org/bom","predicateType":"x","subject":[],"predicate":{}}"#.utf8)
        var env = Envelope(payloadType: Envelope.inTotoPayloadType, payload: payload)
        try env.sign(with: s.alice)
        try env.sign(with: s.bob)
        try AtomicFile.write(env.json.bytes(), to: s.envelopePath)
        let r = try s.verify()
        XCTAssertTrue(failed(r, .envelope)!.reasons[0].contains("duplicate key \"predicateType\""))
    }

    func testNonCanonicalAndInvalidBase64() throws {
        let s = try SignedRelease()
        try s.editEnvelope { o in
            let p = o["payload"]!.stringValue!
            o["payload"] = .string(p.replacingOccurrences(of: "=", with: ""))  // padding stripped
        }
        var r = try s.verify()
        XCTAssertEqual(failed(r, .envelope)?.reasons, ["the payload is not canonical base64"])
        try s.editEnvelope { o in o["payload"] = .string("not base64!") }
        r = try s.verify()
        XCTAssertEqual(failed(r, .envelope)?.reasons, ["the payload is not canonical base64"])
    }

    func testHugeEnvelopeIsBoundedAndClear() throws {
        let s = try SignedRelease()
        let fd = open(s.envelopePath, O_WRONLY | O_TRUNC)
        XCTAssertEqual(ftruncate(fd, 300 << 20), 0)  // sparse: 300 MiB, never read
        close(fd)
        let r = try s.verify()
        XCTAssertTrue(failed(r, .envelope)!.reasons[0].contains("exceeds the 64.0 MiB limit"), "\(r.checks[0])")
    }

    func testUnsafeFormatsRefusedByPolicy() throws {
        let s = try SignedRelease()
        var r = try s.verify()
        XCTAssertTrue(r.passed)
        // A pickle checkpoint in the model: rebuilt and re-signed, the policy refuses it.
        s.dir.write("samples/tiny-llm/pytorch_model.bin", [0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e])
        let m = try ReleaseManifest.load(s.root + "/release-1.0.json")
        let release = try ReleaseBuilder().build(m, root: s.root)
        XCTAssertEqual(release.asset(named: "tiny-llm")?.properties["serialization"], "executable")
        let bom = CycloneDX.encode(release, options: .init(timestamp: s.now, serialNumber: CycloneDX.randomSerial(), toolVersion: "t"))
        var env = ReleaseAttestation.envelope(try ReleaseAttestation.statement(bom: bom, bomBytes: bom.bytes(), bomName: "b", source: "b"))
        try env.sign(with: s.alice)
        try env.sign(with: s.bob)
        try AtomicFile.write(env.json.bytes(), to: s.envelopePath)
        r = try s.verify()
        XCTAssertTrue(failed(r, .findings)!.reasons[0].contains("tiny-llm: format runs code when loaded (pytorch_model.bin)"))
        var allowing = s.policy()
        allowing.allowExecutableFormats = true
        XCTAssertTrue(try s.verify(allowing).passed)
    }
}

final class TrustPolicyTests: XCTestCase {
    func testLoadsKeysWindowsScopeAndRejectsMistakes() throws {
        let dir = TempDir()
        let k = try PrivateKey.generate(.ecdsaP256)
        dir.write("k.pub", k.publicKey.pem)
        let inline = try PrivateKey.generate(.ed25519)
        let pemJSON = JSON.string(inline.publicKey.pem).serialized()
        let p = dir.write("policy.json", """
        {"keys":[{"name":"release","publicKeyFile":"k.pub","keyid":"\(k.publicKey.keyID)","notBefore":"2026-01-01T00:00:00Z",
                  "notAfter":"2027-01-01T00:00:00.5Z","allow":{"kinds":["model","adapter"]}},
                 {"name":"inline","publicKey":\(pemJSON),"revoked":true}],
         "threshold":2,"allowFindings":true}
        """)
        let policy = try TrustPolicy.load(p)
        XCTAssertEqual(policy.keys.map(\.name), ["release", "inline"])
        XCTAssertEqual(policy.threshold, 2)
        XCTAssertTrue(policy.allowFindings)
        XCTAssertFalse(policy.allowExecutableFormats)
        XCTAssertEqual(policy.keys[0].allowedKinds, [.model, .adapter])
        XCTAssertTrue(policy.keys[1].revoked)

        let mistakes: [(String, String)] = [
            (#"{"keys":[]}"#, "'keys' must be a non-empty array"),
            (#"{"keys":[{"name":"a","publicKeyFile":"k.pub"}],"threshold":2}"#, "'threshold' must be between 1 and"),
            (#"{"keys":[{"name":"a","publicKeyFile":"k.pub","keyid":"00"}]}"#, "key 'a': keyid 00 does not match"),
            (#"{"keys":[{"name":"a","publicKeyFile":"k.pub","notAfter":"soon"}]}"#, "'notAfter' must be an RFC 3339"),
            (#"{"keys":[{"name":"a"}]}"#, "needs 'publicKey'"),
            (#"{"keys":[{"name":"a","publicKeyFile":"k.pub"}],"treshold":1}"#, "unknown field 'treshold'"),
            (#"{"keys":[{"name":"a","publicKeyFile":"k.pub"},{"name":"b","publicKeyFile":"k.pub"}]}"#, "listed twice"),
        ]
        for (text, fragment) in mistakes {
            XCTAssertThrowsError(try TrustPolicy.load(dir.write("bad.json", text)), text) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)")
            }
        }
    }
}
