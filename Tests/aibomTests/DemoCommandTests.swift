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

    /// A step that does not behave as the story expects fails the demo as a failed check (exit 1).
    func testAStepThatMisbehavesFailsTheDemo() throws {
        let dir = TempDir()
        let root = repositoryRoot()
        try FileManager.default.copyItem(atPath: root + "/samples", toPath: dir.url("samples"))
        // A second planted token the story does not remove: the scan after the fix finds it.
        dir.write("samples/tiny-llm/notes.txt", "GITHUB_TOKEN=ghp_" + String(repeating: "aB3dE5gH7jK9mN1pQ3sT", count: 2).prefix(36) + "\n")
        let r = try aibom(["demo", "--samples", dir.url("samples"), "--manifests", root + "/manifests", "--keys", root + "/keys"],
                          cwd: dir.path)
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertTrue(r.stderr.contains("aibom: error: demo: 'aibom scan samples/prompts samples/tiny-llm samples/support-lora' exited 1, expected 0"), r.stderr)
    }
}
