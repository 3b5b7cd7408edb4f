/// Byte encodings used throughout aibom: lowercase hex and strict, canonical base64 (RFC 4648).

/// Lowercase hexadecimal encoding and decoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let count = bytes.count
        return String(unsafeUninitializedCapacity: count * 2) { out in
            var k = 0
            for b in bytes {
                out[k] = digits[Int(b >> 4)]
                out[k + 1] = digits[Int(b & 0x0f)]
                k += 2
            }
            return k
        }
    }

    /// Decodes hex (either case). Returns nil on odd length or a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var t = text
        return t.withUTF8 { u -> [UInt8]? in
            guard u.count % 2 == 0 else { return nil }
            var out = [UInt8](repeating: 0, count: u.count / 2)
            var i = 0
            while i < u.count {
                guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
                out[i / 2] = hi << 4 | lo
                i += 2
            }
            return out
        }
    }

    /// True if `text` is exactly `length` lowercase hex characters.
    public static func isLowercaseHex(_ text: String, length: Int) -> Bool {
        var t = text
        return t.withUTF8 { u in
            guard u.count == length else { return false }
            for c in u where !((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) { return false }
            return true
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }
}

/// Standard base64 (RFC 4648 §4) with padding. Decoding is strict: it accepts only the
/// canonical encoding (no whitespace, correct padding, zero pad bits), so one byte string
/// has exactly one accepted text form.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Encodes bytes as padded standard base64.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        encode(Array(bytes), table: alphabet, pad: true)
    }

    /// Encodes bytes as unpadded base64url (RFC 4648 §5).
    public static func encodeURL<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        encode(Array(bytes), table: urlAlphabet, pad: false)
    }

    private static func encode(_ b: [UInt8], table: [UInt8], pad: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= b.count {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = b.count - i
        if rest == 1 {
            let n = UInt32(b[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)]]
            if pad { out += [0x3d, 0x3d] }
        } else if rest == 2 {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)]]
            if pad { out.append(0x3d) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes canonical padded standard base64; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        decode(Array(text.utf8), url: false)
    }

    /// Decodes canonical padded standard base64 from raw bytes; nil for anything else.
    public static func decode(bytes: [UInt8]) -> [UInt8]? {
        decode(bytes, url: false)
    }

    private static func value(_ c: UInt8, url: Bool) -> UInt32? {
        switch c {
        case 0x41...0x5a: return UInt32(c - 0x41)
        case 0x61...0x7a: return UInt32(c - 0x61 + 26)
        case 0x30...0x39: return UInt32(c - 0x30 + 52)
        case 0x2b where !url: return 62
        case 0x2f where !url: return 63
        case 0x2d where url: return 62
        case 0x5f where url: return 63
        default: return nil
        }
    }

    private static func decode(_ u: [UInt8], url: Bool) -> [UInt8]? {
        guard u.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 4 * 3)
        var i = 0
        while i < u.count {
            let last = i + 4 == u.count
            let pads = last ? (u[i + 3] == 0x3d ? (u[i + 2] == 0x3d ? 2 : 1) : 0) : 0
            var n: UInt32 = 0
            for j in 0..<(4 - pads) {
                guard let v = value(u[i + j], url: url) else { return nil }
                n = n << 6 | v
            }
            switch pads {
            case 0:
                out += [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            case 1:
                guard n & 0x3 == 0 else { return nil }  // non-zero pad bits: not canonical
                n >>= 2
                out += [UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            default:
                guard n & 0xf == 0 else { return nil }
                n >>= 4
                out.append(UInt8(n & 0xff))
            }
            i += 4
        }
        return out
    }
}
