import AIBOMCrypto
import AIBOMFormats
import AIBOMLedger
import AIBOMTestSupport
import Foundation
import XCTest

final class MerkleTests: XCTestCase {
    let leaves: [[UInt8]] = (0..<13).map { Merkle.leafHash(Array("entry \($0)".utf8)) }

    func tree(_ n: Int) -> (UInt64, UInt64) -> [UInt8] {
        { a, b in
            // Naive MTH for subtrees, straight from RFC 9162 §2.1.1.
            func mth(_ a: Int, _ b: Int) -> [UInt8] {
                if b - a == 1 { return self.leaves[a] }
                var k = 1
                while k << 1 < b - a { k <<= 1 }
                return Merkle.nodeHash(mth(a, a + k), mth(a + k, b))
            }
            return mth(Int(a), Int(b))
        }
    }

    /// Roots match an independent implementation: Python's hashlib over the RFC's definition.
    func testRootsMatchPythonReference() throws {
        let py = try runProcess("python3", ["-c", """
        import hashlib
        def leaf(d): return hashlib.sha256(b"\\x00" + d).digest()
        def mth(ls):
            if not ls: return hashlib.sha256(b"").digest()
            if len(ls) == 1: return ls[0]
            k = 1
            while k << 1 < len(ls): k <<= 1
            return hashlib.sha256(b"\\x01" + mth(ls[:k]) + mth(ls[k:])).digest()
        ls = [leaf(f"entry {i}".encode()) for i in range(13)]
        print(" ".join(mth(ls[:n]).hex() for n in range(14)))
        """])
        XCTAssertEqual(py.status, 0, py.stderr)
        let expected = py.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        for n in 0...13 {
            XCTAssertEqual(Hex.encode(Merkle.root(0, UInt64(n), subtree: tree(13))), expected[n], "size \(n)")
        }
    }

    func testInclusionAndConsistencyProofsVerifyAndRejectTampering() {
        let sub = tree(13)
        for n in 1...13 {
            let root = Merkle.root(0, UInt64(n), subtree: sub)
            for m in 0..<n {
                let p = Merkle.inclusionProof(UInt64(m), UInt64(n), subtree: sub)
                XCTAssertTrue(Merkle.verifyInclusion(leaf: leaves[m], index: UInt64(m), size: UInt64(n), proof: p, root: root), "\(m)/\(n)")
                XCTAssertFalse(Merkle.verifyInclusion(leaf: leaves[(m + 1) % 13], index: UInt64(m), size: UInt64(n), proof: p, root: root) && n > 1)
                if !p.isEmpty {
                    var bad = p
                    bad[0][0] ^= 1
                    XCTAssertFalse(Merkle.verifyInclusion(leaf: leaves[m], index: UInt64(m), size: UInt64(n), proof: bad, root: root))
                }
            }
            for m in 1..<n {
                let p = Merkle.consistencyProof(UInt64(m), UInt64(n), subtree: sub)
                let old = Merkle.root(0, UInt64(m), subtree: sub)
                XCTAssertTrue(Merkle.verifyConsistency(oldSize: UInt64(m), newSize: UInt64(n), oldRoot: old, newRoot: root, proof: p), "\(m)→\(n)")
                var forged = old
                forged[0] ^= 1
                XCTAssertFalse(Merkle.verifyConsistency(oldSize: UInt64(m), newSize: UInt64(n), oldRoot: forged, newRoot: root, proof: p))
            }
        }
    }

    func testSignedNoteCheckpoint() throws {
        let key = try PrivateKey.ed25519(seed: [UInt8](repeating: 9, count: 32))
        let cp = Checkpoint(origin: "example.com/log", size: 5, root: SHA256.hash("r"))
        let text = try cp.signed(name: "example.com/log", key: key)
        XCTAssertTrue(text.hasPrefix("example.com/log\n5\n\(Base64.encode(cp.root))\n\n— example.com/log "))
        XCTAssertEqual(try Checkpoint.open(text, name: "example.com/log", publicKey: key.publicKey), cp)
        // Signature line: base64 of the 4-byte key id (SHA-256 of name, LF, 0x01, key) and 64 signature bytes.
        let sig = Base64.decode(String(text.split(separator: " ").last!.dropLast()))!
        XCTAssertEqual(sig.count, 68)
        XCTAssertEqual(Array(sig.prefix(4)), Array(SHA256.hash(Array("example.com/log".utf8) + [0x0a, 0x01] + key.publicKey.ed25519Raw!).prefix(4)))
        let other = try PrivateKey.ed25519(seed: [UInt8](repeating: 8, count: 32))
        XCTAssertThrowsError(try Checkpoint.open(text, name: "example.com/log", publicKey: other.publicKey))
        XCTAssertThrowsError(try Checkpoint.open(text.replacingOccurrences(of: "\n5\n", with: "\n6\n"), name: "example.com/log",
                                                 publicKey: key.publicKey))
        XCTAssertTrue(Checkpoint.verifierKey(name: "n", publicKey: key.publicKey).hasPrefix("n+"))
    }
}

final class LedgerStoreTests: XCTestCase {
    let key = try! PrivateKey.ed25519(seed: [UInt8](repeating: 7, count: 32))

    func entry(_ i: UInt64, _ env: String = "prod", _ event: String = "deployed", version: String = "1.0") -> LedgerEntry {
        LedgerEntry(index: i, timestamp: Date(timeIntervalSince1970: 1_780_000_000 + Double(i)), event: event, environment: env,
                    release: "r", version: version, attestation: Hex.encode(SHA256.hash("att\(i)")), signers: ["k"],
                    assets: [.init(name: "m", kind: "model", sha256: Hex.encode(SHA256.hash("m\(i % 3)")), files: [])], note: nil)
    }

    /// Temporary directories live as long as the test case.
    var keep: [TempDir] = []

    func makeLedger(_ n: Int) throws -> (TempDir, Ledger) {
        let dir = TempDir()
        keep.append(dir)
        let l = try Ledger.create(dir: dir.url("L"), origin: "test/log", keyName: "test", key: key)
        for _ in 0..<n { _ = try l.append({ self.entry($0) }, key: key) }
        return (dir, l)
    }

    func testAppendProveAndAudit() throws {
        let (_, l) = try makeLedger(9)
        let r = try l.audit()
        XCTAssertTrue(r.passed, "\(r.problems)")
        XCTAssertEqual(r.entries, 9)
        XCTAssertEqual(r.checkpoints, 10)
        let cp = try l.latestCheckpoint()
        for i in 0..<UInt64(9) {
            let leaf = Merkle.leafHash(try BoundedFile.read(l.entryPath(i), limit: 1 << 20))
            XCTAssertTrue(Merkle.verifyInclusion(leaf: leaf, index: i, size: 9, proof: try l.inclusionProof(i, size: 9), root: cp.root))
        }
        XCTAssertTrue(Merkle.verifyConsistency(oldSize: 4, newSize: 9, oldRoot: try l.root(4), newRoot: cp.root,
                                               proof: try l.consistencyProof(4, size: 9)))
        XCTAssertEqual(try l.lookup("sha256:\(Hex.encode(SHA256.hash("m1")))"), [1, 4, 7])
    }

    func testEditedRemovedReorderedInsertedEntriesAreFoundAndNamed() throws {
        func problems(_ tamper: (Ledger) throws -> Void) throws -> [String] {
            let (_, l) = try makeLedger(6)
            try tamper(l)
            return try l.audit().problems
        }
        let edited = try problems { l in
            var t = String(decoding: try BoundedFile.read(l.entryPath(2), limit: 1 << 20), as: UTF8.self)
            t = t.replacingOccurrences(of: "\"prod\"", with: "\"staging\"")
            try AtomicFile.write(t, to: l.entryPath(2))
        }
        XCTAssertTrue(edited.contains { $0.contains("entry 2 was edited") }, "\(edited)")
        let removed = try problems { l in unlink(l.entryPath(3)) }
        XCTAssertTrue(removed.contains { $0.contains("entries were removed") || $0.contains("an entry was removed") }, "\(removed)")
        let reordered = try problems { l in
            let a = l.entryPath(1), b = l.entryPath(2)
            rename(a, a + ".tmp"); rename(b, a); rename(a + ".tmp", b)
        }
        XCTAssertTrue(reordered.contains { $0.contains("entry 1 says it is entry 2") }, "\(reordered)")
        let inserted = try problems { l in
            // Shift entries 3...5 up by one and put a forged entry at 3.
            for i in (3...5).reversed() { rename(l.entryPath(UInt64(i)), l.entryPath(UInt64(i + 1))) }
            try AtomicFile.write(self.entry(3, "prod", "deployed", version: "evil").json.bytes(), to: l.entryPath(3))
        }
        XCTAssertTrue(inserted.contains { $0.contains("does not match the entries") }, "\(inserted)")
    }

    func testForkDetectedWithAnOlderCheckpointFromElsewhere() throws {
        let (dir, l) = try makeLedger(5)
        let held = try l.latestCheckpoint()  // a second machine keeps this
        _ = try l.append({ self.entry($0) }, key: key)
        XCTAssertTrue(try l.audit(trusted: held).passed)
        // Rewrite history: a new ledger with the same key and a different entry 2.
        let forkDir = dir.url("fork")
        let fork = try Ledger.create(dir: forkDir, origin: "test/log", keyName: "test", key: key)
        for i in 0..<6 { _ = try fork.append({ self.entry($0, i == 2 ? "staging" : "prod") }, key: key) }
        let r = try fork.audit(trusted: held)
        XCTAssertTrue(r.problems.contains { $0.contains("forked or rewritten") }, "\(r.problems)")
    }

    func testCrashRepairAndRebuiltIndexes() throws {
        let (_, l) = try makeLedger(5)
        // A crash after the entry was renamed into place, before the tree and checkpoint: repaired.
        let e = entry(5)
        try AtomicFile.write(e.json.bytes(), to: l.entryPath(5))
        var r = try l.audit()
        XCTAssertTrue(r.passed, "\(r.problems)")
        XCTAssertEqual(r.pending, 1)
        XCTAssertEqual(try l.locked { try l.size() }, 6)
        // Deleted indexes and tree files are rebuilt from the entries.
        try FileManager.default.removeItem(atPath: l.dir + "/tree")
        try FileManager.default.removeItem(atPath: l.dir + "/index")
        XCTAssertEqual(try l.locked { try l.size() }, 6)
        try l.ensureIndexes(6)
        XCTAssertEqual(try l.lookup("asset:m").count, 6)
        _ = try l.append({ self.entry($0) }, key: key)
        r = try l.audit()
        XCTAssertTrue(r.passed, "\(r.problems)")
        XCTAssertEqual(r.pending, 0)
    }
}
