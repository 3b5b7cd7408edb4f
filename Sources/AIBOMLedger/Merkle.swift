/// The release ledger: an append-only log of verified release events kept as plain files,
/// with an RFC 6962 / RFC 9162 Merkle tree over the entries, inclusion and consistency proofs,
/// and C2SP tlog-checkpoints signed as C2SP signed notes (Ed25519), so existing witnesses and
/// monitors can read them. Appends are serialized by a file lock and crash-safe (write, fsync,
/// rename); the tree's node hashes are an index rebuilt from the entries when missing.
import AIBOMCrypto

/// RFC 9162 §2.1 hashing: leaves `SHA-256(0x00 || entry)`, nodes `SHA-256(0x01 || left || right)`.
public enum Merkle {
    public static let emptyRoot = SHA256.hash([UInt8]())

    public static func leafHash(_ entry: [UInt8]) -> [UInt8] { SHA256.hash([0x00] + entry) }

    public static func nodeHash(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] { SHA256.hash([0x01] + l + r) }

    /// The largest power of two smaller than `n` (n > 1).
    static func split(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH over leaves [a, b), using `subtree` for complete aligned power-of-two ranges.
    public static func root(_ a: UInt64, _ b: UInt64, subtree: (UInt64, UInt64) throws -> [UInt8]) rethrows -> [UInt8] {
        let n = b - a
        if n == 0 { return emptyRoot }
        if n & (n - 1) == 0 && a % n == 0 { return try subtree(a, b) }
        let k = split(n)
        return nodeHash(try root(a, a + k, subtree: subtree), try root(a + k, b, subtree: subtree))
    }

    /// RFC 9162 §2.1.3.1 inclusion proof of leaf `m` in the tree of the first `n` leaves.
    public static func inclusionProof(_ m: UInt64, _ n: UInt64, subtree: (UInt64, UInt64) throws -> [UInt8]) rethrows -> [[UInt8]] {
        func path(_ m: UInt64, _ a: UInt64, _ b: UInt64) throws -> [[UInt8]] {
            let n = b - a
            if n <= 1 { return [] }
            let k = split(n)
            if m < k { return try path(m, a, a + k) + [try root(a + k, b, subtree: subtree)] }
            return try path(m - k, a + k, b) + [try root(a, a + k, subtree: subtree)]
        }
        return try path(m, 0, n)
    }

    /// RFC 9162 §2.1.4.1 consistency proof between the trees of the first `m` and `n` leaves.
    public static func consistencyProof(_ m: UInt64, _ n: UInt64, subtree: (UInt64, UInt64) throws -> [UInt8]) rethrows -> [[UInt8]] {
        func sub(_ m: UInt64, _ a: UInt64, _ b: UInt64, _ complete: Bool) throws -> [[UInt8]] {
            let n = b - a
            if m == n { return complete ? [] : [try root(a, b, subtree: subtree)] }
            let k = split(n)
            if m <= k { return try sub(m, a, a + k, complete) + [try root(a + k, b, subtree: subtree)] }
            return try sub(m - k, a + k, b, false) + [try root(a, a + k, subtree: subtree)]
        }
        guard m > 0, m < n else { return [] }
        return try sub(m, 0, n, true)
    }

    /// RFC 9162 §2.1.3.2: verifies an inclusion proof.
    public static func verifyInclusion(leaf: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard index < size else { return false }
        var fn = index, sn = size - 1
        var r = leaf
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: verifies a consistency proof between two tree heads.
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]) -> Bool {
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        guard oldSize < newSize else { return false }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }  // a power of two: the old root starts the path
        guard !path.isEmpty else { return false }
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 { while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 } }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}
