import AIBOMFormats

/// Renders a list of changes for people (text), machines (JSON) and release notes (Markdown).
public enum DiffRenderer {
    static func describe(_ c: Change) -> (what: String, detail: String) {
        let a = c.asset ?? ""
        func short(_ s: String?) -> String {
            guard let s else { return "none" }
            return s.count == 64 && s.allSatisfy(\.isHexDigit) ? String(s.prefix(12)) + "…" : s
        }
        switch c.kind {
        case .assetAdded: return ("+ asset", "\(a) (\(c.subject ?? ""))")
        case .assetRemoved: return ("- asset", "\(a) (\(c.subject ?? ""))")
        case .assetChanged: return ("~ asset", "\(a): content \(short(c.old)) → \(short(c.new))")
        case .assetRenamed: return ("~ renamed", "\(c.old ?? "") → \(c.new ?? "") (same content)")
        case .assetMoved: return ("~ moved", "\(a): \(c.old ?? "") → \(c.new ?? "") (same content)")
        case .fileAdded: return ("+ file", "\(a)/\(c.subject ?? "")")
        case .fileRemoved: return ("- file", "\(a)/\(c.subject ?? "")")
        case .fileChanged: return ("~ file", "\(a)/\(c.subject ?? ""): \(short(c.old)) → \(short(c.new))")
        case .fileMoved: return ("~ file", "\(a): \(c.old ?? "") → \(c.new ?? "") (same content)")
        case .tensorAdded: return ("+ tensor", "\(a) \(c.subject ?? "") \(c.new ?? "")")
        case .tensorRemoved: return ("- tensor", "\(a) \(c.subject ?? "") \(c.old ?? "")")
        case .tensorChanged: return ("~ tensor", "\(a) \(c.subject ?? ""): \(c.old ?? "") → \(c.new ?? "")")
        case .metadata: return ("~ \(c.subject ?? "metadata")", "\(a.isEmpty ? "" : a + ": ")\(short(c.old)) → \(short(c.new))")
        case .relationAdded: return ("+ relation", "\(a) \(c.subject ?? "") → \(c.new ?? "")")
        case .relationRemoved: return ("- relation", "\(a) \(c.subject ?? "") → \(c.old ?? "")")
        case .findingsAdded: return ("! findings", "\(a): new \(c.new ?? "")")
        case .findingsResolved: return ("~ findings", "\(a): resolved \(c.old ?? "")")
        case .signerAdded: return ("+ signer", c.new ?? "")
        case .signerRemoved: return ("- signer", c.old ?? "")
        case .releaseVersion: return ("~ release", "\(c.old ?? "") → \(c.new ?? "")")
        }
    }

    /// Aligned text; `color` wraps added, removed and changed lines in ANSI colours.
    public static func text(_ changes: [Change], old: String, new: String, color: Bool) -> String {
        var s = "diff \(old) → \(new): \(changes.count) change\(changes.count == 1 ? "" : "s")\n"
        let rows = changes.map(describe)
        let width = min(14, rows.map(\.what.count).max() ?? 0)
        for (c, r) in zip(changes, rows) {
            var line = "  " + r.what.padding(toLength: max(width, r.what.count), withPad: " ", startingAt: 0) + "  " + r.detail
            if color {
                let code = r.what.hasPrefix("+") ? "32" : (r.what.hasPrefix("-") ? "31" : (c.kind == .findingsAdded ? "1;31" : "33"))
                line = "\u{1b}[\(code)m\(line)\u{1b}[0m"
            }
            s += line + "\n"
        }
        return s
    }

    /// The stable JSON schema: `{old, new, summary: {kind: count}, changes: [{kind, asset, subject, old, new, categories}]}`.
    public static func json(_ changes: [Change], old: String, new: String) -> JSON {
        var summary: [String: JSON] = [:]
        for k in Change.Kind.allCases {
            let n = changes.filter { $0.kind == k }.count
            if n > 0 { summary[k.rawValue] = .int(n) }
        }
        return .object([
            "old": .string(old), "new": .string(new), "summary": .object(summary), "count": .int(changes.count),
            "changes": .array(changes.map { c in
                .object([
                    "kind": .string(c.kind.rawValue), "asset": c.asset.map { .string($0) } ?? .null,
                    "subject": c.subject.map { .string($0) } ?? .null, "old": c.old.map { .string($0) } ?? .null,
                    "new": c.new.map { .string($0) } ?? .null, "categories": .array(c.categories.sorted().map { .string($0) }),
                ])
            }),
        ])
    }

    /// Markdown for release notes and pull-request comments.
    public static func markdown(_ changes: [Change], old: String, new: String) -> String {
        var s = "### Release diff: `\(old)` → `\(new)`\n\n"
        if changes.isEmpty { return s + "No changes.\n" }
        let groups: [(String, (Change) -> Bool)] = [
            ("Assets", { [.assetAdded, .assetRemoved, .assetChanged, .assetRenamed, .assetMoved].contains($0.kind) }),
            ("Files", { [.fileAdded, .fileRemoved, .fileChanged, .fileMoved].contains($0.kind) }),
            ("Tensors", { [.tensorAdded, .tensorRemoved, .tensorChanged].contains($0.kind) }),
            ("Metadata and relations", { [.metadata, .relationAdded, .relationRemoved, .releaseVersion].contains($0.kind) }),
            ("Scan", { [.findingsAdded, .findingsResolved].contains($0.kind) }),
            ("Signers", { [.signerAdded, .signerRemoved].contains($0.kind) }),
        ]
        for (title, pick) in groups {
            let rows = changes.filter(pick)
            guard !rows.isEmpty else { continue }
            s += "**\(title)** (\(rows.count))\n\n| change | detail |\n|---|---|\n"
            for c in rows.prefix(200) {
                let d = describe(c)
                s += "| \(d.what) | \(d.detail.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
            if rows.count > 200 { s += "| … | \(rows.count - 200) more |\n" }
            s += "\n"
        }
        return s
    }
}
