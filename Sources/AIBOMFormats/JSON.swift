/// Format readers for the files AI releases are made of. Every reader is bounded: lengths
/// read from a file are checked against the file size and a limit before anything is
/// allocated, and every loop over untrusted structure has a bound. This file: a strict JSON
/// parser (duplicate keys rejected, depth bounded, numbers kept as written) and a canonical
/// serializer (sorted keys, no float reformatting), so two parsers never read two documents.

/// A JSON value. Numbers keep their literal text, so nothing drifts on a round trip.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// An integer number value.
    public static func int<I: BinaryInteger>(_ v: I) -> JSON { .number(String(v)) }

    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [String: JSON]? { if case .object(let o) = self { return o } else { return nil } }
    /// The value as an integer, if it is a number written without fraction or exponent that fits.
    public var intValue: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }
    public var uint64Value: UInt64? { if case .number(let n) = self { return UInt64(n) } else { return nil } }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    public var isNull: Bool { self == .null }
}

/// A JSON syntax error with its position.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public let column: Int
    public let offset: Int
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Limits on parsed JSON.
public struct JSONLimits: Sendable {
    public var maxDepth: Int
    public var maxStringBytes: Int
    public init(maxDepth: Int = 128, maxStringBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }
}

extension JSON {
    /// Parses a complete JSON text (RFC 8259), strictly: no duplicate object keys, no
    /// trailing commas or comments, valid UTF-8, no lone surrogates, nesting bounded.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws -> JSON {
        try bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(bytes: buf, limits: limits)
            p.skipWhitespace()
            let v = try p.parseValue(depth: 0)
            p.skipWhitespace()
            guard p.i == buf.count else { throw p.error("unexpected data after the JSON value") }
            return v
        }
    }

    /// Parses JSON text from a string.
    public static func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws -> JSON {
        try parse(Array(text.utf8), limits: limits)
    }
}

struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    func error(_ message: String) -> JSONError {
        var line = 1, col = 1
        for b in UnsafeBufferPointer(rebasing: bytes[0..<min(i, bytes.count)]) {
            if b == 0x0a { line += 1; col = 1 } else if b & 0xc0 != 0x80 { col += 1 }
        }
        return JSONError(message: message, line: line, column: col, offset: i)
    }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
    }

    mutating func parseValue(depth: Int) throws -> JSON {
        guard depth <= limits.maxDepth else { throw error("nesting deeper than \(limits.maxDepth) levels") }
        guard i < bytes.count else { throw error("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(printable(bytes[i]))'")
        }
    }

    private func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7f ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, bytes[i..<i + w.count].elementsEqual(w) else { throw error("invalid literal") }
        i += w.count
    }

    mutating func parseObject(depth: Int) throws -> JSON {
        i += 1
        var out: [String: JSON] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = i
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            i += 1
            skipWhitespace()
            let v = try parseValue(depth: depth + 1)
            if out.updateValue(v, forKey: key) != nil {
                i = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of input in object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
            throw error("expected ',' or '}' in object")
        }
    }

    mutating func parseArray(depth: Int) throws -> JSON {
        i += 1
        var out: [JSON] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
        while true {
            skipWhitespace()
            out.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of input in array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
            throw error("expected ',' or ']' in array")
        }
    }

    mutating func parseNumber() throws -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, isDigit(bytes[i]) { throw error("number with a leading zero") }
        } else {
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: digit expected after '.'") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw error("invalid number: digit expected in exponent") }
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        }
        guard i - start <= 4096 else { throw error("number literal too long") }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    mutating func parseString() throws -> String {
        i += 1
        // Fast path: no escapes, ASCII or valid UTF-8 up to the closing quote.
        var j = i
        var ascii = true
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            if b >= 0x80 { ascii = false }
            j += 1
        }
        if j < bytes.count, bytes[j] == UInt8(ascii: "\""), j - i <= limits.maxStringBytes {
            let slice = UnsafeBufferPointer(rebasing: bytes[i..<j])
            let s: String? = ascii ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
            if let s {
                i = j + 1
                return s
            }
        }
        var out = [UInt8]()
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            guard out.count <= limits.maxStringBytes else { throw error("string longer than \(limits.maxStringBytes) bytes") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { throw error("unterminated escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5c)
                case UInt8(ascii: "/"): out.append(0x2f)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xd800 && scalar < 0xdc00 {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("lone surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xdc00 && low < 0xe000 else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                    } else if scalar >= 0xdc00 && scalar < 0xe000 {
                        throw error("lone surrogate in \\u escape")
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(scalar)!).utf8))
                default: throw error("invalid escape '\\\(printable(e))'")
                }
                continue
            }
            guard b >= 0x20 else { throw error("control character in string") }
            if b < 0x80 {
                out.append(b)
                i += 1
                continue
            }
            // Validate one UTF-8 sequence.
            let len: Int
            if b & 0xe0 == 0xc0 { len = 2 } else if b & 0xf0 == 0xe0 { len = 3 } else if b & 0xf8 == 0xf0 { len = 4 } else {
                throw error("invalid UTF-8")
            }
            guard i + len <= bytes.count else { throw error("invalid UTF-8") }
            let seq = Array(UnsafeBufferPointer(rebasing: bytes[i..<i + len]))
            guard String(validating: seq, as: UTF8.self) != nil else { throw error("invalid UTF-8") }
            out.append(contentsOf: seq)
            i += len
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}

// MARK: - Serialization

extension JSON {
    /// Serializes with object keys sorted by UTF-16 code units (as RFC 8785 does) and strings
    /// escaped minimally. `pretty` adds two-space indentation and newlines; the output is
    /// byte-identical for equal values either way.
    public func serialized(pretty: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity(1024)
        write(into: &out, pretty: pretty, indent: 0)
        if pretty { out.append(0x0a) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The serialized bytes (see `serialized(pretty:)`).
    public func bytes(pretty: Bool = false) -> [UInt8] { Array(serialized(pretty: pretty).utf8) }

    private func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(n.utf8)
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let a):
            if a.isEmpty { out += [0x5b, 0x5d]; return }
            out.append(0x5b)
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(0x2c) }
                if pretty { newline(&out, indent + 1) }
                v.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out.append(0x5d)
        case .object(let o):
            if o.isEmpty { out += [0x7b, 0x7d]; return }
            out.append(0x7b)
            for (k, key) in o.keys.sorted(by: { $0.utf16.lexicographicallyPrecedes($1.utf16) }).enumerated() {
                if k > 0 { out.append(0x2c) }
                if pretty { newline(&out, indent + 1) }
                JSON.writeString(key, into: &out)
                out.append(0x3a)
                if pretty { out.append(0x20) }
                o[key]!.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(&out, indent) }
            out.append(0x7d)
        }
    }

    private func newline(_ out: inout [UInt8], _ indent: Int) {
        out.append(0x0a)
        out += [UInt8](repeating: 0x20, count: indent * 2)
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x08: out += [0x5c, UInt8(ascii: "b")]
            case 0x0c: out += [0x5c, UInt8(ascii: "f")]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0..<0x20: out += [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xf)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}
