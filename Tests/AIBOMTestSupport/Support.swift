// Test helpers shared by every test target: temporary directories, running external tools
// (the openssl CLI, sha256sum, python3) and the built aibom binary. Not shipped.
import Foundation

/// A temporary directory removed when the value is released.
public final class TempDir: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "aibom-test") {
        let tmp = NSTemporaryDirectory()
        let template = (tmp.hasSuffix("/") ? tmp : tmp + "/") + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let p = mkdtemp(&bytes) else { fatalError("mkdtemp failed") }
        path = String(cString: p)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    public func url(_ relative: String) -> String { path + "/" + relative }

    /// Writes bytes at a relative path, creating directories.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let full = url(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }

    /// Writes UTF-8 text at a relative path.
    @discardableResult
    public func write(_ relative: String, _ text: String) -> String { write(relative, Array(text.utf8)) }
}

/// The outcome of running a process.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var out: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `executable` (a path, or a name looked up on PATH) with arguments; waits for it.
public func runProcess(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil,
                       environment: [String: String]? = nil, cwd: String? = nil) throws -> ProcessResult {
    let p = Process()
    if executable.contains("/") {
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
    } else {
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + arguments
    }
    if let environment { p.environment = environment }
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    p.standardOutput = outPipe
    p.standardError = errPipe
    p.standardInput = inPipe
    try p.run()
    if let stdin { inPipe.fileHandleForWriting.write(Data(stdin)) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes concurrently so neither fills up and blocks the child.
    let errData = ErrBox()
    let t = Thread { errData.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
    t.start()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !errData.done { usleep(1000) }
    return ProcessResult(status: p.terminationStatus, stdout: Array(out),
                         stderr: String(decoding: errData.data ?? Data(), as: UTF8.self))
}

private final class ErrBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data: Data?
    private var _done = false
    var data: Data? {
        get { lock.lock(); defer { lock.unlock() }; return _data }
        set { lock.lock(); _data = newValue; _done = true; lock.unlock() }
    }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
}

/// True if `tool` is on PATH.
public func toolAvailable(_ tool: String) -> Bool {
    (try? runProcess("sh", ["-c", "command -v \(tool)"]))?.status == 0
}

/// The directory holding the built products (the aibom binary sits beside the test bundle).
public var productsDirectory: String {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.pathComponents.count > 1 {
        url.deleteLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: url.path + "/aibom") { return url.path }
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
}

/// Runs the built `aibom` binary.
public func aibom(_ arguments: [String], stdin: [UInt8]? = nil, environment: [String: String]? = nil,
                  cwd: String? = nil) throws -> ProcessResult {
    var env = environment ?? ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    return try runProcess(productsDirectory + "/aibom", arguments, stdin: stdin, environment: env, cwd: cwd)
}

/// The repository root (for committed fixtures), found from this file's location.
public func repositoryRoot(file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file)
    while url.pathComponents.count > 1 {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("Package.swift not found above \(file)")
}

/// Deterministic pseudo-random bytes (xorshift), for fixtures that must be the same each run.
public func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var x = seed | 1
    var out = [UInt8](repeating: 0, count: count)
    var i = 0
    while i < count {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        withUnsafeBytes(of: x.littleEndian) { b in
            for j in 0..<min(8, count - i) { out[i + j] = b[j] }
        }
        i += 8
    }
    return out
}
