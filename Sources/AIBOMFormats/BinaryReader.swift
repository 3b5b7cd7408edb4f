import Foundation

/// Errors reading a binary format. Messages name the file and what is wrong with it.
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// A sequential little-endian reader over a regular file, buffered, with every read checked
/// against the file size. It never allocates more than its buffer plus what a caller asks for
/// after that request was checked against the remaining bytes.
public final class BinaryReader {
    public let path: String
    public let size: UInt64
    private let fd: Int32
    private var buffer: [UInt8]
    private var bufStart: UInt64 = 0
    private var bufLen = 0
    /// Current offset in the file.
    public private(set) var offset: UInt64 = 0

    public init(path: String, bufferSize: Int = 64 << 10) throws {
        let (fd, size) = try BoundedFile.openRegular(path)
        self.fd = fd
        self.size = size
        self.path = path
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    deinit { close(fd) }

    public var remaining: UInt64 { size - offset }

    public func fail(_ message: String) -> FormatError { FormatError(path, message) }

    /// Moves to an absolute offset (within the file).
    public func seek(_ to: UInt64) throws {
        guard to <= size else { throw fail("offset \(to) is beyond the end of the file (\(size) bytes)") }
        offset = to
    }

    public func skip(_ n: UInt64) throws {
        guard n <= remaining else { throw fail("truncated: needs \(n) more bytes at offset \(offset), has \(remaining)") }
        offset += n
    }

    /// Reads exactly `n` bytes; `n` is checked against the remaining size first.
    public func bytes(_ n: UInt64) throws -> [UInt8] {
        guard n <= remaining else { throw fail("truncated: needs \(n) bytes at offset \(offset), has \(remaining)") }
        let count = Int(n)
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            if offset < bufStart || offset >= bufStart + UInt64(bufLen) { try fill() }
            let inBuf = Int(offset - bufStart)
            let take = min(count - out.count, bufLen - inBuf)
            out.append(contentsOf: buffer[inBuf..<inBuf + take])
            offset += UInt64(take)
        }
        return out
    }

    private func fill() throws {
        bufStart = offset
        let want = Int(min(UInt64(buffer.count), remaining))
        var got = 0
        while got < want {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, want - got, off_t(bufStart) + off_t(got)) }
            if n < 0 { if errno == EINTR { continue }; throw fail("read error: \(String(cString: strerror(errno)))") }
            if n == 0 { throw fail("file shrank while it was read") }
            got += n
        }
        bufLen = got
    }

    public func u8() throws -> UInt8 { try bytes(1)[0] }
    public func u16() throws -> UInt16 { UInt16(try uint(2)) }
    public func u32() throws -> UInt32 { UInt32(try uint(4)) }
    public func u64() throws -> UInt64 { try uint(8) }
    public func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    public func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    public func f32() throws -> Float { Float(bitPattern: try u32()) }
    public func f64() throws -> Double { Double(bitPattern: try u64()) }

    private func uint(_ n: Int) throws -> UInt64 {
        let b = try bytes(UInt64(n))
        var v: UInt64 = 0
        for i in (0..<n).reversed() { v = v << 8 | UInt64(b[i]) }
        return v
    }

    /// Reads `count` bytes at an absolute offset without moving the cursor.
    public func peek(at position: UInt64, count: Int) throws -> [UInt8] {
        let saved = offset
        defer { offset = saved }
        try seek(position)
        return try bytes(UInt64(min(UInt64(count), size - position)))
    }
}

extension Array where Element == UInt8 {
    /// Little-endian unsigned integer at `at` (n bytes).
    func le(_ at: Int, _ n: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in (0..<n).reversed() { v = v << 8 | UInt64(self[at + i]) }
        return v
    }
}
