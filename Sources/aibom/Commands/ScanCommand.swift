import AIBOMFormats
import AIBOMScan
import Foundation

/// `aibom scan`: secrets and unsafe serialization, by format, without executing anything.
enum ScanCommand: Command {
    static let spec = CommandSpec(
        name: "scan",
        summary: "Scan artifacts for exposed secrets and unsafe serialization (pickles that run code)",
        arguments: "PATH...",
        options: [
            .value("format", "f", "text|json|sarif", "Output format (default: text)"),
            .value("only", nil, "secrets|serialization", "Run one kind of check"),
            .value("baseline", "b", "FILE", "Do not report findings whose fingerprints are in FILE"),
            .value("write-baseline", nil, "FILE", "Write the fingerprints of all findings to FILE and exit 0"),
            .value("config", "c", "FILE", "Allowlist: {\"allow\": {\"paths\": [globs], \"rules\": [ids], \"fingerprints\": [...]}}"),
            .flag("reveal", nil, "Print secrets in clear (never in CI logs)"),
            .flag("follow-symlinks", nil, "Follow symlinks inside the given directories"),
            .flag("quiet", "q", "No notes on stderr"),
        ],
        discussion: """
        Reads each file the way its format is laid out: text (source, JSON/JSONL, CSV, YAML,
        TOML, .env, Markdown, prompts, notebooks), safetensors (JSON header only), GGUF
        (metadata strings), pickles (opcodes walked, never unpickled), zip (PyTorch .pt/.bin,
        .npz, .keras) and gzip, nested to depth 3 with bounded expansion, NumPy object arrays,
        Keras configs, SavedModel graphs; other binaries as printable runs. Secrets are
        redacted (a few characters, then …) and fingerprinted (SHA-256); a line containing
        `aibom:allow` is skipped. Exit 1 when anything is found.

        Examples:
          aibom scan samples/ models/
          aibom scan --format sarif --baseline .aibom-baseline.json . > aibom.sarif
        """,
        minPositionals: 1, maxPositionals: nil)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format(["text", "json", "sarif"])
        var options = ScanOptions()
        switch args.value("only") {
        case nil: break
        case "secrets"?: options.serialization = false
        case "serialization"?: options.secrets = false
        case let v?: throw UsageError(command: "scan", message: "--only must be secrets or serialization, not '\(v)'")
        }
        options.reveal = args.flag("reveal")
        options.followSymlinks = args.flag("follow-symlinks")
        let baseline = try args.value("baseline").map(Baseline.load)
        let allow = try args.value("config").map(ScanAllowlist.load)
        var report = try Scanner(options: options).scan(args.positionals)
        report.findings.removeAll { f in
            (baseline?.fingerprints.contains(f.fingerprint) ?? false) || (allow?.allows(f) ?? false)
        }
        if !args.flag("quiet") { for n in report.notes { console.note("note: \(n)") } }
        if let out = args.value("write-baseline") {
            let b = Baseline(fingerprints: Set(report.findings.map(\.fingerprint)).union(baseline?.fingerprints ?? []))
            try AtomicFile.write(b.json.serialized(pretty: true), to: out)
            console.note("wrote \(out) with \(b.fingerprints.count) fingerprints")
            return .success
        }
        let reporter: ScanReporter
        switch format {
        case "json": reporter = JSONReporter()
        case "sarif": reporter = SARIFReporter(toolVersion: version)
        default: reporter = TextReporter()
        }
        console.out(reporter.render(report), terminator: "")
        return report.findings.isEmpty ? .success : .checkFailed
    }
}
