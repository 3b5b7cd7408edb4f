/// GGUF (llama.cpp) v2/v3: magic `GGUF`, version, tensor count, metadata key/values, tensor
/// infos, then aligned tensor data. Metadata strings and arrays are bounded: long strings are
/// skipped, arrays keep only their first elements, and every count is checked against the
/// bytes left in the file before anything is read.

/// A GGUF metadata value, bounded.
public enum GGUFValue: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case float(Double)
    case bool(Bool)
    case string(String)
    /// A string longer than the kept limit: only its length.
    case longString(length: UInt64)
    /// An array: element type name, total count and the first elements kept.
    case array(elementType: String, count: UInt64, head: [GGUFValue])

    /// A short text form for BOM properties.
    public var display: String {
        switch self {
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .float(let v): return String(v)
        case .bool(let v): return String(v)
        case .string(let s): return s
        case .longString(let n): return "<string of \(n) bytes>"
        case .array(let t, let n, _): return "<array of \(n) \(t)>"
        }
    }
}

/// What a GGUF file's header says.
public struct GGUFInfo: Sendable, Equatable {
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Tensors sorted by name; `dtype` is the GGML type name.
    public let tensors: [TensorInfo]

    public var architecture: String? { if case .string(let s)? = metadata["general.architecture"] { return s } else { return nil } }
    public var name: String? { if case .string(let s)? = metadata["general.name"] { return s } else { return nil } }
    public var contextLength: UInt64? {
        guard let a = architecture else { return nil }
        switch metadata["\(a).context_length"] {
        case .uint(let v)?: return v
        case .int(let v)? where v >= 0: return UInt64(v)
        default: return nil
        }
    }
    /// `general.file_type` as llama.cpp names it (e.g. `Q4_K_M`).
    public var fileType: String? {
        switch metadata["general.file_type"] {
        case .uint(let v)?: return GGUF.fileTypeNames[Int(clamping: v)] ?? "type \(v)"
        case .int(let v)?: return GGUF.fileTypeNames[Int(clamping: v)] ?? "type \(v)"
        default: return nil
        }
    }
    public var parameterCount: UInt64 { tensors.reduce(0) { $0 &+ $1.elementCount } }
}

public enum GGUF {
    static let valueTypeNames = ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"]
    /// GGML tensor type names by id.
    public static let tensorTypeNames: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K",
        12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S",
        20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64",
        29: "IQ1_M", 30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
    ]
    /// llama.cpp `llama_ftype` names by id.
    public static let fileTypeNames: [Int: String] = [
        0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
        12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
        19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
        26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
        37: "TQ2_0", 38: "MXFP4_MOE",
    ]

    public static func sniff(_ prefix: [UInt8]) -> Bool { prefix.count >= 8 && Array(prefix[0..<4]) == Array("GGUF".utf8) }

    /// Reads the header, metadata and tensor infos of a GGUF file. Tensor data is not read.
    /// `strings`, when given, sees every metadata string up to the kept limit (key, value),
    /// array elements included, except tokenizer vocabularies (`tokenizer.ggml.*`).
    public static func read(_ path: String, strings: ((String, String) -> Void)? = nil) throws -> GGUFInfo {
        let r = try BinaryReader(path: path)
        guard try r.bytes(4) == Array("GGUF".utf8) else { throw r.fail("not a GGUF file (bad magic)") }
        let version = try r.u32()
        guard version == 2 || version == 3 else { throw r.fail("GGUF version \(version) is not supported (2 and 3 are)") }
        let tensorCount = try r.u64()
        let kvCount = try r.u64()
        // Each key/value takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+4+8.
        guard kvCount <= FormatLimits.ggufMaxKeyValues, kvCount <= r.remaining / 13 else {
            throw r.fail("GGUF metadata count \(kvCount) is impossible for a \(r.size)-byte file")
        }
        guard tensorCount <= UInt64(FormatLimits.maxTensors), tensorCount <= r.remaining / 24 else {
            throw r.fail("GGUF tensor count \(tensorCount) is impossible for a \(r.size)-byte file")
        }
        var metadata: [String: GGUFValue] = [:]
        for _ in 0..<kvCount {
            let key = try readString(r, what: "metadata key")
            guard case .string(let k) = key else { throw r.fail("GGUF metadata key longer than 1 MiB") }
            let type = try r.u32()
            let visit = k.hasPrefix("tokenizer.ggml.") ? nil : strings.map { v in { (s: String) in v(k, s) } }
            metadata[k] = try readValue(r, type: type, depth: 0, visit: visit)
        }
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(Int(tensorCount))
        for _ in 0..<tensorCount {
            guard case .string(let name) = try readString(r, what: "tensor name") else { throw r.fail("GGUF tensor name too long") }
            let nDims = try r.u32()
            guard nDims <= UInt32(FormatLimits.maxDimensions) else { throw r.fail("tensor \(name): \(nDims) dimensions") }
            var shape: [UInt64] = []
            for _ in 0..<nDims { shape.append(try r.u64()) }
            let type = try r.u32()
            let offset = try r.u64()
            tensors.append(TensorInfo(name: name, dtype: tensorTypeNames[Int(type)] ?? "type\(type)", shape: shape,
                                      begin: offset, end: offset))
        }
        var alignment: UInt64 = 32
        if case .uint(let a)? = metadata["general.alignment"], a > 0, a <= 1 << 20 { alignment = a }
        let dataStart = (r.offset + alignment - 1) / alignment * alignment
        for t in tensors where t.begin > r.size || dataStart > r.size - t.begin {
            throw r.fail("tensor \(t.name): offset \(t.begin) lies beyond the end of the file")
        }
        tensors.sort { byteOrderLess($0.name, $1.name) }
        return GGUFInfo(version: version, metadata: metadata, tensors: tensors)
    }

    private static func readString(_ r: BinaryReader, what: String) throws -> GGUFValue {
        let n = try r.u64()
        guard n <= r.remaining else { throw r.fail("GGUF \(what) length \(n) exceeds the bytes left in the file") }
        if n > FormatLimits.ggufMaxKeptString {
            try r.skip(n)
            return .longString(length: n)
        }
        return .string(String(decoding: try r.bytes(n), as: UTF8.self))
    }

    private static let fixedSizes: [UInt32: UInt64] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]

    private static func readValue(_ r: BinaryReader, type: UInt32, depth: Int, visit: ((String) -> Void)?) throws -> GGUFValue {
        switch type {
        case 0: return .uint(UInt64(try r.u8()))
        case 1: return .int(Int64(Int8(bitPattern: try r.u8())))
        case 2: return .uint(UInt64(try r.u16()))
        case 3: return .int(Int64(Int16(bitPattern: try r.u16())))
        case 4: return .uint(UInt64(try r.u32()))
        case 5: return .int(Int64(try r.i32()))
        case 6: return .float(Double(try r.f32()))
        case 7: return .bool(try r.u8() != 0)
        case 8:
            let v = try readString(r, what: "string")
            if case .string(let s) = v { visit?(s) }
            return v
        case 10: return .uint(try r.u64())
        case 11: return .int(try r.i64())
        case 12: return .float(try r.f64())
        case 9:
            guard depth < 4 else { throw r.fail("GGUF arrays nested too deeply") }
            let elemType = try r.u32()
            let count = try r.u64()
            let minSize: UInt64 = elemType == 8 ? 8 : (elemType == 9 ? 12 : (fixedSizes[elemType] ?? 1))
            guard count <= r.remaining / minSize else {
                throw r.fail("GGUF array of \(count) elements cannot fit in the \(r.remaining) bytes left")
            }
            let typeName = elemType < valueTypeNames.count ? valueTypeNames[Int(elemType)] : "type\(elemType)"
            guard elemType <= 12 else { throw r.fail("GGUF array of unknown value type \(elemType)") }
            var head: [GGUFValue] = []
            if let fixed = fixedSizes[elemType] {
                let keep = min(count, UInt64(FormatLimits.ggufMaxKeptArrayElements))
                for _ in 0..<keep { head.append(try readValue(r, type: elemType, depth: depth + 1, visit: nil)) }
                try r.skip((count - keep) * fixed)
            } else {
                for i in 0..<count {
                    let v = try readValue(r, type: elemType, depth: depth + 1, visit: visit)
                    if i < FormatLimits.ggufMaxKeptArrayElements { head.append(v) }
                }
            }
            return .array(elementType: typeName, count: count, head: head)
        default:
            throw r.fail("GGUF metadata value of unknown type \(type) at offset \(r.offset)")
        }
    }
}
