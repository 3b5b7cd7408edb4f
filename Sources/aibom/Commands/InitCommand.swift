import AIBOMFormats
import AIBOMModel
import Foundation

/// `aibom init DIR`: a starting manifest from what aibom recognises in a directory.
enum InitCommand: Command {
    static let spec = CommandSpec(
        name: "init",
        summary: "Write a starting release manifest from the assets found in a directory",
        arguments: "DIR",
        options: [
            .value("out", "o", "FILE", "Write the manifest to FILE (never overwritten; default: stdout)"),
            .value("name", nil, "NAME", "Release name (default: the directory's name)"),
        ],
        discussion: """
        One asset per model, adapter, dataset, prompt or index recognised by content. Asset
        paths are relative to the output file's directory (or the current directory). Edit
        the result: set the version, supplier, licenses and relations the files don't state.
        """,
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let dir = args.positionals[0]
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw UsageError(command: "init", message: "\(dir): not a directory")
        }
        let out = args.value("out")
        let base = out.map { ($0 as NSString).deletingLastPathComponent } ?? "."
        let manifest = try Discovery.manifest(for: dir, relativeTo: base.isEmpty ? "." : base, name: args.value("name"))
        guard !manifest.assets.isEmpty else {
            throw UsageError(command: "init", message: "\(dir): no models, adapters, datasets, prompts or indexes found")
        }
        let text = manifest.json.serialized(pretty: true)
        if let out {
            try AtomicFile.write(text, to: out, overwrite: false)
            console.note("wrote \(out) with \(manifest.assets.count) assets; review kinds, licenses and relations")
        } else {
            console.out(text, terminator: "")
        }
        return .success
    }
}
