import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// `aibom scan` and the build's scan gate, through the binary.
final class ScanCommandTests: XCTestCase {
    let root = repositoryRoot()
    // Token-shaped, never a real credential; built at run time so this file holds no token.
    let token = "ghp_" + String(repeating: "aB3dE5gH7jK9mN1pQ3sT", count: 2).prefix(36)

    func testFormatsExitCodesAndRedaction() throws {
        let dir = TempDir()
        dir.write("cfg/.env", "GITHUB_TOKEN=\(token)\n")
        dir.write("clean.txt", "nothing here\n")
        let text = try aibom(["scan", dir.path])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.out.contains("CRITICAL github-token \(dir.url("cfg/.env")):1"), text.out)
        XCTAssertFalse(text.out.contains(token) || text.stderr.contains(token), "secret never in output")
        let json = try aibom(["scan", "--format", "json", dir.path])
        let doc = try JSON.parse(json.stdout)
        XCTAssertEqual(doc["findings"]?.arrayValue?.first?["redacted"]?.stringValue, "ghp_…")
        let sarif = try aibom(["scan", "-f", "sarif", dir.path])
        let s = try JSON.parse(sarif.stdout)
        XCTAssertEqual(s["version"]?.stringValue, "2.1.0")
        XCTAssertEqual(s["runs"]?.arrayValue?.first?["results"]?.arrayValue?.first?["ruleId"]?.stringValue, "github-token")
        XCTAssertEqual(s["runs"]?.arrayValue?.first?["results"]?.arrayValue?.first?["level"]?.stringValue, "error")
        XCTAssertFalse(sarif.out.contains(token))
        let revealed = try aibom(["scan", "--reveal", dir.path])
        XCTAssertTrue(revealed.out.contains(token))
        XCTAssertEqual(try aibom(["scan", dir.url("clean.txt")]).status, 0)
        XCTAssertEqual(try aibom(["scan", "--only", "serialization", dir.path]).status, 0)
        XCTAssertEqual(try aibom(["scan", "--only", "nothing", dir.path]).status, 2)
        XCTAssertEqual(try aibom(["scan", dir.url("missing")]).status, 2)
    }

    func testBaselineAndAllowlist() throws {
        let dir = TempDir()
        dir.write("a.env", "GITHUB_TOKEN=\(token)\n")
        let base = dir.url("baseline.json")
        let w = try aibom(["scan", "--write-baseline", base, dir.url("a.env")])
        XCTAssertEqual(w.status, 0, w.stderr)
        XCTAssertEqual(try aibom(["scan", "--baseline", base, dir.url("a.env")]).status, 0)
        dir.write("b.env", "OTHER=\(token.dropLast(4))WXYZ\n")
        XCTAssertEqual(try aibom(["scan", "--baseline", base, dir.path]).status, 1, "a new secret is still reported")
        let cfg = dir.write("aibom-scan.json", #"{"allow":{"paths":["*.env"]}}"#)
        XCTAssertEqual(try aibom(["scan", "--config", cfg, dir.path]).status, 0)
        let bad = dir.write("bad.json", #"{"allow":{"rules":["no-such-rule"]}}"#)
        XCTAssertEqual(try aibom(["scan", "--config", bad, dir.path]).status, 2)
    }

    func testBuildRefusesFindingsUnlessAllowed() throws {
        let dir = TempDir()
        try FileManager.default.copyItem(atPath: root + "/samples", toPath: dir.url("samples"))
        try FileManager.default.createDirectory(atPath: dir.url("manifests"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/manifests/release-1.0.json", toPath: dir.url("manifests/r.json"))
        let prompt = dir.url("samples/prompts/system-prompt.txt")
        let original = try String(contentsOfFile: prompt, encoding: .utf8)
        try (original + "debug: github token \(token)\n").write(toFile: prompt, atomically: true, encoding: .utf8)
        let out = dir.url("r.cdx.json")
        let refused = try aibom(["build", "-m", dir.url("manifests/r.json"), "-o", out])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("github-token ../samples/prompts/system-prompt.txt:4"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let allowed = try aibom(["build", "-q", "--allow-findings", "-m", dir.url("manifests/r.json"), "-o", out])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let bom = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(bom.contains("\"aibom:scanFindings\""))
        XCTAssertFalse(bom.contains(token), "the BOM never holds the secret")
        try original.write(toFile: prompt, atomically: true, encoding: .utf8)
        XCTAssertEqual(try aibom(["build", "-q", "-m", dir.url("manifests/r.json"), "-o", out]).status, 0)
    }
}
