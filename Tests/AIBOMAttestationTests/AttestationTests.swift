import AIBOMAttestation
import AIBOMCrypto
import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

final class DSSETests: XCTestCase {
    /// The PAE example from the DSSE protocol specification.
    func testPAEMatchesSpecification() {
        let pae = Envelope.pae(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        XCTAssertEqual(String(decoding: pae, as: UTF8.self), "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        XCTAssertEqual(String(decoding: Envelope.pae(payloadType: "", payload: []), as: UTF8.self), "DSSEv1 0  0 ")
    }

    /// Signatures aibom puts in an envelope verify with the openssl CLI over the PAE bytes.
    func testEnvelopeSignaturesVerifyWithOpenSSL() throws {
        let dir = TempDir()
        for alg in KeyAlgorithm.generatable {
            let key = try PrivateKey.generate(alg)
            var env = Envelope(payloadType: Envelope.inTotoPayloadType, payload: Array(#"{"_type":"x"}"#.utf8))
            try env.sign(with: key)
            let parsed = try Envelope.parse(try JSON.parse(env.json.serialized()))
            XCTAssertEqual(parsed, env)
            XCTAssertEqual(parsed.signatures[0].keyid, key.publicKey.keyID)
            let pae = dir.write("pae", parsed.pae)
            let sig = dir.write("sig", parsed.signatures[0].sig)
            let pub = dir.write("pub", key.publicKey.pem)
            let r = alg == .ed25519
                ? try runProcess("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", pae, "-sigfile", sig])
                : try runProcess("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, pae])
            XCTAssertEqual(r.status, 0, "\(alg): \(r.out)\(r.stderr)")
        }
    }

    func testStrictParsing() throws {
        let good = #"{"payloadType":"t","payload":"YQ==","signatures":[{"keyid":"k","sig":"YQ=="}]}"#
        XCTAssertNoThrow(try Envelope.parse(try JSON.parse(good)))
        let bad: [(String, String)] = [
            (#"{"payloadType":"t","payload":"YQ","signatures":[{"sig":"YQ=="}]}"#, "payload is not canonical base64"),
            (#"{"payloadType":"t","payload":"YR==","signatures":[{"sig":"YQ=="}]}"#, "payload is not canonical base64"),
            (#"{"payloadType":"t","payload":"Y Q==","signatures":[{"sig":"YQ=="}]}"#, "payload is not canonical base64"),
            (#"{"payloadType":"t","payload":"YQ==","signatures":[{"sig":"!!"}]}"#, "signature 1 is not canonical base64"),
            (#"{"payloadType":"t","payload":"YQ==","signatures":[]}"#, "no signatures"),
            (#"{"payloadType":"t","payload":"YQ==","signatures":[{"sig":"YQ=="}],"extra":1}"#, "unknown field"),
            (#"{"payload":"YQ==","signatures":[{"sig":"YQ=="}]}"#, "no string 'payloadType'"),
        ]
        for (text, fragment) in bad {
            XCTAssertThrowsError(try Envelope.parse(try JSON.parse(text)), text) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)")
            }
        }
    }
}

/// The reference OpenSSF model-signing tool's own signatures (Tests/Fixtures/Compat/oms-1.1.1,
/// see NOTE.md there) verify in aibom; aibom's bundles have the reference layout.
final class ModelSigningTests: XCTestCase {
    let fixtures = repositoryRoot() + "/Tests/Fixtures/Compat/oms-1.1.1"

    func testParsesReferenceBundles() throws {
        let files = try ModelSigning.parse(try BoundedFile.read(fixtures + "/model.sig", limit: 1 << 20))
        XCTAssertEqual(files.serialization.method, .files)
        XCTAssertEqual(files.resources.map(\.name), ["a/b", "a-c", "sub/a.txt", "w.bin"], "path-component order")
        XCTAssertEqual(files.subjectName, "model")
        let pem = try BoundedFile.read(fixtures + "/key.pub", limit: 1 << 20)
        XCTAssertEqual(files.publicKeyHint, Hex.encode(SHA256.hash(pem)))
        let shards = try ModelSigning.parse(try BoundedFile.read(fixtures + "/model-shards.sig", limit: 1 << 20))
        XCTAssertEqual(shards.serialization.shardSize, 8)
        XCTAssertEqual(shards.resources.map(\.name), ["a/b:0:3", "a-c:0:1", "sub/a.txt:0:3", "w.bin:0:8", "w.bin:8:14"])
        XCTAssertEqual(shards.resources[0].algorithm, "sha256-sharded-8")
    }

    func testOwnResourcesMatchTheReference() throws {
        for (sig, path) in [("model.sig", "model"), ("model-shards.sig", "model"), ("single.sig", "single/m.bin")] {
            let ref = try ModelSigning.parse(try BoundedFile.read(fixtures + "/" + sig, limit: 1 << 20))
            let (mine, _) = try ModelSigning.resources(of: fixtures + "/" + path, serialization: ref.serialization)
            XCTAssertEqual(mine, ref.resources, sig)
        }
    }

    func testSignProducesReferenceLayout() throws {
        let key = try PrivateKey.generate(.ecdsaP256)
        let pem = Array(key.publicKey.pem.utf8)
        let bundle = try ModelSigning.sign(modelPath: fixtures + "/model", key: key, publicKeyPEM: pem,
                                           serialization: .init(method: .files))
        XCTAssertEqual(bundle["mediaType"]?.stringValue, "application/vnd.dev.sigstore.bundle.v0.3+json")
        XCTAssertEqual(bundle["verificationMaterial"]?["tlogEntries"], .array([]))
        let parsed = try ModelSigning.parse(bundle.bytes())
        XCTAssertEqual(parsed.subjectName, "model")
        XCTAssertTrue(key.publicKey.isValidSignature(parsed.envelope.signatures[0].sig, for: parsed.envelope.pae))
        let ref = try ModelSigning.parse(try BoundedFile.read(fixtures + "/model.sig", limit: 1 << 20))
        XCTAssertEqual(parsed.resources, ref.resources)
        XCTAssertEqual(parsed.subjectDigest, ref.subjectDigest)
    }

    func testRejectsInconsistentBundles() throws {
        var text = String(decoding: try BoundedFile.read(fixtures + "/model.sig", limit: 1 << 20), as: UTF8.self)
        text = text.replacingOccurrences(of: "application/vnd.dev.sigstore.bundle.v0.3+json", with: "application/json")
        XCTAssertThrowsError(try ModelSigning.parse(Array(text.utf8))) { XCTAssertTrue("\($0)".contains("not a Sigstore bundle")) }
    }
}
