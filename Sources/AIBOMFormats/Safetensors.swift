import Foundation
/// safetensors: an 8-byte little-endian header length, a JSON header describing each tensor
/// (`dtype`, `shape`, `data_offsets` relative to the data buffer) and `__metadata__`, then
/// raw tensor bytes. Only the header is read; tensor bytes are never touched.

/// One tensor as a weights header describes it.
public struct TensorInfo: Sendable, Equatable, Hashable {
    public let name: String
    /// The format's own dtype name (safetensors `BF16`, GGML `Q4_K`, ...).
    public let dtype: String
    public let shape: [UInt64]
    /// Byte range in the data section (safetensors) or offset (GGUF, `end == begin`).
    public let begin: UInt64
    public let end: UInt64

    public init(name: String, dtype: String, shape: [UInt64], begin: UInt64, end: UInt64) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.begin = begin
        self.end = end
    }

    /// Number of elements (product of the shape; 1 for a scalar). Saturates instead of overflowing.
    public var elementCount: UInt64 {
        shape.reduce(UInt64(1)) { acc, d in
            let (r, o) = acc.multipliedReportingOverflow(by: d)
            return o ? UInt64.max : r
        }
    }
}

/// What a safetensors header says.
public struct SafetensorsHeader: Sendable, Equatable {
    /// Tensors sorted by name.
    public let tensors: [TensorInfo]
    /// `__metadata__` (string to string).
    public let metadata: [String: String]
    public let headerLength: UInt64
    /// Consistency remarks that are not errors (gaps between tensors).
    public let warnings: [String]

    public var parameterCount: UInt64 { tensors.reduce(0) { $0 &+ $1.elementCount } }

    /// Tensor count per dtype.
    public var dtypes: [String: Int] { tensors.reduce(into: [:]) { $0[$1.dtype, default: 0] += 1 } }
}

public enum Safetensors {
    /// Bytes per element of each safetensors dtype (sub-byte types are not in the format).
    public static let dtypeSizes: [String: UInt64] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "I16": 2, "U16": 2, "F16": 2,
        "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
    ]

    /// True if `prefix` (the first bytes of a file of `fileSize` bytes) looks like safetensors.
    public static func sniff(_ prefix: [UInt8], fileSize: UInt64) -> Bool {
        guard prefix.count >= 9 else { return false }
        let n = prefix.le(0, 8)
        return n >= 2 && n <= fileSize - 8 && prefix[8] == UInt8(ascii: "{")
    }

    /// Reads and validates the header of a safetensors file.
    public static func read(_ path: String) throws -> SafetensorsHeader {
        let r = try BinaryReader(path: path)
        guard r.size >= 8 else { throw r.fail("not safetensors: \(r.size) bytes is shorter than the 8-byte header length") }
        let n = try r.u64()
        guard n <= FormatLimits.safetensorsMaxHeader else {
            throw r.fail("safetensors header length \(n) exceeds the \(FormatLimits.safetensorsMaxHeader)-byte limit")
        }
        guard n <= r.size - 8 else {
            throw r.fail("safetensors header length \(n) exceeds the file size (\(r.size) bytes)")
        }
        return try parse(header: try r.bytes(n), dataSize: r.size - 8 - n, path: path)
    }

    /// Validates a header already read; `dataSize` is the size of the data section.
    public static func parse(header: [UInt8], dataSize: UInt64, path: String) throws -> SafetensorsHeader {
        let json: JSON
        do { json = try JSON.parse(header, limits: JSONLimits(maxDepth: 16)) } catch {
            throw FormatError(path, "safetensors header is not valid JSON (\(error))")
        }
        guard case .object(let obj) = json else { throw FormatError(path, "safetensors header is not a JSON object") }
        guard obj.count <= FormatLimits.maxTensors + 1 else { throw FormatError(path, "more than \(FormatLimits.maxTensors) tensors") }
        var metadata: [String: String] = [:]
        var tensors: [TensorInfo] = []
        for (name, v) in obj {
            if name == "__metadata__" {
                guard case .object(let m) = v else { throw FormatError(path, "__metadata__ is not an object") }
                for (k, mv) in m {
                    guard let s = mv.stringValue else { throw FormatError(path, "__metadata__[\(k)] is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let dtype = v["dtype"]?.stringValue else { throw FormatError(path, "tensor \(name): missing dtype") }
            guard let elemSize = dtypeSizes[dtype] else { throw FormatError(path, "tensor \(name): unknown dtype \(dtype)") }
            guard let shapeJ = v["shape"]?.arrayValue, shapeJ.count <= FormatLimits.maxDimensions else {
                throw FormatError(path, "tensor \(name): missing or oversized shape")
            }
            let shape = try shapeJ.map { d -> UInt64 in
                guard let u = d.uint64Value else { throw FormatError(path, "tensor \(name): shape holds a non-integer") }
                return u
            }
            guard let offs = v["data_offsets"]?.arrayValue, offs.count == 2, let b = offs[0].uint64Value,
                  let e = offs[1].uint64Value
            else { throw FormatError(path, "tensor \(name): data_offsets must be two non-negative integers") }
            guard b <= e, e <= dataSize else {
                throw FormatError(path, "tensor \(name): data_offsets [\(b), \(e)] lie outside the \(dataSize)-byte data section")
            }
            let t = TensorInfo(name: name, dtype: dtype, shape: shape, begin: b, end: e)
            let (bytes, overflow) = t.elementCount.multipliedReportingOverflow(by: elemSize)
            guard !overflow, bytes == e - b else {
                throw FormatError(path, "tensor \(name): shape \(shape) of \(dtype) needs \(overflow ? "too many" : String(bytes)) bytes, data_offsets span \(e - b)")
            }
            tensors.append(t)
        }
        // No two tensors may share bytes; gaps are allowed by readers but noted.
        var warnings: [String] = []
        let byOffset = tensors.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor: UInt64 = 0
        var previous = ""
        for t in byOffset where t.end > t.begin {
            if t.begin < cursor { throw FormatError(path, "tensors \(previous) and \(t.name) overlap") }
            if t.begin > cursor && warnings.count < 10 { warnings.append("\(t.begin - cursor) unused bytes before tensor \(t.name)") }
            cursor = t.end
            previous = t.name
        }
        if cursor < dataSize { warnings.append("\(dataSize - cursor) bytes after the last tensor") }
        tensors.sort { byteOrderLess($0.name, $1.name) }
        return SafetensorsHeader(tensors: tensors, metadata: metadata, headerLength: UInt64(header.count), warnings: warnings)
    }
}

/// Sorts strings by the byte order of their UTF-8 encoding.
public func byteOrderLess(_ a: String, _ b: String) -> Bool {
    var x = a, y = b
    return x.withUTF8 { p in
        y.withUTF8 { q in
            let n = min(p.count, q.count)
            if n > 0, let pb = p.baseAddress, let qb = q.baseAddress {
                let c = memcmp(pb, qb, n)
                if c != 0 { return c < 0 }
            }
            return p.count < q.count
        }
    }
}
