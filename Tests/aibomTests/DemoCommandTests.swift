import AIBOMTestSupport
import Foundation
import XCTest

/// The README's main-job command: the whole story on the samples, exit 0, files left in --workdir.
final class DemoCommandTests: XCTestCase {
    func testDemoRunsTheWholeStory() throws {
        let dir = TempDir()
        let work = dir.url("demo")
        let r = try aibom(["demo", "--workdir", work], cwd: repositoryRoot())
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        for step in ["huggingface-token", "(exit 1, as expected)", "verification passed", "verification FAILED",
                     "modified   support-lora", "+ asset         safety-lora (adapter)", "ledger verified",
                     "demo finished: every step behaved as expected"] {
            XCTAssertTrue(r.out.contains(step), "missing: \(step)")
        }
        for f in ["keys/release-engineer.key", "keys/security-reviewer.pub", "keys/policy.json", "release-1.0.cdx.json",
                  "release-1.1.intoto.json", "ledger/checkpoint", "ledger/entries/000000/000000000002.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: work + "/" + f), f)
        }
        XCTAssertFalse(r.out.contains("QmVyTkxaZWxoaVdvQnJpZGdlVHJvbGxz"), "the planted secret is never printed")
        XCTAssertEqual(try aibom(["demo", "--workdir", work], cwd: repositoryRoot()).status, 2, "a non-empty workdir is refused")
        XCTAssertEqual(try aibom(["demo"], cwd: dir.path).status, 2, "outside the repository: samples not found")
    }
}
