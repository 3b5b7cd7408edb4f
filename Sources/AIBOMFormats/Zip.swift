/// The zip central directory (PKWARE APPNOTE 4.3.12), ZIP64 included: member names, sizes,
/// methods and offsets. Bounded: the end record is searched only in the last 64 KiB + 22
/// bytes, entry counts and name lengths are checked against the file size.

public struct ZipEntry: Sendable, Equatable {
    public let name: String
    public let method: UInt16
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    public let localHeaderOffset: UInt64
    public let crc32: UInt32
}

public enum ZipDirectory {
    public static func read(_ path: String) throws -> [ZipEntry] {
        let r = try BinaryReader(path: path)
        guard r.size >= 22 else { throw r.fail("not a zip archive (too short)") }
        let tailLen = Int(min(r.size, 65_557))
        let tailStart = r.size - UInt64(tailLen)
        let tail = try r.peek(at: tailStart, count: tailLen)
        var eocd = -1
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4b, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw r.fail("not a zip archive (no end of central directory record)") }
        var count = tail.le(eocd + 10, 2)
        var cdSize = tail.le(eocd + 12, 4)
        var cdOffset = tail.le(eocd + 16, 4)
        if count == 0xffff || cdSize == 0xffff_ffff || cdOffset == 0xffff_ffff {
            // ZIP64 end of central directory locator sits just before the EOCD.
            guard eocd >= 20, tail.le(eocd - 20, 4) == 0x0706_4b50 else { throw r.fail("zip64 locator missing") }
            let z64 = tail.le(eocd - 20 + 8, 8)
            let rec = try r.peek(at: z64, count: 56)
            guard rec.count == 56, rec.le(0, 4) == 0x0606_4b50 else { throw r.fail("zip64 end record missing") }
            count = rec.le(32, 8)
            cdSize = rec.le(40, 8)
            cdOffset = rec.le(48, 8)
        }
        guard count <= UInt64(FormatLimits.zipMaxEntries), count <= cdSize / 46 + 1 else {
            throw r.fail("zip central directory claims \(count) entries")
        }
        guard cdOffset <= r.size, cdSize <= r.size - cdOffset else {
            throw r.fail("zip central directory lies outside the file")
        }
        try r.seek(cdOffset)
        var entries: [ZipEntry] = []
        for _ in 0..<count {
            guard try r.u32() == 0x0201_4b50 else { throw r.fail("zip central directory entry is corrupt") }
            try r.skip(6)
            let method = try r.u16()
            try r.skip(4)
            let crc = try r.u32()
            var csize = UInt64(try r.u32())
            var usize = UInt64(try r.u32())
            let nameLen = UInt64(try r.u16())
            let extraLen = UInt64(try r.u16())
            let commentLen = UInt64(try r.u16())
            try r.skip(8)
            var offset = UInt64(try r.u32())
            let name = String(decoding: try r.bytes(nameLen), as: UTF8.self)
            let extra = try r.bytes(extraLen)
            try r.skip(commentLen)
            // ZIP64 extended information extra field.
            var p = 0
            while p + 4 <= extra.count {
                let id = extra.le(p, 2), len = Int(extra.le(p + 2, 2))
                if id == 1 {
                    var q = p + 4
                    if usize == 0xffff_ffff, q + 8 <= p + 4 + len, q + 8 <= extra.count { usize = extra.le(q, 8); q += 8 }
                    if csize == 0xffff_ffff, q + 8 <= p + 4 + len, q + 8 <= extra.count { csize = extra.le(q, 8); q += 8 }
                    if offset == 0xffff_ffff, q + 8 <= p + 4 + len, q + 8 <= extra.count { offset = extra.le(q, 8) }
                }
                p += 4 + len
            }
            entries.append(ZipEntry(name: name, method: method, compressedSize: csize, uncompressedSize: usize,
                                    localHeaderOffset: offset, crc32: crc))
        }
        return entries
    }
}
