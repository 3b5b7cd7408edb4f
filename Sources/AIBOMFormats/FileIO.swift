import Foundation

/// Errors reading or writing files safely.
public enum FileIOError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case notRegularFile(path: String, kind: String)
    case tooLarge(path: String, size: UInt64, limit: UInt64)
    case io(path: String, reason: String)
    case exists(path: String)

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file"
        case .notRegularFile(let p, let k): return "\(p): is a \(k), not a regular file"
        case .tooLarge(let p, let s, let l):
            return "\(p): \(ByteCount.format(s)) exceeds the \(ByteCount.format(l)) limit for this kind of file"
        case .io(let p, let r): return "\(p): \(r)"
        case .exists(let p): return "\(p): already exists; refusing to overwrite it"
        }
    }
}

/// A human name for the type bits of a `stat` mode (`FIFO`, `socket`, `directory`, ...).
public func fileKindName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: return "FIFO"
    case S_IFSOCK: return "socket"
    case S_IFCHR: return "character device"
    case S_IFBLK: return "block device"
    case S_IFDIR: return "directory"
    case S_IFLNK: return "symlink"
    default: return "special file"
    }
}

/// Reads whole small files (manifests, policies, envelopes, headers) with a size bound, and
/// never blocks on FIFOs or devices: only regular files are read.
public enum BoundedFile {
    /// Reads `path` whole if it is a regular file of at most `limit` bytes.
    public static func read(_ path: String, limit: UInt64) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError(path, errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw errnoError(path, errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw FileIOError.notRegularFile(path: path, kind: kindName(st.st_mode)) }
        let size = UInt64(st.st_size)
        guard size <= limit else { throw FileIOError.tooLarge(path: path, size: size, limit: limit) }
        var out = [UInt8](repeating: 0, count: Int(size))
        var off = 0
        while off < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + off, $0.count - off, off_t(off)) }
            if n < 0 { if errno == EINTR { continue }; throw errnoError(path, errno) }
            if n == 0 { out.removeLast(out.count - off); break }
            off += n
        }
        return out
    }

    /// Opens `path` for reading if it is a regular file; returns the descriptor and size.
    /// The caller closes the descriptor.
    public static func openRegular(_ path: String) throws -> (fd: Int32, size: UInt64) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError(path, errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw errnoError(path, e) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileIOError.notRegularFile(path: path, kind: kindName(st.st_mode))
        }
        return (fd, UInt64(st.st_size))
    }

    static func errnoError(_ path: String, _ code: Int32) -> FileIOError {
        code == ENOENT ? .notFound(path: path) : .io(path: path, reason: String(cString: strerror(code)))
    }

    static func kindName(_ mode: mode_t) -> String { fileKindName(mode) }
}

/// Writes files atomically: a temporary file in the same directory, fsync, then rename (or
/// link, when overwriting is not allowed), then fsync of the directory. A crash leaves either
/// the old file or the new one, never a torn one.
public enum AtomicFile {
    /// Writes `bytes` to `path`. With `overwrite: false`, fails if `path` exists (checked
    /// atomically with `link`, so two writers can't both win).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, overwrite: Bool = true) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let dirPath = dir.isEmpty ? "." : dir
        let base = (path as NSString).lastPathComponent
        let tmp = "\(dirPath)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw BoundedFile.errnoError(dirPath, errno) }
        var ok = false
        defer { if !ok { unlink(tmp) } }
        do {
            defer { close(fd) }
            _ = fchmod(fd, mode)  // the umask must not widen or narrow what was asked
            var off = 0
            while off < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
                if n < 0 { if errno == EINTR { continue }; throw BoundedFile.errnoError(path, errno) }
                off += n
            }
            guard fsync(fd) == 0 else { throw BoundedFile.errnoError(path, errno) }
        }
        if overwrite {
            guard rename(tmp, path) == 0 else { throw BoundedFile.errnoError(path, errno) }
        } else {
            guard link(tmp, path) == 0 else {
                if errno == EEXIST { throw FileIOError.exists(path: path) }
                throw BoundedFile.errnoError(path, errno)
            }
            unlink(tmp)
        }
        ok = true
        let dfd = open(dirPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// Writes UTF-8 text (see `write(_:to:mode:overwrite:)`).
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644, overwrite: Bool = true) throws {
        try write(Array(text.utf8), to: path, mode: mode, overwrite: overwrite)
    }
}

/// Human-readable byte counts and parsing of sizes given on the command line.
public enum ByteCount {
    /// `1536` → `1.5 KiB`.
    public static func format(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(n) B" }
        let rounded = (v * 10).rounded() / 10
        return "\(rounded) \(units[u])"
    }

    /// Parses `4096`, `64K`, `64KiB`, `1M`, `1MiB`, `2G`, `2GiB` (binary multiples).
    public static func parse(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = UInt64(digits) else { return nil }
        let suffix = t.dropFirst(digits.count).lowercased()
        let shift: UInt64
        switch suffix {
        case "", "b": shift = 0
        case "k", "kib", "kb": shift = 10
        case "m", "mib", "mb": shift = 20
        case "g", "gib", "gb": shift = 30
        case "t", "tib", "tb": shift = 40
        default: return nil
        }
        let (r, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : r
    }
}
