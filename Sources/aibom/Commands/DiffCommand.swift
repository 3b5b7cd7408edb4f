import AIBOMAttestation
import AIBOMDiff
import AIBOMFormats
import AIBOMModel
import Dispatch
import Foundation

/// Results of loading the two sides concurrently.
final class SideSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<DiffSide, Error>?] = [nil, nil]
    func set(_ k: Int, _ r: Result<DiffSide, Error>) { lock.lock(); slots[k] = r; lock.unlock() }
    func get(_ k: Int) throws -> DiffSide { lock.lock(); defer { lock.unlock() }; return try slots[k]!.get() }
}

/// `aibom diff OLD NEW`: what changed between two releases, with a gate for pipelines.
enum DiffCommand: Command {
    static let spec = CommandSpec(
        name: "diff",
        summary: "Show what changed between two releases (BOMs, attestations or manifests)",
        arguments: "OLD NEW",
        options: [
            .value("format", "f", "text|json|markdown", "Output format (default: text)"),
            .value("fail-on", nil, "LIST", "Exit 1 if any change of these kinds is present (comma-separated; see below)"),
            .flag("quiet", "q", "No warnings while building from manifests"),
        ],
        discussion: """
        Each side is a CycloneDX BOM, a signed attestation (its BOM is read from the payload;
        signers are compared too), a release manifest, or a directory holding release.json,
        manifest.json or aibom.json (built on the fly, scan included).

        Reports assets added, removed, changed (by content digest), renamed or moved (same
        digest); files added, removed, changed or moved inside directory assets; tensors added,
        removed or reshaped in safetensors and GGUF weights (from headers); metadata that
        matters (license, base model, datasets, quantization, parameter and record counts,
        adapter rank and targets, index dimension and count); relations; new scan findings;
        signers.

        --fail-on categories: \(FailOn.categories.keys.sorted().joined(separator: ", ")).

        Examples:
          aibom diff release-1.0.cdx.json release-1.1.cdx.json
          aibom diff --format markdown --fail-on weights,license,new-findings old.intoto.json new.intoto.json
        """,
        minPositionals: 2, maxPositionals: 2)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format(["text", "json", "markdown"])
        var gate = Set<String>()
        if let list = args.value("fail-on") {
            gate = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            if let bad = gate.sorted().first(where: { FailOn.categories[$0] == nil }) {
                throw UsageError(command: "diff", message: "--fail-on: unknown category '\(bad)' (known: \(FailOn.categories.keys.sorted().joined(separator: ", ")))")
            }
        }
        // The two sides are independent: read them at once.
        let sides = SideSlots()
        let paths = args.positionals, quiet = args.flag("quiet")
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            sides.set(k, Result { try loadSide(paths[k], console: console, quiet: quiet) })
        }
        let old = try sides.get(0), new = try sides.get(1)
        let changes = ReleaseDiff.compute(old, new)
        switch format {
        case "json": console.json(DiffRenderer.json(changes, old: old.label, new: new.label))
        case "markdown": console.out(DiffRenderer.markdown(changes, old: old.label, new: new.label), terminator: "")
        default: console.out(DiffRenderer.text(changes, old: old.label, new: new.label, color: console.color), terminator: "")
        }
        let hits = changes.filter { !$0.categories.isDisjoint(with: gate) }
        if !hits.isEmpty {
            let cats = Set(hits.flatMap(\.categories)).intersection(gate).sorted().joined(separator: ", ")
            console.err("aibom: diff gate: \(hits.count) change\(hits.count == 1 ? "" : "s") in --fail-on categories (\(cats))")
            return .checkFailed
        }
        return .success
    }

    /// Reads one side: BOM, attestation, manifest, or a directory with a manifest.
    static func loadSide(_ path: String, console: Console, quiet: Bool) throws -> DiffSide {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw UsageError(command: "diff", message: "\(path): no such file or directory")
        }
        if isDir.boolValue {
            for name in ["release.json", "manifest.json", "aibom.json"] {
                let m = (path as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: m) { return try fromManifest(m, console: console, quiet: quiet) }
            }
            throw UsageError(command: "diff", message: "\(path): a directory side needs release.json, manifest.json or aibom.json")
        }
        let bytes = try BoundedFile.read(path, limit: 256 << 20)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw ModelError.bom(path: path, message: "not valid JSON: \(error)") }
        if json["bomFormat"] != nil {
            let release = try CycloneDX.decode(json, source: path)
            return DiffSide(release: release, signers: nil, label: "\(release.name) \(release.version)")
        }
        if json["payloadType"] != nil {
            let env: Envelope
            let release: Release
            do {
                env = try Envelope.parse(json)
                (_, release) = try ReleaseAttestation.open(env)
            } catch let e as EnvelopeError {
                throw ModelError.bom(path: path, message: e.message)
            }
            return DiffSide(release: release, signers: env.signatures.map(\.keyid), label: "\(release.name) \(release.version)")
        }
        if json["release"] != nil && json["assets"] != nil { return try fromManifest(path, console: console, quiet: quiet) }
        throw UsageError(command: "diff", message: "\(path): not a CycloneDX BOM, an attestation or a release manifest")
    }

    static func fromManifest(_ path: String, console: Console, quiet: Bool) throws -> DiffSide {
        let manifest = try ReleaseManifest.load(path)
        let dir = (path as NSString).deletingLastPathComponent
        let root = dir.isEmpty ? "." : dir
        var release = try ReleaseBuilder().build(manifest, root: root)
        _ = try ReleaseScan.attach(&release, root: root)
        if !quiet { for a in release.assets { for w in a.warnings { console.warn("\(a.name): \(w)") } } }
        return DiffSide(release: release, signers: nil, label: "\(release.name) \(release.version)")
    }
}
