import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// `aibom diff` through the binary on the samples' releases 1.0 and 1.1.
final class DiffCommandTests: XCTestCase {
    let root = repositoryRoot()

    func testDiffBOMsAttestationsAndManifests() throws {
        let dir = TempDir()
        let b1 = dir.url("r1.cdx.json"), b2 = dir.url("r2.cdx.json")
        XCTAssertEqual(try aibom(["build", "-q", "-m", root + "/manifests/release-1.0.json", "-o", b1]).status, 0)
        XCTAssertEqual(try aibom(["build", "-q", "-m", root + "/manifests/release-1.1.json", "-o", b2]).status, 0)
        let t = try aibom(["diff", b1, b2])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.out.contains("+ asset         safety-lora (adapter)"), t.out)
        XCTAssertTrue(t.out.contains("~ record count  support-chats: 400 → 520"), t.out)

        let j = try aibom(["diff", "--format", "json", b1, b2])
        let doc = try JSON.parse(j.stdout)
        XCTAssertEqual(doc["summary"]?["asset-added"]?.intValue, 1)
        XCTAssertEqual(doc["old"]?.stringValue, "acme-support-assistant 1.0.0")

        // Attestations: signers compared too.
        XCTAssertEqual(try aibom(["keygen", "-q", "--out", dir.url("k1")]).status, 0)
        XCTAssertEqual(try aibom(["keygen", "-q", "--out", dir.url("k2")]).status, 0)
        XCTAssertEqual(try aibom(["sign", b1, "--key", dir.url("k1.key")]).status, 0)
        XCTAssertEqual(try aibom(["sign", b2, "--key", dir.url("k2.key")]).status, 0)
        let s = try aibom(["diff", "--format", "json", "--fail-on", "signer", dir.url("r1.intoto.json"), dir.url("r2.intoto.json")])
        XCTAssertEqual(s.status, 1)
        XCTAssertEqual(try JSON.parse(s.stdout)["summary"]?["signer-added"]?.intValue, 1)
        XCTAssertTrue(s.stderr.contains("diff gate"), s.stderr)

        // Manifests, built on the fly; gates.
        XCTAssertEqual(try aibom(["diff", "-q", "--fail-on", "license", root + "/manifests/release-1.0.json", b2]).status, 0)
        XCTAssertEqual(try aibom(["diff", "-q", "--fail-on", "data", root + "/manifests/release-1.0.json", b2]).status, 1)
        XCTAssertEqual(try aibom(["diff", b1, b1]).out, "diff acme-support-assistant 1.0.0 → acme-support-assistant 1.0.0: 0 changes\n")
        let md = try aibom(["diff", "--format", "markdown", b1, b2])
        XCTAssertTrue(md.out.hasPrefix("### Release diff"))
        XCTAssertEqual(try aibom(["diff", "--fail-on", "everything", b1, b2]).status, 2)
        XCTAssertEqual(try aibom(["diff", b1, dir.write("x.json", "{}")]).status, 2)
    }
}
