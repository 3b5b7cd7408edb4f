import AIBOMFormats

/// Renders a scan report. One interface, three formats.
public protocol ScanReporter {
    func render(_ report: ScanReport) -> String
}

/// Text for people: one block per finding, location first.
public struct TextReporter: ScanReporter {
    public init() {}
    public func render(_ report: ScanReport) -> String {
        var s = ""
        for f in report.findings {
            var loc = f.location
            if let l = f.line { loc += ":\(l)" } else if let o = f.offset { loc += "@\(o)" }
            s += "\(f.severity.rawValue.uppercased()) \(f.ruleID) \(loc)\n"
            s += "  \(f.message)"
            if let r = f.revealed { s += ": \(r)" } else if let r = f.redacted { s += ": \(r)" }
            s += "\n  fingerprint \(f.fingerprint)\n"
        }
        let n = report.findings.count
        s += "\(n) finding\(n == 1 ? "" : "s") in \(report.filesScanned) file\(report.filesScanned == 1 ? "" : "s")\n"
        return s
    }
}

/// JSON for machines: `{findings: [...], filesScanned, bytesScanned, notes}`.
public struct JSONReporter: ScanReporter {
    public init() {}
    public static func finding(_ f: Finding) -> JSON {
        var o: [String: JSON] = [
            "category": .string(f.category.rawValue), "rule": .string(f.ruleID), "severity": .string(f.severity.rawValue),
            "message": .string(f.message), "file": .string(f.file), "location": .string(f.location),
            "fingerprint": .string(f.fingerprint),
        ]
        if let m = f.member { o["member"] = .string(m) }
        if let l = f.line { o["line"] = .int(l) }
        if let off = f.offset { o["offset"] = .int(off) }
        if let r = f.redacted { o["redacted"] = .string(r) }
        if let r = f.revealed { o["secret"] = .string(r) }
        if !f.globals.isEmpty { o["globals"] = .array(f.globals.map { .string($0) }) }
        return .object(o)
    }
    public func render(_ report: ScanReport) -> String {
        JSON.object([
            "findings": .array(report.findings.map(JSONReporter.finding)), "filesScanned": .int(report.filesScanned),
            "bytesScanned": .int(report.bytesScanned), "notes": .array(report.notes.map { .string($0) }),
        ]).serialized(pretty: true)
    }
}

/// SARIF 2.1.0 for code-scanning dashboards.
public struct SARIFReporter: ScanReporter {
    public let toolVersion: String
    public init(toolVersion: String) { self.toolVersion = toolVersion }

    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low: return "note"
        }
    }

    static func score(_ s: Severity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.0"
        case .low: return "2.0"
        }
    }

    public func render(_ report: ScanReport) -> String {
        let ruleIDs = Array(Set(report.findings.map(\.ruleID))).sorted()
        let rules: [JSON] = ruleIDs.map { id in
            let sev = report.findings.filter { $0.ruleID == id }.map(\.severity).max() ?? .medium
            return .object([
                "id": .string(id), "name": .string(id),
                "shortDescription": .object(["text": .string(ScanRuleCatalog.description(id))]),
                "defaultConfiguration": .object(["level": .string(SARIFReporter.level(sev))]),
                "properties": .object(["security-severity": .string(SARIFReporter.score(sev)),
                                       "tags": .array([.string("security")])]),
            ])
        }
        let results: [JSON] = report.findings.map { f in
            var region: [String: JSON] = [:]
            if let l = f.line { region["startLine"] = .int(l) } else if let o = f.offset { region["byteOffset"] = .int(o) }
            var physical: [String: JSON] = ["artifactLocation": .object(["uri": .string(f.file)])]
            if !region.isEmpty { physical["region"] = .object(region) }
            var msg = f.message
            if let m = f.member { msg += " (in \(m))" }
            if let r = f.redacted { msg += ": \(r)" }
            var props: [String: JSON] = ["severity": .string(f.severity.rawValue)]
            if let m = f.member { props["member"] = .string(m) }
            if !f.globals.isEmpty { props["globals"] = .array(f.globals.map { .string($0) }) }
            return .object([
                "ruleId": .string(f.ruleID), "ruleIndex": .int(ruleIDs.firstIndex(of: f.ruleID)!),
                "level": .string(SARIFReporter.level(f.severity)), "message": .object(["text": .string(msg)]),
                "locations": .array([.object(["physicalLocation": .object(physical)])]),
                "partialFingerprints": .object(["aibomFingerprint/v1": .string(f.fingerprint)]),
                "properties": .object(props),
            ])
        }
        return JSON.object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"), "version": .string("2.1.0"),
            "runs": .array([.object([
                "tool": .object(["driver": .object([
                    "name": .string("aibom"), "version": .string(toolVersion), "semanticVersion": .string(toolVersion),
                    "informationUri": .string("https://github.com/aibom/aibom"), "rules": .array(rules),
                ])]),
                "results": .array(results),
            ])]),
        ]).serialized(pretty: true)
    }
}
