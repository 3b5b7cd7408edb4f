import AIBOMCrypto
import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// Runs the built binary and checks stdout, stderr and exit codes.
final class CLITests: XCTestCase {
    func testHelpVersionAndUsageErrors() throws {
        let help = try aibom(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.out.contains("Usage: aibom COMMAND"))
        XCTAssertTrue(help.out.contains("hash"))
        let v = try aibom(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.out.hasPrefix("aibom "))
        let h = try aibom(["help", "hash"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.out.contains("--shard-size SIZE"))
        XCTAssertEqual(try aibom(["hash", "--help"]).out, h.out)

        let unknown = try aibom(["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.stderr, "aibom: error: unknown command 'frobnicate' (see 'aibom --help')\n")
        let badOpt = try aibom(["hash", "--nope", "x"])
        XCTAssertEqual(badOpt.status, 2)
        XCTAssertEqual(badOpt.stderr, "aibom: error: unknown option '--nope' (see 'aibom help hash')\n")
        XCTAssertEqual(try aibom(["hash"]).status, 2)
        XCTAssertEqual(try aibom([]).status, 2)
        XCTAssertEqual(try aibom(["hash", "--format", "xml", "."]).status, 2)
    }

    func testHashOutputMatchesSha256sum() throws {
        let dir = TempDir()
        dir.write("b/w.bin", pseudoRandomBytes(70_000, seed: 2))
        dir.write("a.txt", "hello\n")
        dir.write("with space.txt", "x")
        let r = try aibom(["hash", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let check = try runProcess("sha256sum", ["-c", "--strict", "-"], stdin: r.stdout, cwd: dir.path)
        XCTAssertEqual(check.status, 0, check.out + check.stderr)
        XCTAssertEqual(r.out.split(separator: "\n").map { String($0.dropFirst(66)) }, ["a.txt", "b/w.bin", "with space.txt"])

        let j = try aibom(["hash", "--format=json", "--shard-size", "32KiB", dir.url("b")])
        XCTAssertEqual(j.status, 0)
        let doc = try JSON.parse(j.stdout)
        let entry = doc.arrayValue![0]
        XCTAssertEqual(entry["path"]?.stringValue, "w.bin")
        XCTAssertEqual(entry["size"]?.intValue, 70_000)
        XCTAssertEqual(entry["shards"]?.arrayValue?.count, 3)
        XCTAssertEqual(entry["shards"]?.arrayValue?.last?["end"]?.intValue, 70_000)
    }

    func testHashWarnsAboutSkippedEntriesAndFailsOnMissing() throws {
        let dir = TempDir()
        dir.write("a", "a")
        symlink("a", dir.url("link"))
        mkfifo(dir.url("fifo"), 0o600)
        let r = try aibom(["hash", dir.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("fifo: FIFO skipped"), r.stderr)
        XCTAssertTrue(r.stderr.contains("link: symlink to a not followed"), r.stderr)
        let followed = try aibom(["hash", "--follow-symlinks", "-q", dir.path])
        XCTAssertEqual(followed.out.split(separator: "\n").count, 2)
        let missing = try aibom(["hash", dir.url("missing")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "aibom: error: \(dir.url("missing")): no such file or directory\n")
    }

    func testKeygenWritesPairOnceWithModesAndKeyID() throws {
        let dir = TempDir()
        for alg in ["ed25519", "ecdsa-p256"] {
            let r = try aibom(["keygen", "--algorithm", alg, "--out", dir.url(alg)])
            XCTAssertEqual(r.status, 0, r.stderr)
            var st = stat()
            stat(dir.url("\(alg).key"), &st)
            XCTAssertEqual(st.st_mode & 0o777, 0o600)
            let pub = try PublicKey(pem: Array(try String(contentsOfFile: dir.url("\(alg).pub"), encoding: .utf8).utf8),
                                    source: "pub")
            XCTAssertEqual(r.out, pub.keyID + "\n")
            let again = try aibom(["keygen", "--algorithm", alg, "--out", dir.url(alg)])
            XCTAssertEqual(again.status, 2)
            XCTAssertTrue(again.stderr.contains("already exists; refusing to overwrite"))
        }
        XCTAssertEqual(try aibom(["keygen", "--algorithm", "rsa", "--out", dir.url("r")]).status, 2)
    }

    func testKeygenPassphraseFromEnvironmentNeverArgv() throws {
        let dir = TempDir()
        var env = ProcessInfo.processInfo.environment
        env["KEYPASS"] = "correct horse"
        let r = try aibom(["keygen", "--out", dir.url("enc"), "--passphrase-env", "KEYPASS", "--format", "json"],
                          environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try JSON.parse(r.stdout)["encrypted"], .bool(true))
        let pem = try String(contentsOfFile: dir.url("enc.key"), encoding: .utf8)
        XCTAssertTrue(pem.contains("ENCRYPTED PRIVATE KEY"))
        XCTAssertNoThrow(try PrivateKey(pem: Array(pem.utf8), passphrase: Array("correct horse".utf8), source: "k"))
        let unset = try aibom(["keygen", "--out", dir.url("x"), "--passphrase-env", "NOT_SET_ANYWHERE"])
        XCTAssertEqual(unset.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.url("x.key")))
    }
}

/// docs/CLI.md is the binary's own help, regenerated by scripts/make-cli-doc.sh.
final class CLIDocTests: XCTestCase {
    func testCLIReferenceMatchesHelp() throws {
        let doc = try String(contentsOfFile: repositoryRoot() + "/docs/CLI.md", encoding: .utf8)
        let top = try aibom(["--help"]).out
        XCTAssertTrue(doc.contains("```\n" + top + "```"), "docs/CLI.md is stale: run scripts/make-cli-doc.sh")
        for line in top.split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            guard let name = line.split(separator: " ").first, !name.hasPrefix("-") else { continue }
            let help = try aibom(["help", String(name)]).out
            XCTAssertTrue(doc.contains("## aibom \(name)\n\n```\n" + help + "```"), "docs/CLI.md: \(name) is stale")
        }
    }
}
