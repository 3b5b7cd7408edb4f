import AIBOMModel
import AIBOMScan

/// Runs the scanners over every asset of a release and records the outcome in the release
/// (per asset: `scanFindings`, and one `scanFinding` line per finding, never the secret).
enum ReleaseScan {
    /// Scans each asset in place; returns every finding, with locations relative to the root.
    static func attach(_ release: inout Release, root: String) throws -> [Finding] {
        var all: [Finding] = []
        for i in release.assets.indices {
            let a = release.assets[i]
            let full = ReleaseBuilder.resolve(a.path, root: root)
            let report = try Scanner().scan([full])
            var findings = report.findings
            for j in findings.indices {
                // Name findings by asset path as the manifest gives it, not the machine's path.
                findings[j].file = a.path + findings[j].file.dropFirst(full.count)
            }
            release.assets[i].properties["scanFindings"] = String(findings.count)
            release.assets[i].properties["scan"] = findings.isEmpty ? "clean" : "findings"
            if !findings.isEmpty {
                release.assets[i].properties["scanFindingList"] = findings.map {
                    "\($0.severity.rawValue) \($0.ruleID) \($0.location) \($0.fingerprint.prefix(16))"
                }.joined(separator: "; ")
            }
            all += findings
        }
        return all
    }
}
