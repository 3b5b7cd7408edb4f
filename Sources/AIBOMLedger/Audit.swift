import AIBOMCrypto
import AIBOMFormats
import Foundation

/// The result of auditing a ledger: problems found (empty means it verifies) and facts.
public struct LedgerReport: Sendable {
    public var entries: UInt64 = 0
    public var checkpoints = 0
    public var latest: Checkpoint?
    /// Entries after the latest checkpoint (an append interrupted before signing).
    public var pending: UInt64 = 0
    public var problems: [String] = []
    public var passed: Bool { problems.isEmpty }
}

extension Ledger {
    /// Recomputes the whole tree from the entries and checks every signed checkpoint against
    /// it; with `trusted` (a checkpoint held elsewhere), also checks that this ledger extends it
    /// (an RFC 9162 consistency proof), so a fork or rewrite is detected with only the key.
    public func audit(trusted: Checkpoint? = nil) throws -> LedgerReport {
        var r = LedgerReport()
        // Entries: contiguous from 0, each naming its own index.
        var leaves: [[UInt8]] = []
        var n: UInt64 = 0
        // The leaf hashes the tree recorded at append time, read once.
        let cached = (try? BoundedFile.read(levelPath(0), limit: 1 << 36)) ?? []
        while true {
            let bytes: [UInt8]
            do { bytes = try BoundedFile.read(entryPath(n), limit: 64 << 20) } catch FileIOError.notFound { break }
            if let idx = (try? JSON.parse(bytes))?["index"]?.uint64Value {
                if idx != n { r.problems.append("entry \(n) says it is entry \(idx): entries were reordered or renamed") }
            } else {
                r.problems.append("entry \(n) is unreadable (not an entry's JSON)")
            }
            let leaf = Merkle.leafHash(bytes)
            let at = Int(n) * 32
            if at + 32 <= cached.count, !cached[at..<at + 32].elementsEqual(leaf) {
                r.problems.append("entry \(n) was edited after it was recorded (its hash differs from the one in the tree)")
            }
            leaves.append(leaf)
            n += 1
        }
        r.entries = n
        // Stray entry files outside the sequence: inserted, or left behind by a removal.
        let fm = FileManager.default
        for folder in (try? fm.contentsOfDirectory(atPath: dir + "/entries")) ?? [] {
            for f in (try? fm.contentsOfDirectory(atPath: dir + "/entries/" + folder)) ?? [] where f.hasSuffix(".json") {
                if let i = UInt64(f.dropLast(5)), i >= n {
                    r.problems.append("entry file \(folder)/\(f) lies beyond entry \(n == 0 ? 0 : n - 1) with a gap: an entry was removed or a file inserted")
                }
            }
        }
        if levelCount(0) > n {
            r.problems.append("the tree holds \(levelCount(0)) leaves but only \(n) entries remain: entries were removed")
        }
        // In-memory tree over the recomputed leaves.
        var levels: [[[UInt8]]] = [leaves]
        while levels.last!.count > 1 {
            let prev = levels.last!
            levels.append(stride(from: 0, to: prev.count - 1, by: 2).map { Merkle.nodeHash(prev[$0], prev[$0 + 1]) })
        }
        let sub: (UInt64, UInt64) -> [UInt8] = { a, b in
            let size = b - a
            return levels[size.trailingZeroBitCount][Int(a / size)]
        }
        func rootAt(_ m: UInt64) -> [UInt8] { Merkle.root(0, m, subtree: sub) }
        // Every checkpoint ever signed must match the entries.
        let names = ((try? fm.contentsOfDirectory(atPath: dir + "/checkpoints")) ?? []).sorted()
        for name in names where !name.hasPrefix(".") {
            let path = dir + "/checkpoints/" + name
            do {
                let c = try Checkpoint.open(String(decoding: try BoundedFile.read(path, limit: 1 << 20), as: UTF8.self),
                                            name: keyName, publicKey: publicKey)
                r.checkpoints += 1
                if c.origin != origin { r.problems.append("checkpoint \(name) has origin '\(c.origin)', expected '\(origin)'") }
                if c.size > n {
                    r.problems.append("checkpoint \(name) covers \(c.size) entries but only \(n) remain: entries were removed")
                } else if rootAt(c.size) != c.root {
                    r.problems.append("checkpoint \(name) (size \(c.size)) does not match the entries: an entry before \(c.size) was edited, removed, reordered or inserted")
                }
            } catch {
                r.problems.append("checkpoint \(name): \(error)")
            }
        }
        do {
            let latest = try latestCheckpoint()
            r.latest = latest
            if latest.size <= n { r.pending = n - latest.size }
            if latest.size <= n, rootAt(latest.size) != latest.root {
                r.problems.append("the latest checkpoint (size \(latest.size)) does not match the entries")
            }
        } catch {
            r.problems.append("latest checkpoint: \(error)")
        }
        if let t = trusted {
            if t.origin != origin { r.problems.append("the trusted checkpoint is for origin '\(t.origin)', not '\(origin)'") }
            let head = r.latest?.size ?? n
            if t.size > head {
                r.problems.append("the trusted checkpoint has \(t.size) entries; this ledger only \(head): it was rolled back")
            } else if t.size <= n {
                let proof = Merkle.consistencyProof(t.size, head, subtree: sub)
                if !Merkle.verifyConsistency(oldSize: t.size, newSize: head, oldRoot: t.root, newRoot: rootAt(head), proof: proof) {
                    r.problems.append("this ledger is not an extension of the trusted checkpoint (size \(t.size)): the log was forked or rewritten")
                }
            }
        }
        return r
    }
}
