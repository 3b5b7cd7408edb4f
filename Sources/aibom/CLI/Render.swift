import AIBOMFormats
import AIBOMVerify

/// Renders verification results for people (text) and machines (JSON).
enum Render {
    static func check(_ c: CheckResult, _ console: Console) -> String {
        let mark: String
        switch c.passed {
        case true?: mark = console.styled("✔", .green)
        case false?: mark = console.styled("✘", .red)
        case nil: mark = console.styled("·", .dim)
        }
        var s = "  \(mark) \(c.name.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(c.summary)\n"
        for r in c.reasons { s += "      \(r)\n" }
        return s
    }

    static func checkJSON(_ c: CheckResult) -> JSON {
        .object([
            "name": .string(c.name.rawValue), "passed": c.passed.map { .bool($0) } ?? .null,
            "summary": .string(c.summary), "reasons": .array(c.reasons.map { .string($0) }),
        ])
    }

    static func issueJSON(_ i: AssetResult.FileIssue) -> JSON {
        .object([
            "path": .string(i.path), "status": .string(i.kind.rawValue),
            "expected": i.expected.map { .string($0) } ?? .null, "actual": i.actual.map { .string($0) } ?? .null,
        ])
    }

    static func verification(_ r: VerificationResult, envelope: String, console: Console) -> String {
        var s = "verify \(envelope)\(r.release.map { " (\($0))" } ?? "")\n"
        for c in r.checks { s += check(c, console) }
        if !r.assets.isEmpty {
            s += "  assets:\n"
            for a in r.assets {
                let style: Console.Style = a.status == .ok ? .green : (a.status == .unchecked ? .dim : .red)
                s += "    \(console.styled(a.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0), style)) \(a.name) (\(a.kind.rawValue), \(a.files) file\(a.files == 1 ? "" : "s"))\n"
                for i in a.issues.prefix(20) {
                    s += "               \(i.kind.rawValue): \(i.path)"
                    if let e = i.expected, let x = i.actual { s += " expected \(e.prefix(12))… actual \(x.prefix(12))…" }
                    s += "\n"
                }
                if a.issues.count > 20 { s += "               … \(a.issues.count - 20) more\n" }
                if let d = a.detail { s += "               \(d)\n" }
            }
        }
        s += r.passed ? console.styled("verification passed", .green) + "\n" : console.styled("verification FAILED", .red) + "\n"
        return s
    }

    static func verificationJSON(_ r: VerificationResult, envelope: String) -> JSON {
        .object([
            "envelope": .string(envelope), "release": r.release.map { .string($0) } ?? .null, "passed": .bool(r.passed),
            "checks": .array(r.checks.map(checkJSON)),
            "signers": .array(r.signers.map { s in
                .object(["keyid": .string(s.keyid), "name": s.name.map { .string($0) } ?? .null, "status": .string(s.status.rawValue),
                         "notAllowed": .array(s.notAllowed.map { .string($0) })])
            }),
            "assets": .array(r.assets.map { a in
                .object(["name": .string(a.name), "kind": .string(a.kind.rawValue), "status": .string(a.status.rawValue),
                         "files": .int(a.files), "issues": .array(a.issues.map(issueJSON)),
                         "detail": a.detail.map { .string($0) } ?? .null])
            }),
        ])
    }
}
