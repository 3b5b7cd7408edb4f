import Foundation

/// What Hugging Face's `config.json` says about a model.
public struct ModelConfig: Sendable, Equatable {
    public var architectures: [String] = []
    public var modelType: String?
    public var torchDtype: String?

    /// Reads `config.json`; returns nil if the file is not a JSON object.
    public static func read(_ path: String) throws -> ModelConfig? {
        guard case .object(let o)? = try? JSON.parse(try BoundedFile.read(path, limit: FormatLimits.maxJSONFile)) else {
            return nil
        }
        var c = ModelConfig()
        c.architectures = o["architectures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        c.modelType = o["model_type"]?.stringValue
        c.torchDtype = o["torch_dtype"]?.stringValue ?? o["dtype"]?.stringValue
        return c
    }
}

/// What a PEFT `adapter_config.json` says about an adapter.
public struct AdapterConfig: Sendable, Equatable {
    public var peftType: String?
    public var baseModel: String?
    public var rank: Int?
    public var loraAlpha: String?
    public var targetModules: [String] = []
    public var taskType: String?

    public static func read(_ path: String) throws -> AdapterConfig {
        let json: JSON
        do { json = try JSON.parse(try BoundedFile.read(path, limit: FormatLimits.maxJSONFile)) } catch let e as JSONError {
            throw FormatError(path, "not valid JSON (\(e))")
        }
        guard case .object(let o) = json else { throw FormatError(path, "adapter config is not a JSON object") }
        var c = AdapterConfig()
        c.peftType = o["peft_type"]?.stringValue
        c.baseModel = o["base_model_name_or_path"]?.stringValue
        c.rank = o["r"]?.intValue
        if case .number(let n)? = o["lora_alpha"] { c.loraAlpha = n }
        if let list = o["target_modules"]?.arrayValue {
            c.targetModules = list.compactMap(\.stringValue).sorted()
        } else if let s = o["target_modules"]?.stringValue {
            c.targetModules = [s]
        }
        c.taskType = o["task_type"]?.stringValue
        return c
    }
}

/// The YAML front matter of a model or dataset card (`README.md`), read as the flat subset
/// Hugging Face cards use: `key: value`, `key: [a, b]` and `key:` followed by `- item` lines.
public struct ModelCard: Sendable, Equatable {
    public var fields: [String: [String]] = [:]

    public var license: String? { fields["license"]?.first }
    public var baseModels: [String] { fields["base_model"] ?? [] }
    public var datasets: [String] { fields["datasets"] ?? [] }
    public var languages: [String] { fields["language"] ?? [] }
    public var pipelineTag: String? { fields["pipeline_tag"]?.first }
    public var libraryName: String? { fields["library_name"]?.first }

    /// Reads the front matter of a Markdown file; nil if it has none.
    public static func read(_ path: String) throws -> ModelCard? {
        let (fd, size) = try BoundedFile.openRegular(path)
        defer { close(fd) }
        let n = Int(min(size, FormatLimits.maxFrontMatter))
        var buf = [UInt8](repeating: 0, count: n)
        let got = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, 0) }
        guard got > 0 else { return nil }
        return parse(String(decoding: buf[0..<got], as: UTF8.self))
    }

    public static func parse(_ text: String) -> ModelCard? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else { return nil }
        var card = ModelCard()
        var current: String? = nil
        for line in lines[0..<end] {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty {
                continue
            }
            let indented = line.first == " " || line.first == "\t"
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- "), let key = current {
                // List items may be indented or not under their key.
                card.fields[key, default: []].append(unquote(String(trimmed.dropFirst(2))))
                continue
            }
            if indented { continue }  // nested maps (e.g. model-index) are not needed
            guard let colon = trimmed.firstIndex(of: ":") else { current = nil; continue }
            let key = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            current = key
            if value.isEmpty { card.fields[key] = card.fields[key] ?? []; continue }
            if value.hasPrefix("[") && value.hasSuffix("]") {
                card.fields[key] = value.dropFirst().dropLast().split(separator: ",").map {
                    unquote($0.trimmingCharacters(in: .whitespaces))
                }.filter { !$0.isEmpty }
            } else {
                card.fields[key] = [unquote(value)]
            }
        }
        return card
    }

    static func unquote(_ s: String) -> String {
        var v = s
        if let hash = v.range(of: " #"), !v.hasPrefix("\"") && !v.hasPrefix("'") { v = String(v[..<hash.lowerBound]) }
        v = v.trimmingCharacters(in: .whitespaces)
        if v.count >= 2, (v.hasPrefix("\"") && v.hasSuffix("\"")) || (v.hasPrefix("'") && v.hasSuffix("'")) {
            v = String(v.dropFirst().dropLast())
        }
        return v
    }
}

/// Chat templates inside a `tokenizer_config.json` (`chat_template`: a string, or a list of
/// `{name, template}`).
public enum ChatTemplates {
    public static func read(_ path: String) throws -> [(name: String, template: String)] {
        guard case .object(let o)? = try? JSON.parse(try BoundedFile.read(path, limit: FormatLimits.maxJSONFile)) else {
            return []
        }
        if let s = o["chat_template"]?.stringValue { return [("default", s)] }
        return (o["chat_template"]?.arrayValue ?? []).compactMap { t in
            guard let n = t["name"]?.stringValue, let s = t["template"]?.stringValue else { return nil }
            return (n, s)
        }
    }
}

/// Record counts of datasets, where cheap to know.
public enum Records {
    /// Rows of a JSONL file (non-blank lines) or CSV/TSV file (records after the header, with
    /// quoted newlines honoured). Nil for files over `FormatLimits.maxCountedFile`.
    public static func count(_ path: String, format: FileFormat) throws -> UInt64? {
        guard format == .jsonl || format == .csv || format == .tsv else { return nil }
        let (fd, size) = try BoundedFile.openRegular(path)
        defer { close(fd) }
        guard size <= FormatLimits.maxCountedFile else { return nil }
        var buf = [UInt8](repeating: 0, count: 1 << 20)
        var off: UInt64 = 0
        var records: UInt64 = 0
        var lineHasContent = false
        var inQuotes = false
        let csv = format != .jsonl
        while off < size {
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(off)) }
            if n < 0 { if errno == EINTR { continue }; throw FormatError(path, String(cString: strerror(errno))) }
            if n == 0 { break }
            for i in 0..<n {
                let b = buf[i]
                if csv && b == 0x22 { inQuotes.toggle() }
                if b == 0x0a {
                    if lineHasContent && !inQuotes { records += 1; lineHasContent = false }
                } else if b != 0x20 && b != 0x0d && b != 0x09 {
                    lineHasContent = true
                }
            }
            off += UInt64(n)
        }
        if lineHasContent { records += 1 }
        if csv && records > 0 { records -= 1 }  // header row
        return records
    }
}

/// Parquet: `PAR1`, data, a Thrift-compact `FileMetaData` footer, its length and `PAR1`. The
/// row count is field 3 of the footer.
public enum Parquet {
    public static func rowCount(_ path: String) throws -> Int64 {
        let r = try BinaryReader(path: path)
        guard r.size >= 12 else { throw r.fail("not a Parquet file (too short)") }
        let tail = try r.peek(at: r.size - 8, count: 8)
        guard Array(tail[4..<8]) == Array("PAR1".utf8) else { throw r.fail("not a Parquet file (no PAR1 footer)") }
        let len = tail.le(0, 4)
        guard len <= FormatLimits.parquetMaxFooter, len <= r.size - 12 else { throw r.fail("Parquet footer length \(len) is impossible") }
        var t = ThriftCompact(bytes: try r.peek(at: r.size - 8 - len, count: Int(len)), path: path)
        var lastField: Int16 = 0
        while true {
            let header = try t.byte()
            if header == 0 { break }
            let type = header & 0x0f
            let delta = Int16(header >> 4)
            let field = delta != 0 ? lastField + delta : Int16(truncatingIfNeeded: try t.zigzag())
            lastField = field
            if field == 3 && (type == 6 || type == 5) { return try t.zigzag() }
            try t.skip(type: type, depth: 0)
        }
        throw r.fail("Parquet footer has no row count")
    }
}

/// Just enough of the Thrift compact protocol to skip fields, bounded in depth and length.
struct ThriftCompact {
    let bytes: [UInt8]
    let path: String
    var i = 0

    mutating func byte() throws -> UInt8 {
        guard i < bytes.count else { throw FormatError(path, "Parquet footer is truncated") }
        defer { i += 1 }
        return bytes[i]
    }

    mutating func varint() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw FormatError(path, "Parquet footer has an overlong varint") }
            v |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    mutating func skip(type: UInt8, depth: Int) throws {
        guard depth < 32 else { throw FormatError(path, "Parquet footer nests too deeply") }
        switch type {
        case 1, 2: return  // bool true/false inline
        case 3: _ = try byte()
        case 4, 5, 6: _ = try varint()
        case 7: guard i + 8 <= bytes.count else { throw FormatError(path, "Parquet footer is truncated") }; i += 8
        case 8:
            let n = try varint()
            guard n <= UInt64(bytes.count - i) else { throw FormatError(path, "Parquet footer is truncated") }
            i += Int(n)
        case 9, 10:
            let h = try byte()
            var n = UInt64(h >> 4)
            if n == 15 { n = try varint() }
            guard n <= UInt64(bytes.count - i) else { throw FormatError(path, "Parquet footer list is impossible") }
            for _ in 0..<n { try skip(type: h & 0x0f, depth: depth + 1) }
        case 11:
            let n = try varint()
            guard n <= UInt64(bytes.count - i) else { throw FormatError(path, "Parquet footer map is impossible") }
            if n > 0 {
                let kv = try byte()
                for _ in 0..<n { try skip(type: kv >> 4, depth: depth + 1); try skip(type: kv & 0x0f, depth: depth + 1) }
            }
        case 12:
            var last: Int16 = 0
            while true {
                let h = try byte()
                if h == 0 { return }
                let d = Int16(h >> 4)
                last = d != 0 ? last + d : Int16(truncatingIfNeeded: try zigzag())
                try skip(type: h & 0x0f, depth: depth + 1)
            }
        default: throw FormatError(path, "Parquet footer has an unknown Thrift type \(type)")
        }
    }
}
