import AIBOMCrypto
import AIBOMFormats
import Foundation

/// One recorded release event. Stored as canonical JSON; the leaf is the hash of those bytes.
public struct LedgerEntry: Sendable, Equatable {
    public struct Asset: Sendable, Equatable {
        public var name: String
        public var kind: String
        public var sha256: String
        public var files: [String]  // file SHA-256s, for `trace FILE`
        public init(name: String, kind: String, sha256: String, files: [String]) {
            self.name = name
            self.kind = kind
            self.sha256 = sha256
            self.files = files
        }
    }
    public var index: UInt64
    public var timestamp: Date
    public var event: String
    public var environment: String
    public var release: String
    public var version: String
    public var attestation: String  // SHA-256 of the envelope bytes
    public var signers: [String]
    public var assets: [Asset]
    public var note: String?

    public init(index: UInt64, timestamp: Date, event: String, environment: String, release: String, version: String,
                attestation: String, signers: [String], assets: [Asset], note: String?) {
        self.index = index
        self.timestamp = timestamp
        self.event = event
        self.environment = environment
        self.release = release
        self.version = version
        self.attestation = attestation
        self.signers = signers
        self.assets = assets
        self.note = note
    }

    public static func formatTime(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    public var json: JSON {
        var o: [String: JSON] = [
            "index": .int(index), "timestamp": .string(LedgerEntry.formatTime(timestamp)), "event": .string(event),
            "environment": .string(environment), "release": .object(["name": .string(release), "version": .string(version)]),
            "attestation": .object(["sha256": .string(attestation)]), "signers": .array(signers.map { .string($0) }),
            "assets": .array(assets.map { a in
                .object(["name": .string(a.name), "kind": .string(a.kind), "sha256": .string(a.sha256),
                         "files": .array(a.files.map { .string($0) })])
            }),
        ]
        if let note { o["note"] = .string(note) }
        return .object(o)
    }

    public static func parse(_ bytes: [UInt8], source: String) throws -> LedgerEntry {
        func fail(_ m: String) -> LedgerError { .badEntry("\(source): \(m)") }
        let j: JSON
        do { j = try JSON.parse(bytes) } catch { throw fail("not valid JSON (\(error))") }
        guard let idx = j["index"]?.uint64Value, let ts = j["timestamp"]?.stringValue,
              let time = ISO8601DateFormatter().date(from: ts), let ev = j["event"]?.stringValue,
              let env = j["environment"]?.stringValue, let rn = j["release"]?["name"]?.stringValue,
              let rv = j["release"]?["version"]?.stringValue, let att = j["attestation"]?["sha256"]?.stringValue
        else { throw fail("missing fields") }
        let assets = (j["assets"]?.arrayValue ?? []).compactMap { a -> Asset? in
            guard let n = a["name"]?.stringValue, let d = a["sha256"]?.stringValue else { return nil }
            return Asset(name: n, kind: a["kind"]?.stringValue ?? "file", sha256: d,
                         files: (a["files"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        return LedgerEntry(index: idx, timestamp: time, event: ev, environment: env, release: rn, version: rv, attestation: att,
                           signers: (j["signers"]?.arrayValue ?? []).compactMap(\.stringValue), assets: assets,
                           note: j["note"]?.stringValue)
    }
}

/// A ledger directory:
///
///     ledger.json                 origin, key name, public key (PEM)
///     entries/NNNNNN/NNNNNNNNNNNN.json   one canonical JSON entry per file, 4096 per folder
///     tree/level-KK.bin           node hashes of complete subtrees (an index, rebuilt when missing)
///     checkpoint                  the latest signed checkpoint
///     checkpoints/NNNNNNNNNNNN    every checkpoint signed, by tree size
///     index/XX.tsv                trace index: key TAB entry (rebuilt when missing)
///     timeline.tsv                index, time, environment, event, release, version (rebuilt when missing)
///     .lock                       flock for appends
public final class Ledger {
    public let dir: String
    public let origin: String
    public let keyName: String
    public let publicKey: PublicKey

    public static let configName = "ledger.json"

    init(dir: String, origin: String, keyName: String, publicKey: PublicKey) {
        self.dir = dir
        self.origin = origin
        self.keyName = keyName
        self.publicKey = publicKey
    }

    // MARK: paths

    /// Where entry `i` is stored.
    public func entryPath(_ i: UInt64) -> String {
        "\(dir)/entries/\(Ledger.pad(i / 4096, 6))/\(Ledger.pad(i, 12)).json"
    }

    static func pad(_ v: UInt64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    func levelPath(_ k: Int) -> String { String(format: "%@/tree/level-%02d.bin", dir, k) }
    func checkpointPath(_ n: UInt64) -> String { String(format: "%@/checkpoints/%012llu", dir, n) }
    var latestCheckpointPath: String { dir + "/checkpoint" }

    // MARK: create / open

    /// Creates a ledger in `dir` (which must not hold one) and signs its empty checkpoint.
    @discardableResult
    public static func create(dir: String, origin: String, keyName: String, key: PrivateKey) throws -> Ledger {
        guard key.algorithm == .ed25519 else { throw LedgerError.badKey("the ledger key must be Ed25519 (signed-note checkpoints)") }
        let fm = FileManager.default
        if fm.fileExists(atPath: dir + "/" + configName) { throw LedgerError.usage("\(dir): already holds a ledger") }
        for sub in ["", "/entries", "/tree", "/checkpoints", "/index"] {
            try fm.createDirectory(atPath: dir + sub, withIntermediateDirectories: true)
        }
        let config = JSON.object(["origin": .string(origin), "keyName": .string(keyName), "publicKey": .string(key.publicKey.pem),
                                  "format": .string("aibom-ledger/v1")])
        try AtomicFile.write(config.serialized(pretty: true), to: dir + "/" + configName, overwrite: false)
        let l = Ledger(dir: dir, origin: origin, keyName: keyName, publicKey: key.publicKey)
        try l.writeCheckpoint(size: 0, root: Merkle.emptyRoot, key: key)
        return l
    }

    /// Opens an existing ledger. `publicKey`, when given, must match the ledger's own.
    public static func open(_ dir: String, publicKey: PublicKey? = nil) throws -> Ledger {
        let path = dir + "/" + configName
        guard FileManager.default.fileExists(atPath: path) else {
            throw LedgerError.notALedger("\(dir): not a ledger (no \(configName); create one with 'aibom ledger init')")
        }
        let j = try JSON.parse(try BoundedFile.read(path, limit: 1 << 20))
        guard let origin = j["origin"]?.stringValue, let name = j["keyName"]?.stringValue, let pem = j["publicKey"]?.stringValue else {
            throw LedgerError.notALedger("\(path): missing origin, keyName or publicKey")
        }
        let own = try PublicKey(pem: Array(pem.utf8), source: path)
        if let publicKey, publicKey != own {
            throw LedgerError.badKey("\(dir): the ledger's key is \(own.keyID), not the trusted key \(publicKey.keyID)")
        }
        return Ledger(dir: dir, origin: origin, keyName: name, publicKey: publicKey ?? own)
    }

    // MARK: locking

    /// Runs `body` holding an exclusive lock on the ledger (appends serialize).
    public func locked<R>(_ body: () throws -> R) throws -> R {
        let fd = Glibc.open(dir + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError.io("\(dir)/.lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw LedgerError.io("\(dir)/.lock: \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    // MARK: tree store

    /// Number of complete records in a level file (a torn tail record is ignored).
    func levelCount(_ k: Int) -> UInt64 {
        var st = stat()
        return stat(levelPath(k), &st) == 0 ? UInt64(st.st_size) / 32 : 0
    }

    func readNode(_ k: Int, _ i: UInt64) throws -> [UInt8] {
        let fd = Glibc.open(levelPath(k), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LedgerError.io("\(levelPath(k)): missing") }
        defer { close(fd) }
        var b = [UInt8](repeating: 0, count: 32)
        guard pread(fd, &b, 32, off_t(i * 32)) == 32 else { throw LedgerError.io("\(levelPath(k)): short read at node \(i)") }
        return b
    }

    func appendNode(_ k: Int, _ i: UInt64, _ h: [UInt8]) throws {
        let fd = Glibc.open(levelPath(k), O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError.io("\(levelPath(k)): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(i * 32)) == 0, pwrite(fd, h, 32, off_t(i * 32)) == 32 else {
            throw LedgerError.io("\(levelPath(k)): write failed")
        }
        _ = fsync(fd)
    }

    /// Hash of the complete aligned subtree over leaves [a, b).
    func subtree(_ a: UInt64, _ b: UInt64) throws -> [UInt8] {
        let n = b - a
        return try readNode(n.trailingZeroBitCount, a / n)
    }

    /// Adds leaf `i`'s hash to the tree files, completing parents as they fill.
    func addLeaf(_ i: UInt64, _ leaf: [UInt8]) throws {
        try appendNode(0, i, leaf)
        var k = 0, idx = i, h = leaf
        while idx & 1 == 1 {
            let left = try readNode(k, idx - 1)
            h = Merkle.nodeHash(left, h)
            k += 1
            idx >>= 1
            try appendNode(k, idx, h)
        }
    }

    func entryExists(_ i: UInt64) -> Bool { access(entryPath(i), F_OK) == 0 }

    /// The number of entries, repairing the tree files first: leaves whose entries were written
    /// but not yet added (a crash between the two), torn records, missing parents, or a tree
    /// directory deleted outright (rebuilt from the entries).
    public func size() throws -> UInt64 {
        try FileManager.default.createDirectory(atPath: dir + "/tree", withIntermediateDirectories: true)
        // Level 0 may be behind the entries (crash) or ahead of them (entries removed: that is
        // for `verify` to report, never to repair).
        var n = levelCount(0)
        // Parents missing for complete pairs (crash mid-append): recompute level by level.
        var k = 0
        while (n >> (k + 1)) > 0 {
            let want = n >> (k + 1)
            var have = levelCount(k + 1)
            while have < want {
                try appendNode(k + 1, have, Merkle.nodeHash(try readNode(k, 2 * have), try readNode(k, 2 * have + 1)))
                have += 1
            }
            k += 1
        }
        while entryExists(n) {
            try addLeaf(n, Merkle.leafHash(try BoundedFile.read(entryPath(n), limit: 64 << 20)))
            n += 1
        }
        return n
    }

    /// Root of the tree of the first `n` entries.
    public func root(_ n: UInt64) throws -> [UInt8] { try Merkle.root(0, n, subtree: subtree) }

    public func inclusionProof(_ m: UInt64, size n: UInt64) throws -> [[UInt8]] {
        try Merkle.inclusionProof(m, n, subtree: subtree)
    }

    public func consistencyProof(_ m: UInt64, size n: UInt64) throws -> [[UInt8]] {
        try Merkle.consistencyProof(m, n, subtree: subtree)
    }

    public func entry(_ i: UInt64) throws -> LedgerEntry {
        try LedgerEntry.parse(try BoundedFile.read(entryPath(i), limit: 64 << 20), source: entryPath(i))
    }

    // MARK: checkpoints

    func writeCheckpoint(size: UInt64, root: [UInt8], key: PrivateKey) throws {
        guard key.publicKey == publicKey else {
            throw LedgerError.badKey("this key (\(key.publicKey.keyID)) is not the ledger's key (\(publicKey.keyID))")
        }
        let text = try Checkpoint(origin: origin, size: size, root: root).signed(name: keyName, key: key)
        try FileManager.default.createDirectory(atPath: dir + "/checkpoints", withIntermediateDirectories: true)
        try AtomicFile.write(text, to: checkpointPath(size))
        try AtomicFile.write(text, to: latestCheckpointPath)
    }

    /// The latest signed checkpoint, verified with the ledger key.
    public func latestCheckpoint() throws -> Checkpoint {
        try Checkpoint.open(String(decoding: try BoundedFile.read(latestCheckpointPath, limit: 1 << 20), as: UTF8.self),
                            name: keyName, publicKey: publicKey)
    }

    /// The verifier key line for witnesses and monitors.
    public var verifierKey: String { Checkpoint.verifierKey(name: keyName, publicKey: publicKey) }

    // MARK: append

    /// Appends an entry (its index is set here) and signs a new checkpoint. Crash-safe: the entry
    /// is written to a temporary file, fsynced and renamed into place before the tree and the
    /// checkpoint are updated; a crash at any point leaves a ledger that verifies.
    public func append(_ make: (UInt64) -> LedgerEntry, key: PrivateKey) throws -> (LedgerEntry, Checkpoint) {
        guard key.publicKey == publicKey else {
            throw LedgerError.badKey("this key (\(key.publicKey.keyID)) is not the ledger's key (\(publicKey.keyID))")
        }
        return try locked {
            let n = try size()
            var e = make(n)
            e.index = n
            let bytes = e.json.bytes()
            let path = entryPath(n)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: path, mode: 0o644, overwrite: false)
            try addLeaf(n, Merkle.leafHash(bytes))
            try indexEntry(e)
            let r = try root(n + 1)
            try writeCheckpoint(size: n + 1, root: r, key: key)
            return (e, Checkpoint(origin: origin, size: n + 1, root: r))
        }
    }

    // MARK: indexes (trace, timeline): append-only, rebuilt when missing

    static func indexKeys(_ e: LedgerEntry) -> Set<String> {
        var keys: Set<String> = ["release:\(e.release)", "release:\(e.release)@\(e.version)", "attestation:\(e.attestation)"]
        for a in e.assets {
            keys.insert("asset:\(a.name)")
            keys.insert("sha256:\(a.sha256)")
            for f in a.files { keys.insert("sha256:\(f)") }
        }
        return keys
    }

    static func shard(_ key: String) -> String { String(Hex.encode(SHA256.hash(key)).prefix(2)) }

    func appendLine(_ path: String, _ line: String) throws {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerError.io("\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let b = Array(line.utf8)
        guard write(fd, b, b.count) == b.count else { throw LedgerError.io("\(path): write failed") }
    }

    var indexedCount: UInt64? {
        (try? BoundedFile.read(dir + "/index/.complete", limit: 64)).flatMap {
            UInt64(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Adds an entry to the indexes if they are complete up to it; otherwise marks them stale so
    /// the next query rebuilds them (after a crash between an entry and its index lines).
    func indexEntry(_ e: LedgerEntry) throws {
        if e.index > 0 && indexedCount != e.index {
            unlink(dir + "/index/.complete")
            return
        }
        try writeIndex(e)
    }

    func writeIndex(_ e: LedgerEntry) throws {
        try FileManager.default.createDirectory(atPath: dir + "/index", withIntermediateDirectories: true)
        var byShard: [String: String] = [:]
        for k in LedgerEntry.sortedKeys(Ledger.indexKeys(e)) { byShard[Ledger.shard(k), default: ""] += "\(k)\t\(e.index)\n" }
        for (s, lines) in byShard { try appendLine(dir + "/index/\(s).tsv", lines) }
        try appendLine(dir + "/timeline.tsv",
                       "\(e.index)\t\(LedgerEntry.formatTime(e.timestamp))\t\(e.environment)\t\(e.event)\t\(e.release)\t\(e.version)\n")
        try AtomicFile.write("\(e.index + 1)\n", to: dir + "/index/.complete")
    }

    /// Makes sure the indexes cover all `n` entries, rebuilding them from the entries if not.
    public func ensureIndexes(_ n: UInt64) throws {
        if indexedCount == n && FileManager.default.fileExists(atPath: dir + "/timeline.tsv") || n == 0 { return }
        try? FileManager.default.removeItem(atPath: dir + "/index")
        try? FileManager.default.removeItem(atPath: dir + "/timeline.tsv")
        try FileManager.default.createDirectory(atPath: dir + "/index", withIntermediateDirectories: true)
        for i in 0..<n { try writeIndex(try entry(i)) }
    }

    /// Entries whose keys include `key` (e.g. `sha256:…`, `asset:NAME`, `release:NAME`).
    public func lookup(_ key: String) throws -> [UInt64] {
        let path = dir + "/index/\(Ledger.shard(key)).tsv"
        guard let data = try? BoundedFile.read(path, limit: 4 << 30) else { return [] }
        var out: [UInt64] = []
        let prefix = Array((key + "\t").utf8)
        data.withUnsafeBufferPointer { b in
            var start = 0
            for i in 0..<b.count where b[i] == 0x0a {
                let len = i - start
                if len > prefix.count, memcmp(b.baseAddress! + start, prefix, prefix.count) == 0,
                   let v = UInt64(String(decoding: UnsafeBufferPointer(rebasing: b[(start + prefix.count)..<i]), as: UTF8.self)) {
                    out.append(v)
                }
                start = i + 1
            }
        }
        return Array(Set(out)).sorted()
    }

    /// The timeline: (index, time, environment, event, release, version), in ledger order. Times
    /// stay in their canonical UTC form (`2026-01-01T00:00:00Z`), which sorts chronologically as
    /// text, so a million lines are read without parsing a date.
    public func timeline() throws -> [(UInt64, String, String, String, String, String)] {
        guard let data = try? BoundedFile.read(dir + "/timeline.tsv", limit: 4 << 30) else { return [] }
        var out: [(UInt64, String, String, String, String, String)] = []
        data.withUnsafeBufferPointer { b in
            var fields: [String] = []
            var start = 0
            for i in 0..<b.count {
                let c = b[i]
                guard c == 0x09 || c == 0x0a else { continue }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
                start = i + 1
                if c == 0x0a {
                    if fields.count == 6, let idx = UInt64(fields[0]) {
                        out.append((idx, fields[1], fields[2], fields[3], fields[4], fields[5]))
                    }
                    fields.removeAll(keepingCapacity: true)
                }
            }
        }
        return out
    }
}

extension LedgerEntry {
    static func sortedKeys(_ s: Set<String>) -> [String] { s.sorted() }
}
