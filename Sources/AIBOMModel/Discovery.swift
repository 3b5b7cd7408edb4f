import AIBOMDigest
import AIBOMFormats
import Foundation

/// Finds the assets in a directory for `aibom init`: a directory that is a unit (a model with
/// its config and tokenizer, a PEFT adapter, an index store) becomes one asset; otherwise each
/// recognised file (weights, dataset, prompt, index) becomes one, and subdirectories are
/// searched, to a bounded depth.
public enum Discovery {
    public static let maxDepth = 8

    /// Discovers assets under `dir`; paths in the result are relative to `relativeTo`.
    public static func discover(_ dir: String, relativeTo base: String) throws -> [AssetSpec] {
        var out: [AssetSpec] = []
        try visit(dir, depth: 0, base: base, out: &out)
        // Unique names: suffix duplicates with their parent folder.
        var seen: [String: Int] = [:]
        for i in out.indices {
            let n = out[i].name
            seen[n, default: 0] += 1
            if seen[n]! > 1 { out[i].name = "\(n)-\(seen[n]!)" }
        }
        return out
    }

    static func relative(_ path: String, to base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var i = 0
        while i < p.count, i < b.count, p[i] == b[i] { i += 1 }
        let rel = Array(repeating: "..", count: b.count - i) + p[i...]
        return rel.isEmpty ? "." : rel.joined(separator: "/")
    }

    static func visit(_ dir: String, depth: Int, base: String, out: inout [AssetSpec]) throws {
        guard depth <= maxDepth else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted(by: byteOrderLess)
        let set = Set(names)
        let dirName = (dir as NSString).lastPathComponent
        func unit(_ kind: AssetKind) {
            out.append(AssetSpec(name: dirName, kind: kind, path: relative(dir, to: base)))
        }
        if depth > 0 {
            if set.contains("adapter_config.json") { return unit(.adapter) }
            if set.contains("chroma.sqlite3") || !set.isDisjoint(with: ["docstore.json", "index_store.json"]) { return unit(.index) }
            if dirName.hasSuffix(".lance") { return unit(.index) }
            if set.contains("saved_model.pb") { return unit(.model) }
            if set.contains("config.json"),
               names.contains(where: { n in ["safetensors", "bin", "gguf", "onnx", "pt", "h5", "msgpack"].contains((n as NSString).pathExtension) }) {
                return unit(.model)
            }
        }
        for n in names {
            let full = dir + "/" + n
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }
            let mode = st.st_mode & S_IFMT
            if mode == S_IFDIR {
                try visit(full, depth: depth + 1, base: base, out: &out)
                continue
            }
            guard mode == S_IFREG else { continue }
            guard let format = try? Sniffer.detect(full) else { continue }
            let ext = (n as NSString).pathExtension.lowercased()
            let stem = (n as NSString).deletingPathExtension
            var kind: AssetKind? = nil
            if format.isWeights { kind = .model }
            if format == .faiss || ext == "faiss" { kind = .index }
            if AssetFacts.datasetFormats.contains(format) || AssetFacts.isCompressedDataset(n) { kind = .dataset }
            if ["prompt", "jinja", "j2", "jinja2"].contains(ext) || (ext == "txt" && stem.lowercased().contains("prompt")) {
                kind = .prompt
            }
            if let kind { out.append(AssetSpec(name: stem, kind: kind, path: relative(full, to: base))) }
        }
    }

    /// A starting manifest for `dir`, with relations the files state (adapter bases, card datasets).
    public static func manifest(for dir: String, relativeTo base: String, name: String?) throws -> ReleaseManifest {
        let assets = try discover(dir, relativeTo: base)
        let release = name ?? (URL(fileURLWithPath: dir).standardizedFileURL.lastPathComponent)
        return ReleaseManifest(name: release, version: "0.1.0", supplier: nil, description: nil, assets: assets)
    }
}
