internal import CZlib
import Foundation

/// Decompression with bounded output, so a zip or gzip bomb is an error, not an outage.
public enum Inflate {
    /// Raw deflate (zip method 8) or gzip (`gzip: true`, RFC 1952, concatenated members allowed).
    /// Throws once the output would exceed `limit` bytes.
    public static func inflate(_ input: [UInt8], gzip: Bool, limit: Int, path: String) throws -> [UInt8] {
        var strm = z_stream()
        // -15: raw deflate; 15 + 32: zlib or gzip header auto-detected.
        guard aibom_inflate_init2(&strm, gzip ? 15 + 32 : -15) == Z_OK else { throw FormatError(path, "zlib init failed") }
        defer { inflateEnd(&strm) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        var consumed = 0
        while true {
            let status: Int32 = input.withUnsafeBufferPointer { inBuf in
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    strm.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    strm.avail_in = UInt32(inBuf.count - consumed)
                    strm.next_out = outBuf.baseAddress
                    strm.avail_out = UInt32(outBuf.count)
                    let r = CZlib.inflate(&strm, Z_NO_FLUSH)
                    consumed = inBuf.count - Int(strm.avail_in)
                    return r
                }
            }
            let produced = chunk.count - Int(strm.avail_out)
            guard out.count + produced <= limit else {
                throw FormatError(path, "decompresses to more than \(ByteCount.format(UInt64(limit))) (a decompression bomb?)")
            }
            out.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                // gzip files may hold several members back to back.
                if gzip, consumed < input.count, input.count - consumed >= 2, input[consumed] == 0x1f, input[consumed + 1] == 0x8b {
                    inflateReset(&strm)
                    continue
                }
                return out
            case Z_OK:
                if produced == 0 && consumed >= input.count { throw FormatError(path, "compressed data is truncated") }
            case Z_BUF_ERROR:
                if consumed >= input.count { throw FormatError(path, "compressed data is truncated") }
            default:
                throw FormatError(path, "compressed data is corrupt (zlib error \(status))")
            }
        }
    }
}

extension ZipDirectory {
    /// Reads one member's bytes, inflating deflated members, never more than `limit` bytes out.
    public static func extract(_ path: String, _ entry: ZipEntry, limit: Int) throws -> [UInt8] {
        let r = try BinaryReader(path: path)
        try r.seek(entry.localHeaderOffset)
        guard try r.u32() == 0x0403_4b50 else { throw r.fail("zip member \(entry.name): bad local header") }
        try r.skip(22)
        let nameLen = UInt64(try r.u16())
        let extraLen = UInt64(try r.u16())
        try r.skip(nameLen + extraLen)
        guard entry.compressedSize <= r.remaining else { throw r.fail("zip member \(entry.name) extends past the end of the file") }
        switch entry.method {
        case 0:
            guard entry.compressedSize <= UInt64(limit) else {
                throw r.fail("zip member \(entry.name) is larger than \(ByteCount.format(UInt64(limit)))")
            }
            return try r.bytes(entry.compressedSize)
        case 8:
            guard entry.compressedSize <= UInt64(limit) else {
                throw r.fail("zip member \(entry.name) is larger than \(ByteCount.format(UInt64(limit)))")
            }
            return try Inflate.inflate(try r.bytes(entry.compressedSize), gzip: false, limit: limit, path: "\(path)!\(entry.name)")
        default:
            throw r.fail("zip member \(entry.name) uses compression method \(entry.method), which aibom does not read")
        }
    }
}
