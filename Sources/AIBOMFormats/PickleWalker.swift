/// A static walker for Python pickle streams (protocols 0 to 5). It never executes anything:
/// it tracks the stack and memo just enough to resolve which globals each `GLOBAL`,
/// `STACK_GLOBAL` (module and name strings possibly fetched from the memo), `INST` and `OBJ`
/// import, and which of them are then called (`REDUCE`, `BUILD`, `NEWOBJ`, `NEWOBJ_EX`,
/// `INST`, `OBJ`). It also collects string constants for the secret scanner. Every length is
/// checked against the bytes left; stack, memo and opcode counts are bounded.

/// Sequential byte input: a file (`BinaryReader`) or memory (`MemoryReader`).
public protocol ByteInput: AnyObject {
    var offset: UInt64 { get }
    var remaining: UInt64 { get }
    func u8() throws -> UInt8
    func bytes(_ n: UInt64) throws -> [UInt8]
    func skip(_ n: UInt64) throws
}

extension BinaryReader: ByteInput {}

/// Bytes in memory with the `ByteInput` interface.
public final class MemoryReader: ByteInput {
    let data: [UInt8]
    public private(set) var offset: UInt64 = 0
    let name: String
    public init(_ data: [UInt8], name: String) {
        self.data = data
        self.name = name
    }
    public var remaining: UInt64 { UInt64(data.count) - offset }
    public func u8() throws -> UInt8 {
        guard offset < UInt64(data.count) else { throw FormatError(name, "truncated at offset \(offset)") }
        defer { offset += 1 }
        return data[Int(offset)]
    }
    public func bytes(_ n: UInt64) throws -> [UInt8] {
        guard n <= remaining else { throw FormatError(name, "truncated: needs \(n) bytes at offset \(offset), has \(remaining)") }
        defer { offset += n }
        return Array(data[Int(offset)..<Int(offset + n)])
    }
    public func skip(_ n: UInt64) throws {
        guard n <= remaining else { throw FormatError(name, "truncated: needs \(n) bytes at offset \(offset), has \(remaining)") }
        offset += n
    }
}

/// What a pickle stream imports and calls.
public struct PickleAnalysis: Sendable, Equatable {
    public struct Global: Sendable, Hashable {
        public let module: String
        public let name: String
        public var qualified: String { "\(module).\(name)" }
    }
    /// Every global imported, in first-seen order.
    public var globals: [Global] = []
    /// Globals that were called or instantiated.
    public var called: Set<Global> = []
    /// String constants (bounded in count and size), with the offset of the opcode.
    public var strings: [(offset: UInt64, value: String)] = []
    /// Why the walk stopped early, if it did (truncated stream, unknown opcode, a bound).
    public var problem: String?
    /// Number of pickles read back to back.
    public var pickleCount = 0
    /// Highest protocol seen.
    public var protocolVersion = 0

    public static func == (a: PickleAnalysis, b: PickleAnalysis) -> Bool {
        a.globals == b.globals && a.called == b.called && a.problem == b.problem && a.pickleCount == b.pickleCount
            && a.strings.map(\.value) == b.strings.map(\.value)
    }
}

public enum PickleWalker {
    public static let maxStack = 1_000_000
    public static let maxMemo = 1_000_000
    public static let maxKeptString = 64 << 10
    public static let maxKeptStrings = 100_000
    public static let maxPickles = 64

    private indirect enum Value {
        case str(String)
        case global(PickleAnalysis.Global)
        case result(PickleAnalysis.Global?)
        case mark
        case other
    }

    /// Walks every pickle in `input` (legacy PyTorch files hold several back to back, then raw
    /// tensor bytes; the walk stops at the first byte that does not start a new pickle).
    public static func analyze(_ input: ByteInput) -> PickleAnalysis {
        var a = PickleAnalysis()
        var memo: [UInt64: Value] = [:]
        while a.pickleCount < maxPickles {
            guard input.remaining > 0 else { break }
            if a.pickleCount > 0 {
                // Another pickle follows only if the next opcode is PROTO (protocol 2+).
                guard let b = try? input.bytes(1), b[0] == 0x80, input.remaining > 0 else { break }
                a.pickleCount += 1
                if !walk(input, &a, &memo, startedWithProto: true) { break }
            } else {
                a.pickleCount = 1
                if !walk(input, &a, &memo, startedWithProto: false) { break }
            }
        }
        return a
    }

    /// Walks one pickle up to STOP. Returns false if it stopped on a problem.
    private static func walk(_ r: ByteInput, _ a: inout PickleAnalysis, _ memo: inout [UInt64: Value],
                             startedWithProto: Bool) -> Bool {
        var stack: [Value] = []
        func pop() -> Value { stack.popLast() ?? .other }
        func popToMark() -> [Value] {
            guard let m = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
                let all = stack
                stack.removeAll()
                return all
            }
            let items = Array(stack[(m + 1)...])
            stack.removeSubrange(m...)
            return items
        }
        func note(_ g: PickleAnalysis.Global) {
            if !a.globals.contains(g) { a.globals.append(g) }
        }
        func call(_ v: Value) -> PickleAnalysis.Global? {
            if case .global(let g) = v { a.called.insert(g); return g }
            return nil
        }
        func keep(_ s: String, at off: UInt64) {
            if a.strings.count < maxKeptStrings { a.strings.append((off, s)) }
        }
        func line() throws -> [UInt8] {
            var out: [UInt8] = []
            while true {
                let b = try r.u8()
                if b == 0x0a { return out }
                out.append(b)
                guard out.count <= 1 << 16 else { throw FormatError("pickle", "text argument longer than 64 KiB") }
            }
        }
        func text(_ n: UInt64, at off: UInt64) throws -> Value {
            if n > UInt64(maxKeptString) {
                try r.skip(n)
                return .other
            }
            let s = String(decoding: try r.bytes(n), as: UTF8.self)
            keep(s, at: off)
            return .str(s)
        }
        func uint(_ n: Int) throws -> UInt64 {
            let b = try r.bytes(UInt64(n))
            var v: UInt64 = 0
            for i in (0..<n).reversed() { v = v << 8 | UInt64(b[i]) }
            return v
        }
        func memoPut(_ k: UInt64) throws {
            guard memo.count < maxMemo || memo[k] != nil else { throw FormatError("pickle", "memo larger than \(maxMemo) entries") }
            memo[k] = stack.last ?? .other
        }

        do {
            if startedWithProto {
                a.protocolVersion = max(a.protocolVersion, Int(try r.u8()))
            }
            while true {
                guard stack.count <= maxStack else { throw FormatError("pickle", "stack deeper than \(maxStack)") }
                let off = r.offset
                let op = try r.u8()
                switch op {
                case 0x80: a.protocolVersion = max(a.protocolVersion, Int(try r.u8()))  // PROTO
                case 0x95: try r.skip(8)  // FRAME
                case 0x2e: return true  // STOP
                // Globals and calls.
                case 0x63:  // GLOBAL "module\nname\n"
                    let m = String(decoding: try line(), as: UTF8.self), n = String(decoding: try line(), as: UTF8.self)
                    let g = PickleAnalysis.Global(module: m, name: n)
                    note(g)
                    stack.append(.global(g))
                case 0x93:  // STACK_GLOBAL
                    let n = pop(), m = pop()
                    var g = PickleAnalysis.Global(module: "?", name: "?")
                    if case .str(let ms) = m, case .str(let ns) = n { g = PickleAnalysis.Global(module: ms, name: ns) }
                    note(g)
                    stack.append(.global(g))
                case 0x69:  // INST "module\nname\n", args to mark
                    let m = String(decoding: try line(), as: UTF8.self), n = String(decoding: try line(), as: UTF8.self)
                    let g = PickleAnalysis.Global(module: m, name: n)
                    note(g)
                    _ = popToMark()
                    a.called.insert(g)
                    stack.append(.result(g))
                case 0x6f:  // OBJ: class and args to mark
                    let items = popToMark()
                    stack.append(.result(items.first.flatMap(call)))
                case 0x52:  // REDUCE
                    _ = pop()
                    stack.append(.result(call(pop())))
                case 0x81:  // NEWOBJ
                    _ = pop()
                    stack.append(.result(call(pop())))
                case 0x92:  // NEWOBJ_EX
                    _ = pop(); _ = pop()
                    stack.append(.result(call(pop())))
                case 0x62:  // BUILD: calls __setstate__ of the object's class
                    _ = pop()
                    if case .result(let g?)? = stack.last { a.called.insert(g) }
                case 0x82, 0x83, 0x84:  // EXT1/2/4: copyreg extension registry
                    let code = try uint(op == 0x82 ? 1 : (op == 0x83 ? 2 : 4))
                    let g = PickleAnalysis.Global(module: "copyreg", name: "extension#\(code)")
                    note(g)
                    stack.append(.global(g))
                // Strings and bytes.
                case 0x53:  // STRING 'quoted'\n
                    let l = try line()
                    var s = String(decoding: l, as: UTF8.self)
                    if s.count >= 2, let f = s.first, f == "'" || f == "\"" { s = String(s.dropFirst().dropLast()) }
                    keep(s, at: off)
                    stack.append(.str(s))
                case 0x56:  // UNICODE raw-unicode-escape line
                    let s = String(decoding: try line(), as: UTF8.self)
                    keep(s, at: off)
                    stack.append(.str(s))
                case 0x54: stack.append(try text(try uint(4), at: off))  // BINSTRING
                case 0x55: stack.append(try text(UInt64(try r.u8()), at: off))  // SHORT_BINSTRING
                case 0x58: stack.append(try text(try uint(4), at: off))  // BINUNICODE
                case 0x8c: stack.append(try text(UInt64(try r.u8()), at: off))  // SHORT_BINUNICODE
                case 0x8d: stack.append(try text(try uint(8), at: off))  // BINUNICODE8
                case 0x42: try r.skip(try uint(4)); stack.append(.other)  // BINBYTES
                case 0x43: try r.skip(UInt64(try r.u8())); stack.append(.other)  // SHORT_BINBYTES
                case 0x8e, 0x96: try r.skip(try uint(8)); stack.append(.other)  // BINBYTES8, BYTEARRAY8
                // Numbers and constants.
                case 0x49, 0x4c, 0x46: _ = try line(); stack.append(.other)  // INT, LONG, FLOAT
                case 0x4a: try r.skip(4); stack.append(.other)  // BININT
                case 0x4b: try r.skip(1); stack.append(.other)  // BININT1
                case 0x4d: try r.skip(2); stack.append(.other)  // BININT2
                case 0x8a: try r.skip(UInt64(try r.u8())); stack.append(.other)  // LONG1
                case 0x8b: try r.skip(try uint(4)); stack.append(.other)  // LONG4
                case 0x47: try r.skip(8); stack.append(.other)  // BINFLOAT
                case 0x4e, 0x88, 0x89: stack.append(.other)  // NONE, NEWTRUE, NEWFALSE
                // Containers.
                case 0x7d, 0x5d, 0x29, 0x8f: stack.append(.other)  // EMPTY_DICT, EMPTY_LIST, EMPTY_TUPLE, EMPTY_SET
                case 0x28: stack.append(.mark)  // MARK
                case 0x74, 0x6c, 0x64, 0x91: _ = popToMark(); stack.append(.other)  // TUPLE, LIST, DICT, FROZENSET
                case 0x85: _ = pop(); stack.append(.other)  // TUPLE1
                case 0x86: _ = pop(); _ = pop(); stack.append(.other)  // TUPLE2
                case 0x87: _ = pop(); _ = pop(); _ = pop(); stack.append(.other)  // TUPLE3
                case 0x61: _ = pop()  // APPEND
                case 0x65, 0x75, 0x90: _ = popToMark()  // APPENDS, SETITEMS, ADDITEMS
                case 0x73: _ = pop(); _ = pop()  // SETITEM
                case 0x30: _ = pop()  // POP
                case 0x31: _ = popToMark()  // POP_MARK
                case 0x32: stack.append(stack.last ?? .other)  // DUP
                // Memo.
                case 0x70: guard let k = UInt64(String(decoding: try line(), as: UTF8.self)) else { throw FormatError("pickle", "bad PUT index") }; try memoPut(k)
                case 0x71: try memoPut(UInt64(try r.u8()))  // BINPUT
                case 0x72: try memoPut(try uint(4))  // LONG_BINPUT
                case 0x94: try memoPut(UInt64(memo.count))  // MEMOIZE
                case 0x67: guard let k = UInt64(String(decoding: try line(), as: UTF8.self)) else { throw FormatError("pickle", "bad GET index") }; stack.append(memo[k] ?? .other)
                case 0x68: stack.append(memo[UInt64(try r.u8())] ?? .other)  // BINGET
                case 0x6a: stack.append(memo[try uint(4)] ?? .other)  // LONG_BINGET
                // Persistent ids and out-of-band buffers.
                case 0x50: _ = try line(); stack.append(.other)  // PERSID
                case 0x51: _ = pop(); stack.append(.other)  // BINPERSID
                case 0x97: stack.append(.other)  // NEXT_BUFFER
                case 0x98: break  // READONLY_BUFFER
                default:
                    throw FormatError("pickle", "unknown opcode 0x\(String(op, radix: 16)) at offset \(off)")
                }
            }
        } catch let e as FormatError {
            a.problem = e.message.hasPrefix("truncated") ? "truncated pickle stream (\(e.message))" : e.message
            return false
        } catch {
            a.problem = "\(error)"
            return false
        }
    }
}
