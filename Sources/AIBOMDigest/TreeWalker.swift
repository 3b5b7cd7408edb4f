import AIBOMFormats
import Glibc

/// One regular file found by a walk.
public struct WalkEntry: Sendable, Hashable {
    /// Path relative to the walk root, `/`-separated, as the name is on disk.
    public let relativePath: String
    /// Path to open: the root joined with the relative path (or the symlink's resolved target).
    public let openPath: String
    /// Size reported by `lstat`/`stat` during the walk.
    public let size: UInt64

    public init(relativePath: String, openPath: String, size: UInt64) {
        self.relativePath = relativePath
        self.openPath = openPath
        self.size = size
    }
}

/// Something a walk saw and did not hash, with the reason. Reported, never silent.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case symlink(target: String)
        case symlinkOutsideRoot(target: String)
        case symlinkLoop
        case danglingSymlink(target: String)
        case special(kind: String)
        case ignored
    }
    public let relativePath: String
    public let reason: Reason

    public init(relativePath: String, reason: Reason) {
        self.relativePath = relativePath
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .symlink(let t): return "\(relativePath): symlink to \(t) not followed (use --follow-symlinks)"
        case .symlinkOutsideRoot(let t): return "\(relativePath): symlink to \(t) points outside the root; skipped"
        case .symlinkLoop: return "\(relativePath): symlink loop; skipped"
        case .danglingSymlink(let t): return "\(relativePath): symlink to \(t) has no target; skipped"
        case .special(let k): return "\(relativePath): \(k) skipped (only regular files are hashed)"
        case .ignored: return "\(relativePath): ignored"
        }
    }
}

/// The files of a tree, sorted by byte order of their relative paths, and what was skipped.
public struct WalkResult: Sendable {
    public var files: [WalkEntry]
    public var skipped: [SkippedEntry]
    /// True when the root was a single regular file rather than a directory.
    public var rootIsFile: Bool
}

/// Options of a walk.
public struct WalkOptions: Sendable {
    /// Follow symlinks whose target lies inside the root; others are reported.
    public var followSymlinks = false
    /// Relative paths (files or directories) to leave out, matched exactly or as a directory prefix.
    public var ignorePaths: [String] = []
    /// Report ignored paths among the skipped entries.
    public var reportIgnored = false

    public init(followSymlinks: Bool = false, ignorePaths: [String] = []) {
        self.followSymlinks = followSymlinks
        self.ignorePaths = ignorePaths
    }
}

/// Walks a directory tree without following symlinks silently and without opening anything
/// but directories. Bounded in depth and entry count.
public struct TreeWalker: Sendable {
    public let options: WalkOptions

    public init(options: WalkOptions = WalkOptions()) { self.options = options }

    /// Walks `root`, a directory or a single regular file.
    public func walk(_ root: String) throws -> WalkResult {
        var st = stat()
        guard lstat(root, &st) == 0 else { throw errnoError(root, errno) }
        var mode = st.st_mode & S_IFMT
        if mode == S_IFLNK {
            // An explicitly named root may be a symlink: the user pointed at it.
            guard stat(root, &st) == 0 else { throw errnoError(root, errno) }
            mode = st.st_mode & S_IFMT
        }
        if mode == S_IFREG {
            let name = root.split(separator: "/").last.map(String.init) ?? root
            return WalkResult(files: [WalkEntry(relativePath: name, openPath: root, size: UInt64(st.st_size))],
                              skipped: [], rootIsFile: true)
        }
        guard mode == S_IFDIR else { throw DigestError.notRegularFile(path: root, kind: fileKind(mode)) }
        var state = State(rootReal: realPath(root) ?? root)
        state.ancestors.insert(DevIno(st))
        try walkDirectory(open: root, relative: "", depth: 0, state: &state, rootDisplay: root)
        state.files.sort { byteOrderLess($0.relativePath, $1.relativePath) }
        state.skipped.sort { byteOrderLess($0.relativePath, $1.relativePath) }
        return WalkResult(files: state.files, skipped: state.skipped, rootIsFile: false)
    }

    private struct DevIno: Hashable {
        let dev: UInt64, ino: UInt64
        init(_ st: stat) { dev = UInt64(st.st_dev); ino = UInt64(st.st_ino) }
    }

    private struct State {
        let rootReal: String
        var files: [WalkEntry] = []
        var skipped: [SkippedEntry] = []
        var ancestors: Set<DevIno> = []
        var count = 0
    }

    private func isIgnored(_ rel: String) -> Bool {
        options.ignorePaths.contains { rel == $0 || rel.hasPrefix($0 + "/") }
    }

    private func walkDirectory(open dirPath: String, relative: String, depth: Int, state: inout State,
                               rootDisplay: String) throws {
        guard depth < DigestLimits.maxDepth else { throw DigestError.tooDeep(path: dirPath, limit: DigestLimits.maxDepth) }
        let names = try listDirectory(dirPath)
        for name in names {
            state.count += 1
            guard state.count <= DigestLimits.maxEntries else {
                throw DigestError.tooManyEntries(root: rootDisplay, limit: DigestLimits.maxEntries)
            }
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = dirPath.hasSuffix("/") ? dirPath + name : dirPath + "/" + name
            if isIgnored(rel) {
                if options.reportIgnored { state.skipped.append(SkippedEntry(relativePath: rel, reason: .ignored)) }
                continue
            }
            var st = stat()
            guard lstat(full, &st) == 0 else { throw errnoError(full, errno) }
            let mode = st.st_mode & S_IFMT
            switch mode {
            case S_IFREG:
                state.files.append(WalkEntry(relativePath: rel, openPath: full, size: UInt64(st.st_size)))
            case S_IFDIR:
                let key = DevIno(st)
                state.ancestors.insert(key)
                try walkDirectory(open: full, relative: rel, depth: depth + 1, state: &state, rootDisplay: rootDisplay)
                state.ancestors.remove(key)
            case S_IFLNK:
                try handleSymlink(full: full, rel: rel, depth: depth, state: &state, rootDisplay: rootDisplay)
            default:
                state.skipped.append(SkippedEntry(relativePath: rel, reason: .special(kind: fileKind(mode))))
            }
        }
    }

    private func handleSymlink(full: String, rel: String, depth: Int, state: inout State, rootDisplay: String) throws {
        let target = readLink(full) ?? "?"
        guard options.followSymlinks else {
            state.skipped.append(SkippedEntry(relativePath: rel, reason: .symlink(target: target)))
            return
        }
        guard let real = realPath(full) else {
            // realpath fails on dangling links and on loops (ELOOP).
            let reason: SkippedEntry.Reason = errno == ELOOP ? .symlinkLoop : .danglingSymlink(target: target)
            state.skipped.append(SkippedEntry(relativePath: rel, reason: reason))
            return
        }
        guard real == state.rootReal || real.hasPrefix(state.rootReal == "/" ? "/" : state.rootReal + "/") else {
            state.skipped.append(SkippedEntry(relativePath: rel, reason: .symlinkOutsideRoot(target: target)))
            return
        }
        var st = stat()
        guard stat(real, &st) == 0 else { throw errnoError(full, errno) }
        let mode = st.st_mode & S_IFMT
        switch mode {
        case S_IFREG:
            state.files.append(WalkEntry(relativePath: rel, openPath: real, size: UInt64(st.st_size)))
        case S_IFDIR:
            let key = DevIno(st)
            if state.ancestors.contains(key) {
                state.skipped.append(SkippedEntry(relativePath: rel, reason: .symlinkLoop))
                return
            }
            state.ancestors.insert(key)
            try walkDirectory(open: real, relative: rel, depth: depth + 1, state: &state, rootDisplay: rootDisplay)
            state.ancestors.remove(key)
        default:
            state.skipped.append(SkippedEntry(relativePath: rel, reason: .special(kind: fileKind(mode))))
        }
    }

    private func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw errnoError(path, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0) }
            }
            guard let name else {
                throw DigestError.unreadable(path: path, reason: "it holds a file name that is not valid UTF-8")
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }
}

func errnoError(_ path: String, _ code: Int32) -> DigestError {
    if code == ENOENT { return .notFound(path: path) }
    return .unreadable(path: path, reason: String(cString: strerror(code)))
}

func fileKind(_ mode: mode_t) -> String { fileKindName(mode) }

func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}

func readLink(_ path: String) -> String? {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink(path, &buf, buf.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
