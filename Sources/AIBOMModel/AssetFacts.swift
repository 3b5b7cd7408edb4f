import AIBOMFormats
import Foundation

/// Facts about whole assets: the kind when the manifest leaves it out, and what config files,
/// model cards and adapter configs say.
enum AssetFacts {
    static let promptExtensions: Set<String> = ["txt", "md", "prompt", "jinja", "j2", "jinja2"]
    static let datasetFormats: Set<FileFormat> = [.jsonl, .csv, .tsv, .parquet, .arrow]
    static let indexFiles: Set<String> = ["chroma.sqlite3", "docstore.json", "index_store.json", "vector_store.json",
                                          "default__vector_store.json", "graph_store.json"]

    /// Infers an asset's kind from its files.
    static func inferKind(_ files: [FileRecord]) -> AssetKind {
        let names = Set(files.map { ($0.path as NSString).lastPathComponent })
        if names.contains("adapter_config.json") { return .adapter }
        if files.contains(where: { $0.format == .faiss || $0.path.contains(".lance/") || $0.path.hasSuffix(".lance") })
            || !names.isDisjoint(with: indexFiles) || names.contains("index.faiss") { return .index }
        if files.contains(where: { $0.format?.isWeights == true }) || names.contains("config.json") && names.contains("tokenizer.json") {
            return .model
        }
        if !files.isEmpty, files.allSatisfy({ datasetFormats.contains($0.format ?? .unknown) || isCompressedDataset($0.path) }) {
            return .dataset
        }
        if files.contains(where: { datasetFormats.contains($0.format ?? .unknown) }) && files.count > 1 { return .dataset }
        if !files.isEmpty, files.allSatisfy({ promptExtensions.contains(($0.path as NSString).pathExtension.lowercased()) }) {
            return .prompt
        }
        return .file
    }

    static func isCompressedDataset(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".jsonl.gz", ".json.gz", ".csv.gz", ".tsv.gz", ".txt.gz", ".ndjson.gz"].contains { lower.hasSuffix($0) }
    }

    static func describe(_ a: inout AssetRecord, fullPath: String, kindGiven: Bool) {
        if !kindGiven { a.kind = inferKind(a.files) }
        func file(_ name: String) -> (FileRecord, String)? {
            guard let f = a.files.first(where: { $0.path == name }) else { return nil }
            return (f, a.isDirectory ? fullPath + "/" + f.path : fullPath)
        }
        // Serialization safety: pickle-based formats run code when loaded.
        let exec = a.files.filter { $0.format?.canExecuteCode == true }
        a.properties["serialization"] = exec.isEmpty ? "data-only" : "executable"
        if !exec.isEmpty { a.properties["executableFiles"] = exec.map(\.path).joined(separator: ",") }
        let formats = Set(a.files.compactMap { $0.format?.rawValue }).sorted()
        if !formats.isEmpty { a.properties["formats"] = formats.joined(separator: ",") }
        a.properties["fileCount"] = String(a.files.count)
        a.properties["size"] = String(a.size)

        let weights = a.files.filter { $0.format?.isWeights == true }
        if !weights.isEmpty {
            let params = weights.compactMap { $0.properties["parameterCount"].flatMap(UInt64.init) }
            if !params.isEmpty { a.properties["parameterCount"] = String(params.reduce(0, &+)) }
            let tensors = weights.compactMap { $0.properties["tensorCount"].flatMap(Int.init) }
            if !tensors.isEmpty { a.properties["tensorCount"] = String(tensors.reduce(0, +)) }
            let dtypes = Set(weights.flatMap { ($0.properties["dtypes"] ?? "").split(separator: ",").map(String.init) })
            if !dtypes.isEmpty { a.properties["dtypes"] = dtypes.sorted().joined(separator: ",") }
            for key in ["architecture", "quantization", "contextLength", "ggufName"] {
                if let v = weights.compactMap({ $0.properties[key] }).first { a.properties[key] = v }
            }
        }
        // Sharded safetensors: every shard the index names must be present.
        if let (_, p) = file("model.safetensors.index.json"),
           let idx = try? JSON.parse(BoundedFile.read(p, limit: FormatLimits.maxJSONFile)),
           let map = idx["weight_map"]?.objectValue {
            let shards = Set(map.values.compactMap(\.stringValue))
            a.properties["shardCount"] = String(shards.count)
            for s in shards.sorted() where !a.files.contains(where: { $0.path == s }) {
                a.warnings.append("model.safetensors.index.json names shard \(s), which is missing")
            }
        }
        if let (_, p) = file("config.json"), let c = try? ModelConfig.read(p) {
            if let first = c.architectures.first { a.modelArchitecture = first }
            if let t = c.modelType { a.architectureFamily = t }
            if let d = c.torchDtype { a.properties["torchDtype"] = d }
        }
        if a.architectureFamily == nil, let arch = a.properties["architecture"] { a.architectureFamily = arch }
        if let (_, p) = file("README.md") ?? (a.isDirectory ? nil : (a.files.first?.path.lowercased().hasSuffix(".md") == true && a.kind != .prompt ? file(a.files[0].path) : nil)),
           let card = try? ModelCard.read(p) {
            if a.license == nil { a.license = card.license }
            if let t = card.pipelineTag { a.task = t }
            if !card.baseModels.isEmpty { a.properties["cardBaseModel"] = card.baseModels.joined(separator: ",") }
            if !card.datasets.isEmpty { a.properties["cardDatasets"] = card.datasets.joined(separator: ",") }
            if !card.languages.isEmpty { a.properties["language"] = card.languages.joined(separator: ",") }
            if let l = card.libraryName { a.properties["libraryName"] = l }
        }
        if let (_, p) = file("adapter_config.json") {
            do {
                let c = try AdapterConfig.read(p)
                if let v = c.peftType { a.properties["peftType"] = v }
                if let v = c.baseModel { a.properties["adapterBaseModel"] = v }
                if let v = c.rank { a.properties["loraRank"] = String(v) }
                if let v = c.loraAlpha { a.properties["loraAlpha"] = v }
                if !c.targetModules.isEmpty { a.properties["targetModules"] = c.targetModules.joined(separator: ",") }
                if let v = c.taskType { a.properties["taskType"] = v }
            } catch {
                a.warnings.append("adapter_config.json: \((error as? FormatError)?.message ?? "\(error)")")
            }
        }
        if let (_, p) = file("tokenizer_config.json"), let templates = try? ChatTemplates.read(p), !templates.isEmpty {
            a.properties["chatTemplates"] = templates.map(\.name).joined(separator: ",")
        }
        switch a.kind {
        case .dataset:
            let counts = a.files.compactMap { $0.properties["recordCount"].flatMap(UInt64.init) }
            if !counts.isEmpty { a.properties["recordCount"] = String(counts.reduce(0, +)) }
        case .index:
            let names = Set(a.files.map { ($0.path as NSString).lastPathComponent })
            var engine: String? = nil
            if a.files.contains(where: { $0.format == .faiss }) { engine = "faiss" }
            if names.contains("chroma.sqlite3") { engine = "chroma" }
            if a.files.contains(where: { $0.path.contains(".lance") }) { engine = "lancedb" }
            if !names.isDisjoint(with: ["docstore.json", "index_store.json"]) { engine = engine ?? "llamaindex" }
            if names.contains("data_level0.bin") || a.files.contains(where: { $0.path.hasSuffix(".hnsw") }) { engine = engine ?? "hnswlib" }
            if let engine { a.properties["indexEngine"] = engine }
            if let f = a.files.first(where: { $0.format == .faiss }) {
                a.properties["dimension"] = f.properties["dimension"]
                a.properties["vectorCount"] = f.properties["vectorCount"]
            }
        default: break
        }
    }

    /// Relations the files state but the manifest left out: an adapter's base model, a model
    /// card's datasets and base model, when they name (or end with) an asset of the release.
    static func inferRelations(_ assets: inout [AssetRecord]) {
        func match(_ ref: String, kinds: Set<AssetKind>) -> String? {
            let last = ref.split(separator: "/").last.map(String.init) ?? ref
            return assets.first { kinds.contains($0.kind) && ($0.name == ref || $0.name == last
                || ($0.path as NSString).lastPathComponent == last) }?.name
        }
        for i in assets.indices {
            let a = assets[i]
            var add: [Relation] = []
            if a.kind == .adapter, !a.relations.contains(where: { $0.type == .base }),
               let b = a.properties["adapterBaseModel"], let m = match(b, kinds: [.model]) {
                add.append(Relation(.base, m))
            }
            if a.kind == .model || a.kind == .adapter, !a.relations.contains(where: { $0.type == .trainedOn }) {
                for d in (a.properties["cardDatasets"] ?? "").split(separator: ",").map(String.init) {
                    if let n = match(d, kinds: [.dataset]) { add.append(Relation(.trainedOn, n)) }
                }
            }
            if a.kind == .model, !a.relations.contains(where: { $0.type == .fineTunedFrom }),
               let b = a.properties["cardBaseModel"], let m = match(b, kinds: [.model]), m != a.name {
                add.append(Relation(.fineTunedFrom, m))
            }
            assets[i].relations += add.filter { !assets[i].relations.contains($0) }
        }
    }
}
