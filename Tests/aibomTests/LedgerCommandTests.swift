import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// The ledger through the binary: append after verify, trace, at, proofs, concurrent appends,
/// appends killed at random points, and verification elsewhere with only the public key.
final class LedgerCommandTests: XCTestCase {
    let root = repositoryRoot()

    func setUpRelease(_ dir: TempDir) throws {
        XCTAssertEqual(try aibom(["keygen", "-q", "--out", dir.url("re")]).status, 0)
        XCTAssertEqual(try aibom(["keygen", "-q", "--out", dir.url("lk")]).status, 0)
        dir.write("policy.json", #"{"keys":[{"name":"re","publicKeyFile":"re.pub"}]}"#)
        for (m, out) in [("release-1.0.json", "r1.cdx.json"), ("release-1.1.json", "r2.cdx.json")] {
            XCTAssertEqual(try aibom(["build", "-q", "-m", root + "/manifests/" + m, "-o", dir.url(out)]).status, 0)
            XCTAssertEqual(try aibom(["sign", dir.url(out), "--key", dir.url("re.key")]).status, 0)
        }
        XCTAssertEqual(try aibom(["ledger", "init", "-l", dir.url("L"), "--key", dir.url("lk.key")]).status, 0)
    }

    func append(_ dir: TempDir, _ env: String, _ rel: String, time: String, event: String = "deployed") throws -> ProcessResult {
        try aibom(["ledger", "append", dir.url(rel), "-l", dir.url("L"), "-k", dir.url("lk.key"), "--env", env, "--event", event,
                   "--policy", dir.url("policy.json"), "--root", root + "/manifests", "--time", time])
    }

    func testAppendTraceAtProofAndVerifyElsewhere() throws {
        let dir = TempDir()
        try setUpRelease(dir)
        XCTAssertEqual(try append(dir, "prod", "r1.intoto.json", time: "2026-01-01T00:00:00Z").status, 0)
        XCTAssertEqual(try append(dir, "staging", "r2.intoto.json", time: "2026-02-01T00:00:00Z").status, 0)
        let held = try BoundedFile.read(dir.url("L/checkpoint"), limit: 1 << 20)
        dir.write("held-checkpoint", held)
        XCTAssertEqual(try append(dir, "prod", "r2.intoto.json", time: "2026-03-01T00:00:00Z").status, 0)
        XCTAssertEqual(try append(dir, "prod", "r1.intoto.json", time: "2026-03-01T00:05:00Z", event: "retired").status, 0)

        let at = try aibom(["ledger", "at", "2026-02-15T00:00:00Z", "--env", "prod", "-l", dir.url("L")])
        XCTAssertTrue(at.out.contains("prod: acme-support-assistant 1.0.0"), at.out)
        let later = try aibom(["ledger", "at", "2026-04-01T00:00:00Z", "-l", dir.url("L"), "--format", "json"])
        let live = try JSON.parse(later.stdout)["live"]!.arrayValue!.map { "\($0["environment"]!.stringValue!) \($0["version"]!.stringValue!)" }
        XCTAssertEqual(live, ["prod 1.1.0", "staging 1.1.0"])

        let trace = try aibom(["trace", "safety-lora", "-l", dir.url("L")])
        XCTAssertTrue(trace.out.contains("2 ledger entries"), trace.out)
        let byFile = try aibom(["trace", root + "/samples/tiny-llm/model.safetensors", "-l", dir.url("L")])
        XCTAssertTrue(byFile.out.contains("4 ledger entries"), byFile.out)
        XCTAssertEqual(try aibom(["trace", "no-such-asset", "-l", dir.url("L")]).status, 1)

        let proof = try aibom(["ledger", "proof", "--entry", "1", "-l", dir.url("L")])
        XCTAssertEqual(proof.status, 0)
        XCTAssertEqual(try JSON.parse(proof.stdout)["verified"], .bool(true))
        XCTAssertEqual(try JSON.parse(try aibom(["ledger", "proof", "--consistency", "2", "-l", dir.url("L")]).stdout)["verified"], .bool(true))

        // Another machine: a copy of the ledger, the ledger's public key and the checkpoint it held.
        try FileManager.default.copyItem(atPath: dir.url("L"), toPath: dir.url("copy"))
        let v = try aibom(["ledger", "verify", "-l", dir.url("copy"), "--public-key", dir.url("lk.pub"), "--checkpoint", dir.url("held-checkpoint")])
        XCTAssertEqual(v.status, 0, v.out)
        XCTAssertTrue(v.out.contains("extends the trusted checkpoint of size 2"), v.out)
        XCTAssertEqual(try aibom(["ledger", "verify", "-l", dir.url("copy"), "--public-key", dir.url("re.pub")]).status, 2, "wrong key")
        // The copy is rewritten (an entry edited, the tree and checkpoints re-signed with the key): the held checkpoint catches it.
        let e1 = dir.url("copy/entries/000000/000000000001.json")
        let edited = String(decoding: try BoundedFile.read(e1, limit: 1 << 20), as: UTF8.self).replacingOccurrences(of: "staging", with: "qa")
        try AtomicFile.write(edited, to: e1)
        let tampered = try aibom(["ledger", "verify", "-l", dir.url("copy"), "--checkpoint", dir.url("held-checkpoint")])
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.out.contains("entry 1 was edited"), tampered.out)
    }

    func testAppendRefusedWhenTheAttestationFails() throws {
        let dir = TempDir()
        try setUpRelease(dir)
        dir.write("other.json", #"{"keys":[{"name":"lk","publicKeyFile":"lk.pub"}]}"#)
        let r = try aibom(["ledger", "append", dir.url("r1.intoto.json"), "-l", dir.url("L"), "-k", dir.url("lk.key"), "--env", "prod",
                           "--policy", dir.url("other.json"), "--root", root + "/manifests"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("ledger append refused"), r.stderr)
        XCTAssertEqual(try aibom(["ledger", "append", dir.url("r1.intoto.json"), "-l", dir.url("L"), "-k", dir.url("lk.key"),
                                  "--env", "prod"]).status, 2, "no policy and no --unsafe-skip-verify")
    }

    /// Two appends at once serialize; appends killed at random points leave a ledger that verifies.
    func testConcurrentAndKilledAppends() throws {
        let dir = TempDir()
        try setUpRelease(dir)
        let bin = productsDirectory + "/aibom"
        let args = ["ledger", "append", dir.url("r1.intoto.json"), "-l", dir.url("L"), "-k", dir.url("lk.key"), "--env", "prod",
                    "--unsafe-skip-verify"]
        // Concurrent: 6 processes at once.
        let procs = (0..<6).map { _ -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            try! p.run()
            return p
        }
        for p in procs { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        var v = try aibom(["ledger", "verify", "-l", dir.url("L"), "--format", "json"])
        XCTAssertEqual(try JSON.parse(v.stdout)["entries"]?.intValue, 6)
        XCTAssertEqual(v.status, 0, v.out)
        // Killed: SIGKILL at random moments during 25 appends.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<25 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: bin)
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(UInt32.random(in: 0...40_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            v = try aibom(["ledger", "verify", "-l", dir.url("L")])
            XCTAssertEqual(v.status, 0, v.out)
        }
        XCTAssertEqual(try append(dir, "prod", "r2.intoto.json", time: "2026-05-01T00:00:00Z").status, 0)
        v = try aibom(["ledger", "verify", "-l", dir.url("L"), "--format", "json"])
        XCTAssertEqual(v.status, 0, v.out)
        XCTAssertEqual(try JSON.parse(v.stdout)["pending"]?.intValue, 0)
    }
}
