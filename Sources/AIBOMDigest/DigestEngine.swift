import AIBOMCrypto
import Dispatch
import Glibc
import Synchronization

/// Options of a hashing run.
public struct HashOptions: Sendable {
    /// Worker threads; defaults to the number of online cores.
    public var jobs: Int
    /// When set, each file is also digested as fixed-size shards of this many bytes.
    public var shardSize: UInt64?
    /// Read buffer per worker.
    public var bufferSize: Int

    public init(jobs: Int? = nil, shardSize: UInt64? = nil, bufferSize: Int = DigestLimits.defaultBufferSize) {
        self.jobs = jobs ?? HashOptions.onlineCores
        self.shardSize = shardSize
        self.bufferSize = bufferSize
    }

    /// Cores available to this process.
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Bytes hashed so far, readable from any thread while a run is under way.
public final class HashProgress: Sendable {
    private let done = Atomic<Int>(0)
    /// Total bytes the run will read.
    public let total: UInt64

    public init(total: UInt64) { self.total = total }
    /// Bytes read so far.
    public var completed: UInt64 { UInt64(done.load(ordering: .relaxed)) }
    func add(_ n: Int) { done.add(n, ordering: .relaxed) }
}

/// Hashes files in parallel on all cores.
///
/// Guarantees: each file is read with `pread` into a bounded per-worker buffer (memory stays
/// about `jobs × bufferSize` whatever the file sizes); work is handed out largest first, so one
/// big file never leaves other cores idle while small files wait; a file whose size or
/// modification time changes while it is read is an error, never a wrong digest; nothing but
/// regular files is ever opened (`O_NOFOLLOW | O_NONBLOCK`, checked with `fstat`).
public struct DigestEngine: Sendable {
    public let options: HashOptions

    public init(options: HashOptions = HashOptions()) { self.options = options }

    /// Total bytes a run over `files` reads (shards double-count, as they are read twice).
    public func plannedBytes(_ files: [WalkEntry]) -> UInt64 {
        let total = files.reduce(UInt64(0)) { $0 + $1.size }
        return options.shardSize == nil ? total : total * 2
    }

    /// Hashes `files` and returns their digests in the same order.
    public func hash(_ files: [WalkEntry], progress: HashProgress? = nil) throws -> [FileDigest] {
        guard options.jobs >= 1, options.jobs <= DigestLimits.maxJobs else {
            throw DigestError.invalidOption("--jobs must be between 1 and \(DigestLimits.maxJobs)")
        }
        guard options.bufferSize >= 4096, options.bufferSize <= DigestLimits.maxBufferSize else {
            throw DigestError.invalidOption("buffer size must be between 4 KiB and 16 MiB")
        }
        if let s = options.shardSize {
            guard s >= DigestLimits.minShardSize else { throw DigestError.invalidOption("--shard-size must be at least 1 byte") }
            let shards = files.reduce(UInt64(0)) { $0 + max(1, ($1.size + s - 1) / s) }
            guard shards <= DigestLimits.maxShards else {
                throw DigestError.invalidOption("--shard-size \(s) would make \(shards) shards (at most \(DigestLimits.maxShards)); use larger shards")
            }
        }

        // Work items: one whole-file pass per file, plus one per shard when asked.
        var items: [WorkItem] = []
        items.reserveCapacity(files.count)
        for (i, f) in files.enumerated() {
            items.append(WorkItem(file: i, start: 0, end: f.size, whole: true, shard: -1))
            if let s = options.shardSize {
                var start: UInt64 = 0
                var k = 0
                repeat {
                    let end = min(start + s, f.size)
                    items.append(WorkItem(file: i, start: start, end: end, whole: false, shard: k))
                    start = end
                    k += 1
                } while start < f.size
            }
        }
        // Largest first (LPT scheduling); ties broken by file order for determinism.
        items.sort { ($0.end - $0.start, $1.file) > ($1.end - $1.start, $0.file) }

        let results = ResultStore(files: files, shardSize: options.shardSize)
        let next = Atomic<Int>(0)
        let failed = Atomic<Bool>(false)
        let workers = min(options.jobs, max(1, items.count))
        let bufferSize = options.bufferSize
        let itemsCopy = items
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var raw: UnsafeMutableRawPointer? = nil
            guard posix_memalign(&raw, 4096, bufferSize) == 0, let buffer = raw else {
                results.fail(index: 0, error: .unreadable(path: "memory", reason: "out of memory"))
                failed.store(true, ordering: .relaxed)
                return
            }
            defer { free(buffer) }
            while !failed.load(ordering: .relaxed) {
                let k = next.add(1, ordering: .relaxed).oldValue
                guard k < itemsCopy.count else { break }
                let item = itemsCopy[k]
                let entry = files[item.file]
                do {
                    let (digest, size) = try Self.hashRange(entry, item: item, buffer: buffer, bufferSize: bufferSize,
                                                            progress: progress)
                    results.store(item: item, digest: digest, size: size)
                } catch let e as DigestError {
                    results.fail(index: item.file, error: e)
                    failed.store(true, ordering: .relaxed)
                } catch {
                    results.fail(index: item.file, error: .unreadable(path: entry.openPath, reason: "\(error)"))
                    failed.store(true, ordering: .relaxed)
                }
            }
        }
        return try results.finish()
    }

    struct WorkItem: Sendable {
        let file: Int
        let start: UInt64
        let end: UInt64
        let whole: Bool
        let shard: Int
    }

    /// Reads `item`'s byte range of one file and returns its SHA-256 and the file's size.
    static func hashRange(_ entry: WalkEntry, item: WorkItem, buffer: UnsafeMutableRawPointer, bufferSize: Int,
                          progress: HashProgress?) throws -> (Digest, UInt64) {
        let path = entry.openPath
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError(path, errno) }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw errnoError(path, errno) }
        guard before.st_mode & S_IFMT == S_IFREG else {
            throw DigestError.notRegularFile(path: path, kind: fileKind(before.st_mode & S_IFMT))
        }
        let size = UInt64(before.st_size)
        // The walk's size must still hold: shards were planned from it.
        guard size == entry.size else { throw DigestError.changedWhileHashing(path: path) }
        _ = posix_fadvise(fd, off_t(item.start), off_t(item.end - item.start), POSIX_FADV_SEQUENTIAL)

        var hasher = Hasher(.sha256)
        var offset = item.start
        while offset < item.end {
            let want = Int(min(UInt64(bufferSize), item.end - offset))
            let n = pread(fd, buffer, want, off_t(offset))
            if n < 0 {
                if errno == EINTR { continue }
                throw errnoError(path, errno)
            }
            if n == 0 { throw DigestError.changedWhileHashing(path: path) }  // truncated under us
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            offset += UInt64(n)
            progress?.add(n)
        }
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw errnoError(path, errno) }
        guard after.st_size == before.st_size, after.st_mtim.tv_sec == before.st_mtim.tv_sec,
              after.st_mtim.tv_nsec == before.st_mtim.tv_nsec
        else { throw DigestError.changedWhileHashing(path: path) }
        return (Digest(algorithm: .sha256, value: hasher.finalize()), size)
    }
}

/// Collects results from workers. Each slot is written by exactly one worker; the lock makes
/// that visible to the caller.
private final class ResultStore: Sendable {
    private struct State {
        var whole: [Digest?]
        var sizes: [UInt64]
        var shards: [[ShardDigest?]]
        var errors: [(Int, DigestError)] = []
    }
    private let state: Mutex<State>
    private let files: [WalkEntry]

    init(files: [WalkEntry], shardSize: UInt64?) {
        self.files = files
        var shards: [[ShardDigest?]] = []
        if let s = shardSize {
            shards = files.map { [ShardDigest?](repeating: nil, count: max(1, Int(($0.size + s - 1) / s))) }
        }
        state = Mutex(State(whole: Array(repeating: nil, count: files.count),
                            sizes: Array(repeating: 0, count: files.count), shards: shards))
    }

    func store(item: DigestEngine.WorkItem, digest: Digest, size: UInt64) {
        state.withLock { s in
            if item.whole {
                s.whole[item.file] = digest
                s.sizes[item.file] = size
            } else {
                s.shards[item.file][item.shard] = ShardDigest(start: item.start, end: item.end, digest: digest)
            }
        }
    }

    func fail(index: Int, error: DigestError) {
        state.withLock { $0.errors.append((index, error)) }
    }

    func finish() throws -> [FileDigest] {
        try state.withLock { s in
            if let first = s.errors.min(by: { $0.0 < $1.0 }) { throw first.1 }
            return files.indices.map { i in
                FileDigest(path: files[i].relativePath, size: s.sizes[i], sha256: s.whole[i]!,
                           shards: s.shards.isEmpty ? nil : s.shards[i].map { $0! })
            }
        }
    }
}
