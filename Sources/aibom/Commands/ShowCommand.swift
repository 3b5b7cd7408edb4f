import AIBOMFormats
import AIBOMModel
import Foundation

/// `aibom show BOM`: a readable summary of a BOM.
enum ShowCommand: Command {
    static let spec = CommandSpec(
        name: "show",
        summary: "Summarise a BOM: assets with kind, size, digest, relations and key facts",
        arguments: "BOM",
        options: [.format, .flag("files", nil, "List every file of every asset")],
        discussion: "Example:\n  aibom show release.cdx.json",
        minPositionals: 1, maxPositionals: 1)

    static let keyFacts = ["parameterCount", "tensorCount", "dtypes", "quantization", "architecture", "contextLength",
                           "peftType", "adapterBaseModel", "loraRank", "loraAlpha", "targetModules", "recordCount",
                           "indexEngine", "dimension", "vectorCount", "serialization", "formats", "chatTemplates"]

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let (json, release) = try CycloneDX.load(args.positionals[0])
        if format == "json" {
            console.json(.object([
                "release": .object(["name": .string(release.name), "version": .string(release.version)]),
                "serialNumber": json["serialNumber"] ?? .null, "timestamp": json["metadata"]?["timestamp"] ?? .null,
                "assets": .array(release.assets.map { a in
                    .object([
                        "name": .string(a.name), "kind": .string(a.kind.rawValue), "path": .string(a.path),
                        "size": .int(a.size), "files": .int(a.files.count), "sha256": .string(a.digest.hex),
                        "license": a.license.map { .string($0) } ?? .null,
                        "relations": .array(a.relations.map { .object(["type": .string($0.type.rawValue), "target": .string($0.target)]) }),
                        "properties": .object(a.properties.mapValues { .string($0) }),
                    ])
                }),
            ]))
            return .success
        }
        var s = console.styled("\(release.name) \(release.version)", .bold)
        if let sup = release.supplier { s += " by \(sup)" }
        s += "\n  \(release.assets.count) assets, \(ByteCount.format(release.assets.reduce(0) { $0 + $1.size })), "
        s += "built \(json["metadata"]?["timestamp"]?.stringValue ?? "?"), serial \(json["serialNumber"]?.stringValue ?? "?")\n"
        for (i, a) in release.assets.enumerated() {
            let last = i == release.assets.count - 1
            let branch = last ? "└─ " : "├─ "
            let pad = last ? "   " : "│  "
            s += "\(branch)\(console.styled(a.name, .bold)) [\(a.kind.rawValue)] \(ByteCount.format(a.size)), "
            s += "\(a.files.count) file\(a.files.count == 1 ? "" : "s"), sha256:\(a.digest.hex.prefix(12))…"
            if let l = a.license { s += ", license \(l)" }
            s += "\n"
            for r in a.relations { s += "\(pad)  \(r.type.rawValue) → \(r.target)\n" }
            for k in keyFacts { if let v = a.properties[k] { s += "\(pad)  \(k): \(v)\n" } }
            if let t = a.task { s += "\(pad)  task: \(t)\n" }
            if let m = a.modelArchitecture { s += "\(pad)  architecture: \(m)\n" }
            for w in a.warnings { s += "\(pad)  " + console.styled("warning: \(w)", .yellow) + "\n" }
            if args.flag("files") {
                for f in a.files { s += "\(pad)  \(f.sha256.hex.prefix(12))…  \(ByteCount.format(f.size))  \(f.path)\n" }
            }
        }
        console.out(s, terminator: "")
        return .success
    }
}
