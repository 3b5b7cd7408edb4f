import AIBOMCrypto
import AIBOMDigest
import AIBOMTestSupport
import Foundation
import XCTest

final class TreeWalkerTests: XCTestCase {
    func testSortedByteOrderAndRelativePaths() throws {
        let dir = TempDir()
        for p in ["b.txt", "a-c", "a/b", "a/a/z", "Z", "é.bin", "e\u{301}.bin"] { dir.write(p, p) }
        let r = try TreeWalker().walk(dir.path)
        XCTAssertFalse(r.rootIsFile)
        // Byte order: "Z" (0x5a) < "a-c" ('-' 0x2d) < "a/a/z" ('/' 0x2f) < ... and NFC/NFD kept distinct.
        XCTAssertEqual(r.files.map(\.relativePath), ["Z", "a-c", "a/a/z", "a/b", "b.txt", "e\u{301}.bin", "é.bin"])
        XCTAssertTrue(r.skipped.isEmpty)
    }

    func testSymlinksReportedNotFollowedByDefault() throws {
        let dir = TempDir()
        dir.write("real/w.bin", "weights")
        symlink("real/w.bin", dir.url("link.bin"))
        symlink("/etc/passwd", dir.url("outside"))
        let r = try TreeWalker().walk(dir.path)
        XCTAssertEqual(r.files.map(\.relativePath), ["real/w.bin"])
        XCTAssertEqual(r.skipped.map(\.relativePath), ["link.bin", "outside"])
        XCTAssertEqual(r.skipped[0].reason, .symlink(target: "real/w.bin"))
    }

    func testFollowSymlinksInsideRootOnlyWithLoopDetection() throws {
        let dir = TempDir()
        dir.write("real/w.bin", "weights")
        symlink("real/w.bin", dir.url("link.bin"))
        symlink("/etc/passwd", dir.url("outside"))
        symlink("..", dir.url("real/up"))  // loop: real/up -> root -> real -> up ...
        symlink("missing", dir.url("dangling"))
        symlink("self", dir.url("self"))
        let r = try TreeWalker(options: WalkOptions(followSymlinks: true)).walk(dir.path)
        XCTAssertEqual(r.files.map(\.relativePath), ["link.bin", "real/w.bin"])
        let reasons = Dictionary(uniqueKeysWithValues: r.skipped.map { ($0.relativePath, $0.reason) })
        XCTAssertEqual(reasons["outside"], .symlinkOutsideRoot(target: "/etc/passwd"))
        XCTAssertEqual(reasons["real/up"], .symlinkLoop)
        XCTAssertEqual(reasons["dangling"], .danglingSymlink(target: "missing"))
        XCTAssertEqual(reasons["self"], .symlinkLoop)
    }

    func testFIFOIsReportedAndNeverOpened() throws {
        let dir = TempDir()
        dir.write("a.txt", "a")
        XCTAssertEqual(mkfifo(dir.url("pipe"), 0o644), 0)
        // If the walker or engine opened the FIFO for reading, this test would hang.
        let r = try TreeWalker().walk(dir.path)
        XCTAssertEqual(r.files.map(\.relativePath), ["a.txt"])
        XCTAssertEqual(r.skipped, [SkippedEntry(relativePath: "pipe", reason: .special(kind: "FIFO"))])
        XCTAssertThrowsError(try TreeWalker().walk(dir.url("pipe"))) {
            XCTAssertEqual($0 as? DigestError, .notRegularFile(path: dir.url("pipe"), kind: "FIFO"))
        }
    }

    func testIgnorePathsAndSingleFileRoot() throws {
        let dir = TempDir()
        dir.write(".git/HEAD", "ref")
        dir.write(".gitignore", "x")
        dir.write("model.bin", "m")
        let r = try TreeWalker(options: WalkOptions(ignorePaths: [".git", ".gitignore"])).walk(dir.path)
        XCTAssertEqual(r.files.map(\.relativePath), ["model.bin"])
        let single = try TreeWalker().walk(dir.url("model.bin"))
        XCTAssertTrue(single.rootIsFile)
        XCTAssertEqual(single.files.map(\.relativePath), ["model.bin"])
        XCTAssertThrowsError(try TreeWalker().walk(dir.url("nope"))) {
            XCTAssertEqual($0 as? DigestError, .notFound(path: dir.url("nope")))
        }
    }
}

final class DigestEngineTests: XCTestCase {
    func testParallelDigestsMatchOneShotAndAreOrdered() throws {
        let dir = TempDir()
        var expected: [String: [UInt8]] = [:]
        for (i, size) in [0, 1, 63, 64, 65, 1 << 20, 3 << 20 | 5, 4096].enumerated() {
            let bytes = pseudoRandomBytes(size, seed: UInt64(i + 11))
            dir.write("f\(i)", bytes)
            expected["f\(i)"] = SHA256.hash(bytes)
        }
        let walk = try TreeWalker().walk(dir.path)
        for jobs in [1, 2, 7] {
            let engine = DigestEngine(options: HashOptions(jobs: jobs, bufferSize: 64 << 10))
            let progress = HashProgress(total: engine.plannedBytes(walk.files))
            let digests = try engine.hash(walk.files, progress: progress)
            XCTAssertEqual(digests.map(\.path), walk.files.map(\.relativePath))
            for d in digests {
                XCTAssertEqual(d.sha256.value, expected[d.path], "\(d.path) jobs \(jobs)")
                XCTAssertNil(d.shards)
            }
            XCTAssertEqual(progress.completed, progress.total)
        }
    }

    func testShardsCoverTheFileExactly() throws {
        let dir = TempDir()
        let bytes = pseudoRandomBytes(10_000, seed: 5)
        dir.write("w", bytes)
        dir.write("empty", [])
        let walk = try TreeWalker().walk(dir.path)
        let digests = try DigestEngine(options: HashOptions(jobs: 3, shardSize: 4096)).hash(walk.files)
        let empty = digests[0], w = digests[1]
        XCTAssertEqual(empty.shards?.map { [$0.start, $0.end] }, [[0, 0]])
        XCTAssertEqual(w.shards?.map { [$0.start, $0.end] }, [[0, 4096], [4096, 8192], [8192, 10_000]])
        for s in w.shards! {
            XCTAssertEqual(s.digest.value, SHA256.hash(Array(bytes[Int(s.start)..<Int(s.end)])))
        }
        XCTAssertEqual(w.sha256.value, SHA256.hash(bytes))
    }

    func testFileChangedSinceWalkIsAnErrorNotAWrongDigest() throws {
        let dir = TempDir()
        dir.write("w", pseudoRandomBytes(5000, seed: 1))
        let walk = try TreeWalker().walk(dir.path)
        dir.write("w", pseudoRandomBytes(4000, seed: 1))  // truncated after the walk
        XCTAssertThrowsError(try DigestEngine().hash(walk.files)) {
            XCTAssertEqual($0 as? DigestError, .changedWhileHashing(path: dir.url("w")))
        }
    }

    func testMissingFileIsNamed() throws {
        let dir = TempDir()
        dir.write("a", "a")
        let walk = try TreeWalker().walk(dir.path)
        unlink(dir.url("a"))
        XCTAssertThrowsError(try DigestEngine().hash(walk.files)) {
            XCTAssertEqual($0 as? DigestError, .notFound(path: dir.url("a")))
        }
    }

    func testRejectsBadOptions() {
        XCTAssertThrowsError(try DigestEngine(options: HashOptions(jobs: 0)).hash([]))
        XCTAssertThrowsError(try DigestEngine(options: HashOptions(shardSize: 0)).hash([]))
        let huge = [WalkEntry(relativePath: "w", openPath: "/nonexistent", size: 1 << 40)]
        XCTAssertThrowsError(try DigestEngine(options: HashOptions(shardSize: 1)).hash(huge)) {
            XCTAssertTrue("\($0)".contains("use larger shards"), "\($0)")
        }
    }

    func testDigestCarriesAlgorithm() {
        let a = Digest(algorithm: .sha256, value: [UInt8](repeating: 1, count: 32))
        XCTAssertEqual(Digest(algorithm: .sha256, hex: a.hex), a)
        XCTAssertNil(Digest(algorithm: .sha512, hex: a.hex))
        XCTAssertEqual(a.description, "sha256:" + String(repeating: "01", count: 32))
    }
}
