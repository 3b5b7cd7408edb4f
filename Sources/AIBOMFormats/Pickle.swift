/// Python pickle streams: recognised here by their opening bytes only (the PROTO opcode with a
/// known protocol, or the first opcode of a protocol 0/1 stream that builds a dict or list). Full
/// static analysis lives with the serialization scanner.
public enum Pickle {
    public static func sniff(_ head: [UInt8]) -> Bool {
        guard let first = head.first else { return false }
        if first == 0x80, head.count >= 2, head[1] <= 5 { return true }
        // MARK then a string, global or container opcode: protocol 0/1 (INST, OBJ, tuples).
        if first == UInt8(ascii: "("), head.count >= 2,
           [UInt8(ascii: "c"), UInt8(ascii: "S"), UInt8(ascii: "V"), UInt8(ascii: "X"), UInt8(ascii: "U"), UInt8(ascii: "I"),
            UInt8(ascii: "("), UInt8(ascii: "d"), UInt8(ascii: "l"), UInt8(ascii: "t"), UInt8(ascii: "N"), 0x8c].contains(head[1]) {
            return true
        }
        // Legacy PyTorch files start with a pickled magic number (protocol 2: 0x80 0x02 0x8a 0x0a ...),
        // covered above. Protocol 0/1 streams commonly open with '(' MARK, '}' EMPTY_DICT or ']' EMPTY_LIST
        // followed by another opcode; require a plausible second byte to avoid matching text.
        if head.count >= 2, first == UInt8(ascii: "}") || first == UInt8(ascii: "]") {
            return [UInt8(ascii: "q"), UInt8(ascii: "("), UInt8(ascii: "."), 0x94].contains(head[1])
        }
        if first == UInt8(ascii: "c"), let nl = head.firstIndex(of: 0x0a), nl > 1, nl < 40 {
            // GLOBAL opcode: "cmodule\nname\n".
            return head[1..<nl].allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || ($0 >= 0x30 && $0 < 0x7f && $0 != 0x20) }
        }
        return false
    }
}
