import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// `aibom build`, `show` and `init` through the binary, on the committed samples.
final class BOMCommandsTests: XCTestCase {
    let root = repositoryRoot()
    let serial = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"

    func pinnedEnv() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1700000000"
        return env
    }

    /// The BOM of the samples' release 1.0 against a committed golden (rewrite with
    /// RECORD_GOLDENS=1 swift test; the golden passes the official CycloneDX validator in CI).
    func testBuildSamplesMatchesGolden() throws {
        let r = try aibom(["build", "--manifest", root + "/manifests/release-1.0.json", "--serial", serial, "-q"],
                          environment: pinnedEnv())
        XCTAssertEqual(r.status, 0, r.stderr)
        try assertGolden(r.out, "release-1.0.cdx.json")
        // Byte-identical when built again with the same pins.
        let again = try aibom(["build", "-m", root + "/manifests/release-1.0.json", "--serial", serial, "-q", "-j", "1"],
                              environment: pinnedEnv())
        XCTAssertEqual(again.out, r.out)
    }

    func testBuildWritesAtomicallyAndShowSummarises() throws {
        let dir = TempDir()
        let out = dir.url("r.cdx.json")
        let b = try aibom(["build", "-m", root + "/manifests/release-1.1.json", "-o", out])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stderr.contains("wrote \(out): 7 assets"), b.stderr)
        let s = try aibom(["show", out])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.out.contains("acme-support-assistant 1.1.0 by Acme AI"), s.out)
        XCTAssertTrue(s.out.contains("safety-lora [adapter]"), s.out)
        XCTAssertTrue(s.out.contains("base → tiny-llm"), s.out)
        XCTAssertTrue(s.out.contains("recordCount: 520"), s.out)
        let j = try aibom(["show", "--format", "json", out])
        let doc = try JSON.parse(j.stdout)
        XCTAssertEqual(doc["assets"]?.arrayValue?.count, 7)
    }

    func testBuildInputErrors() throws {
        let dir = TempDir()
        let bad = dir.write("m.json", #"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"missing"}]}"#)
        let r = try aibom(["build", "-m", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "aibom: error: \(bad): asset 'a': path 'missing' does not exist (looked at \(dir.path)/missing)\n")
        XCTAssertEqual(try aibom(["build"]).status, 2)
        XCTAssertEqual(try aibom(["build", "-m", bad, "--serial", "42"]).status, 2)
        XCTAssertEqual(try aibom(["show", dir.write("x.json", "{}")]).status, 2)
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "yesterday"
        XCTAssertEqual(try aibom(["build", "-m", root + "/manifests/release-1.0.json"], environment: env).status, 2)
    }

    func testInitWritesAManifestThatBuilds() throws {
        let dir = TempDir()
        let out = dir.url("release.json")
        let r = try aibom(["init", root + "/samples", "--out", out, "--name", "samples"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSON.parse(try BoundedFile.read(out, limit: 1 << 20))
        let kinds = Dictionary(uniqueKeysWithValues: doc["assets"]!.arrayValue!.map {
            ($0["name"]!.stringValue!, $0["kind"]!.stringValue!)
        })
        XCTAssertEqual(kinds["tiny-llm"], "model")
        XCTAssertEqual(kinds["support-lora"], "adapter")
        XCTAssertEqual(kinds["support-chats-1.0"], "dataset")
        XCTAssertEqual(kinds["system-prompt"], "prompt")
        XCTAssertEqual(kinds["kb-index"], "index")
        XCTAssertEqual(try aibom(["init", root + "/samples", "--out", out]).status, 2, "never overwrites")
        let b = try aibom(["build", "-m", out, "-q"])
        XCTAssertEqual(b.status, 0, b.stderr)
    }
}

/// Compares `actual` with a committed golden file; RECORD_GOLDENS=1 rewrites it instead.
func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let path = repositoryRoot() + "/Tests/Fixtures/Goldens/" + name
    if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
        try actual.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertEqual(actual, expected, "differs from golden \(name); rerun with RECORD_GOLDENS=1 if intended", file: file, line: line)
}
