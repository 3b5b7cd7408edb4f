import Foundation

/// A secret found in a buffer, before it becomes a `Finding`.
public struct SecretMatch: Sendable, Equatable {
    public let ruleID: String
    public let secret: String
    /// Byte offset of the start of the match's line in the buffer.
    public let offset: Int
    /// 1-based line number within the buffer.
    public let line: Int
}

/// Finds secrets in bytes in two steps: one pass over the bytes looks for every rule's literal
/// keywords at once (a 2-byte prefix filter, then a 3-byte prefix bitmap, then the keyword), and
/// only the lines around those spots are confirmed with the rule's regular expression, the
/// entropy gate and the false-positive filters. No rule's expression ever runs over the whole
/// buffer.
public struct SecretMatcher: Sendable {
    public let rules: [SecretRule]
    /// 2-byte prefixes (8 KiB, stays in L1), checked before the 3-byte bitmap (2 MiB).
    private let pairBits: [UInt64]
    private let prefixBits: [UInt64]
    private let byPrefix: [UInt32: [(keyword: [UInt8], rules: [Int], named: [Bool])]]

    public init(rules: [SecretRule] = SecretRules.all) {
        self.rules = rules
        var bits = [UInt64](repeating: 0, count: (1 << 24) / 64)
        var pairs = [UInt64](repeating: 0, count: (1 << 16) / 64)
        var table: [UInt32: [(keyword: [UInt8], rules: [Int], named: [Bool])]] = [:]
        var byKeyword: [[UInt8]: [(Int, Bool)]] = [:]
        for (i, r) in rules.enumerated() {
            for k in r.keywords { byKeyword[Array(k.lowercased().utf8), default: []].append((i, r.namedKeywords.contains(k))) }
        }
        for (k, entries) in byKeyword {
            precondition(k.count >= 3, "keywords are at least 3 bytes")
            let p = UInt32(k[0]) << 16 | UInt32(k[1]) << 8 | UInt32(k[2])
            bits[Int(p >> 6)] |= 1 << UInt64(p & 63)
            let q = UInt32(k[0]) << 8 | UInt32(k[1])
            pairs[Int(q >> 6)] |= 1 << UInt64(q & 63)
            table[p, default: []].append((k, entries.map(\.0), entries.map(\.1)))
        }
        pairBits = pairs
        prefixBits = bits
        byPrefix = table
    }

    private static let lower: [UInt8] = (0..<256).map { (c: Int) -> UInt8 in
        let b = UInt8(c)
        return b >= 65 && b <= 90 ? b + 32 : b
    }

    /// Scans `bytes`; `lineBase` is the line number of the buffer's first line minus one.
    public func scan(_ bytes: [UInt8], lineBase: Int = 0) -> [SecretMatch] {
        // Step 1: candidate (rule, line start, line end) triples.
        var candidates: [(rule: Int, start: Int, end: Int)] = []
        var seen = Set<Int64>()
        let n = bytes.count
        guard n >= 3 else { return [] }
        bytes.withUnsafeBufferPointer { b in
          SecretMatcher.lower.withUnsafeBufferPointer { lower in
              pairBits.withUnsafeBufferPointer { pairs in
                prefixBits.withUnsafeBufferPointer { bits in
                    // One table lookup and one bit test per byte: the lowercased byte pair is
                    // rolled forward, and only pairs that start a keyword go further.
                    var i = 0
                    var c0 = lower[Int(b[0])]
                    while i < n - 2 {
                        let c1 = lower[Int(b[i + 1])]
                        let q = UInt32(c0) << 8 | UInt32(c1)
                        if pairs[Int(q >> 6)] & (1 << UInt64(q & 63)) == 0 { c0 = c1; i += 1; continue }
                        c0 = c1
                        let p = q << 8 | UInt32(lower[Int(b[i + 2])])
                        if bits[Int(p >> 6)] & (1 << UInt64(p & 63)) == 0 { i += 1; continue }
                        for (kw, rs, named) in byPrefix[p] ?? [] where i + kw.count <= n {
                            var ok = true
                            for j in 3..<kw.count where lower[Int(b[i + j])] != kw[j] { ok = false; break }
                            guard ok else { continue }
                            let assigned = named.contains(true) ? SecretMatcher.assignmentFollows(b, i + kw.count) : false
                            var lb: (Int, Int)? = nil
                            for (r, isNamed) in zip(rs, named) where !isNamed || assigned {
                                let (s, e) = lb ?? lineBounds(b, i)
                                lb = (s, e)
                                if seen.insert(Int64(r) << 40 | Int64(s)).inserted { candidates.append((r, s, e)) }
                            }
                        }
                        i += 1
                    }
                }
              }
          }
        }
        guard !candidates.isEmpty else { return [] }
        // Step 2: confirm each candidate line with its rule.
        candidates.sort { ($0.start, $0.rule) < ($1.start, $1.rule) }
        var out: [SecretMatch] = []
        var lineNo = lineBase + 1
        var counted = 0
        for c in candidates {
            // Line numbers, counted once up to each candidate.
            bytes.withUnsafeBufferPointer { b in
                while counted < c.start { if b[counted] == 0x0a { lineNo += 1 }; counted += 1 }
            }
            let text = String(decoding: bytes[c.start..<c.end], as: UTF8.self)
            if text.contains("aibom:allow") { continue }
            let rule = rules[c.rule]
            let ns = text as NSString
            for m in rule.regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                var secret: String? = nil
                if rule.secretGroup >= 0 {
                    let r = m.range(at: rule.secretGroup)
                    if r.location != NSNotFound { secret = ns.substring(with: r) }
                } else {
                    for g in 1..<m.numberOfRanges where m.range(at: g).location != NSNotFound {
                        secret = ns.substring(with: m.range(at: g))
                        break
                    }
                }
                guard let s = secret, !SecretFilters.isFalsePositive(s, rule: rule, line: text) else { continue }
                out.append(SecretMatch(ruleID: rule.id, secret: s, offset: c.start, line: lineNo))
            }
        }
        // A provider rule's match makes the generic rule's match of the same secret redundant.
        let specific = out.filter { $0.ruleID != "generic-secret" }
        return out.filter { m in
            m.ruleID != "generic-secret" || !specific.contains { $0.offset == m.offset && (m.secret.contains($0.secret) || $0.secret.contains(m.secret)) }
        }
    }

    /// True if, after a key name ending at `j`, the rest of the identifier, an optional quote,
    /// spaces, `:` or `=`, spaces or a quote, then at least 8 value characters follow.
    static func assignmentFollows(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var j = start
        let n = b.count
        func ident(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f || c == 0x2e || c == 0x2d
        }
        var steps = 0
        while j < n, ident(b[j]), steps < 64 { j += 1; steps += 1 }
        if j < n, b[j] == 0x22 || b[j] == 0x27 { j += 1 }
        while j < n, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
        guard j < n, b[j] == 0x3a || b[j] == 0x3d else { return false }
        j += 1
        if j < n, b[j] == 0x3d || b[j] == 0x3e { j += 1 }  // := or =>
        while j < n, b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x22 || b[j] == 0x27 { j += 1 }
        var value = 0
        while j < n, value < 8, b[j] > 0x20, b[j] != 0x22, b[j] != 0x27 { j += 1; value += 1 }
        return value >= 8
    }

    /// The line around position `i`, capped at 2 KiB each side.
    private func lineBounds(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Int, Int) {
        var s = i
        let minS = max(0, i - 2048)
        while s > minS && b[s - 1] != 0x0a { s -= 1 }
        var e = i
        let maxE = min(b.count, i + 2048)
        while e < maxE && b[e] != 0x0a { e += 1 }
        return (s, e)
    }
}

/// What is not a secret: placeholders and documentation examples, environment lookups, digests,
/// UUIDs, variable names, low-entropy strings.
public enum SecretFilters {
    static let placeholders = ["example", "xxxx", "your", "<", ">", "${", "{{", "...", "…", "****", "changeme", "change_me",
                               "placeholder", "dummy", "redacted", "sample", "insert", "replace", "fake", "0000000000",
                               "abcdef123", "1234567890abc"]
    static let envLookups = ["os.environ", "os.getenv", "getenv(", "process.env", "env(", "env[", "environ[", "$", "%(",
                             "secrets.", "vault:", "var.", "config."]

    public static func isFalsePositive(_ s: String, rule: SecretRule, line: String) -> Bool {
        let lower = s.lowercased()
        if placeholders.contains(where: { lower.contains($0) }) { return true }
        if Set(s).count <= 3 { return true }
        if rule.minEntropy > 0 && entropy(s) < rule.minEntropy { return true }
        if rule.id == "generic-secret" {
            if envLookups.contains(where: { lower.hasPrefix($0) }) { return true }
            let hexLengths: Set<Int> = [32, 40, 56, 64, 96, 128]
            if hexLengths.contains(s.count) && s.allSatisfy(\.isHexDigit) { return true }  // digests, git ids
            if s.range(of: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", options: .regularExpression) != nil {
                return true  // UUIDs
            }
            if s.range(of: "^[A-Za-z_][A-Za-z_.]*$", options: .regularExpression) != nil { return true }  // identifiers
            if s.hasPrefix("http://") || s.hasPrefix("https://") || s.hasPrefix("/") || s.hasPrefix("./") { return true }
            if s.hasPrefix("sha256:") || s.hasPrefix("sha512:") { return true }
            let l = line.lowercased()
            if l.contains("public key") || l.contains("public_key") || l.contains("publickey") || l.contains("token_id")
                || l.contains("tokenizer") || l.contains("max_tokens") || l.contains("_token\": \"<") || l.contains("pad_token")
                || l.contains("eos_token") || l.contains("bos_token") || l.contains("unk_token") {
                return true
            }
        }
        return false
    }

    /// Shannon entropy in bits per character.
    public static func entropy(_ s: String) -> Double {
        var counts: [Character: Int] = [:]
        for c in s { counts[c, default: 0] += 1 }
        let n = Double(s.count)
        return counts.values.reduce(0.0) { acc, c in
            let p = Double(c) / n
            return acc - p * log2(p)
        }
    }
}
