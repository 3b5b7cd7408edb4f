import AIBOMDigest
import AIBOMFormats
import AIBOMModel
import AIBOMScan
import Foundation

/// A build stopped because the scan found something: a failed check (exit 1), not bad input.
struct BuildRefused: Error, CustomStringConvertible {
    let count: Int
    var description: String {
        "the release has \(count) scan finding\(count == 1 ? "" : "s") (listed above); fix them, or pass --allow-findings to record them in the BOM"
    }
}

/// `aibom build`: the release's CycloneDX 1.6 BOM from a manifest and the files on disk.
enum BuildCommand: Command {
    static let spec = CommandSpec(
        name: "build",
        summary: "Build the CycloneDX 1.6 AI-BOM of a release from its manifest",
        arguments: "",
        options: [
            .value("manifest", "m", "FILE", "Release manifest (JSON; see README)"),
            .value("root", nil, "DIR", "Resolve asset paths against DIR (default: the manifest's directory)"),
            .value("out", "o", "FILE", "Write the BOM to FILE atomically (default: stdout)"),
            .value("serial", nil, "URN", "Serial number (urn:uuid:...; default: random)"),
            .value("jobs", "j", "N", "Hashing threads (default: number of cores)"),
            .flag("follow-symlinks", nil, "Follow symlinks that stay inside an asset"),
            .flag("allow-findings", nil, "Write the BOM even if the scan finds secrets or unsafe serialization"),
            .flag("unsafe-skip-scan", nil, "Do not scan the assets (the BOM records that it was not scanned)"),
            .flag("quiet", "q", "No warnings or progress on stderr"),
        ],
        discussion: """
        Every asset is scanned for secrets and unsafe serialization (as `aibom scan` does); a
        release with findings is refused (exit 1) unless --allow-findings is given, which
        records them in the BOM for the policy to judge at deploy.

        Every asset is walked and every file hashed (in one parallel run); files are read by
        content (safetensors and GGUF headers, config.json, model card front matter, PEFT
        adapter configs, FAISS headers, Parquet footers, JSONL/CSV record counts). What the
        manifest leaves out (kinds, licenses, relations) is inferred where the files say it.
        The timestamp is SOURCE_DATE_EPOCH when set, so with --serial the output is
        byte-identical for the same inputs.

        Example:
          aibom build --manifest manifests/release-1.0.json --out release.cdx.json
        """,
        minPositionals: 0, maxPositionals: 0)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let manifestPath = try args.required("manifest")
        let manifest = try ReleaseManifest.load(manifestPath)
        let root = args.value("root") ?? ((manifestPath as NSString).deletingLastPathComponent.isEmpty ? "."
            : (manifestPath as NSString).deletingLastPathComponent)
        let serial = args.value("serial") ?? CycloneDX.randomSerial()
        guard CycloneDX.isValidSerial(serial) else {
            throw UsageError(command: "build", message: "--serial must be a urn:uuid: with a version-4-style UUID in lowercase, not '\(serial)'")
        }
        let timestamp = try sourceDate()
        let builder = ReleaseBuilder(hashOptions: HashOptions(jobs: try args.int("jobs", in: 1...DigestLimits.maxJobs)),
                                     followSymlinks: args.flag("follow-symlinks"))
        let plans = try builder.plan(manifest, root: root)
        let total = plans.reduce(UInt64(0)) { $0 + $1.1.files.reduce(0) { $0 + $1.size } }
        let progress = HashProgress(total: total)
        let line = ProgressLine(console: console, label: "hashing", total: total) { progress.completed }
        var release: Release
        do {
            release = try builder.build(manifest, root: root, plans: plans, progress: progress)
            line.finish()
        } catch {
            line.finish()
            throw error
        }
        for a in release.assets { for w in a.warnings where !args.flag("quiet") { console.warn("\(a.name): \(w)") } }
        var releaseProperties: [(String, String)] = []
        if args.flag("unsafe-skip-scan") {
            releaseProperties.append(("scan", "skipped"))
        } else {
            let findings = try ReleaseScan.attach(&release, root: root)
            releaseProperties.append(("scan", findings.isEmpty ? "clean" : "findings"))
            releaseProperties.append(("scanFindings", String(findings.count)))
            if !findings.isEmpty {
                console.err(TextReporter().render({ var r = ScanReport(); r.findings = findings; r.filesScanned = release.assets.reduce(0) { $0 + $1.files.count }; return r }()))
                guard args.flag("allow-findings") else {
                    throw BuildRefused(count: findings.count)
                }
                console.warn("\(findings.count) finding\(findings.count == 1 ? "" : "s") recorded in the BOM (--allow-findings); a policy without allowFindings refuses this release at deploy")
            }
        }
        var options = CycloneDX.Options(timestamp: timestamp, serialNumber: serial, toolVersion: version)
        options.releaseProperties = releaseProperties
        let bom = CycloneDX.encode(release, options: options)
        let text = bom.serialized(pretty: true)
        if let out = args.value("out") {
            try AtomicFile.write(text, to: out)
            console.note("wrote \(out): \(release.assets.count) assets, \(release.assets.reduce(0) { $0 + $1.files.count }) files, \(ByteCount.format(total))")
        } else {
            console.out(text, terminator: "")
        }
        return .success
    }

    /// SOURCE_DATE_EPOCH (reproducible builds spec) or now.
    static func sourceDate() throws -> Date {
        guard let s = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], !s.isEmpty else {
            return Date(timeIntervalSince1970: Double(Int(Date().timeIntervalSince1970)))
        }
        guard let n = Int64(s), n >= 0 else {
            throw UsageError(command: "build", message: "SOURCE_DATE_EPOCH must be a non-negative integer, not '\(s)'")
        }
        return Date(timeIntervalSince1970: Double(n))
    }
}
