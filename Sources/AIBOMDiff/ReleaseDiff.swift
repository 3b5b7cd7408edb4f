/// Release diffs: what changed between two releases, down to files, tensors (from headers),
/// metadata that matters (licenses, base models, datasets, quantization, counts), relations,
/// scan outcomes and signers; a gate for pipelines; text, JSON and Markdown renderers.
import AIBOMDigest
import AIBOMModel

/// One change between two releases.
public struct Change: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case assetAdded = "asset-added", assetRemoved = "asset-removed", assetChanged = "asset-changed"
        case assetRenamed = "asset-renamed", assetMoved = "asset-moved"
        case fileAdded = "file-added", fileRemoved = "file-removed", fileChanged = "file-changed", fileMoved = "file-moved"
        case tensorAdded = "tensor-added", tensorRemoved = "tensor-removed", tensorChanged = "tensor-changed"
        case metadata, relationAdded = "relation-added", relationRemoved = "relation-removed"
        case findingsAdded = "findings-added", findingsResolved = "findings-resolved"
        case signerAdded = "signer-added", signerRemoved = "signer-removed"
        case releaseVersion = "release-version"
    }
    public let kind: Kind
    public let asset: String?
    /// File path, tensor name, metadata field or relation, depending on the kind.
    public let subject: String?
    public let old: String?
    public let new: String?
    /// Gate categories this change belongs to (see `FailOn`).
    public let categories: Set<String>

    public init(_ kind: Kind, asset: String? = nil, subject: String? = nil, old: String? = nil, new: String? = nil,
                categories: Set<String>) {
        self.kind = kind
        self.asset = asset
        self.subject = subject
        self.old = old
        self.new = new
        self.categories = categories.union(["any"])
    }
}

/// The categories `--fail-on` accepts.
public enum FailOn {
    public static let categories: [String: String] = [
        "any": "any change at all",
        "assets": "assets added, removed or renamed",
        "weights": "content of a model or adapter changed (files or tensors)",
        "tensors": "tensors added, removed or reshaped",
        "data": "content of a dataset changed",
        "prompts": "content of a prompt changed",
        "index": "content of an index changed",
        "license": "a license changed",
        "base-model": "an adapter's base or a model's parent changed",
        "datasets": "training datasets changed",
        "quantization": "quantization or dtypes changed",
        "relations": "relations between assets changed",
        "new-findings": "the scan found something new",
        "signer": "signers or keys changed",
        "metadata": "any recorded metadata changed",
    ]
}

/// A side of a diff: a release, and its signers when it came from an attestation.
public struct DiffSide: Sendable {
    public var release: Release
    /// Key ids of valid-looking signatures (as listed in the envelope), nil for a plain BOM.
    public var signers: [String]?
    public var label: String

    public init(release: Release, signers: [String]?, label: String) {
        self.release = release
        self.signers = signers
        self.label = label
    }
}

/// Computes the changes between two releases. Linear in the number of files and tensors.
public enum ReleaseDiff {
    /// Metadata fields compared, with their gate category.
    static let fields: [(key: String, label: String, category: String)] = [
        ("quantization", "quantization", "quantization"), ("dtypes", "dtypes", "quantization"),
        ("torchDtype", "torch_dtype", "quantization"), ("parameterCount", "parameter count", "metadata"),
        ("tensorCount", "tensor count", "metadata"), ("recordCount", "record count", "metadata"),
        ("loraRank", "adapter rank", "metadata"), ("loraAlpha", "adapter alpha", "metadata"),
        ("targetModules", "adapter targets", "metadata"), ("peftType", "PEFT type", "metadata"),
        ("adapterBaseModel", "adapter base model", "base-model"), ("cardBaseModel", "card base_model", "base-model"),
        ("cardDatasets", "card datasets", "datasets"), ("dimension", "index dimension", "metadata"),
        ("vectorCount", "index vector count", "metadata"), ("indexEngine", "index engine", "metadata"),
        ("architecture", "architecture", "metadata"), ("contextLength", "context length", "metadata"),
        ("serialization", "serialization", "metadata"), ("formats", "formats", "metadata"),
    ]

    static func contentCategory(_ kind: AssetKind) -> String {
        switch kind {
        case .model, .adapter: return "weights"
        case .dataset: return "data"
        case .prompt: return "prompts"
        case .index: return "index"
        case .file: return "metadata"
        }
    }

    public static func compute(_ old: DiffSide, _ new: DiffSide) -> [Change] {
        var out: [Change] = []
        let o = old.release, n = new.release
        // Asset digests are derived from files: compute each once.
        var digests: [String: (old: Digest?, new: Digest?)] = [:]
        for a in o.assets { digests[a.name, default: (nil, nil)].old = a.digest }
        for a in n.assets { digests[a.name, default: (nil, nil)].new = a.digest }
        if o.version != n.version || o.name != n.name {
            out.append(Change(.releaseVersion, subject: "release", old: "\(o.name) \(o.version)", new: "\(n.name) \(n.version)",
                              categories: ["metadata"]))
        }
        let oldByName = Dictionary(o.assets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newByName = Dictionary(n.assets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var removed = o.assets.filter { newByName[$0.name] == nil }
        var added = n.assets.filter { oldByName[$0.name] == nil }
        // Renames: an asset gone and one new with the same content.
        for a in added {
            if let i = removed.firstIndex(where: { digests[$0.name]?.old == digests[a.name]?.new }) {
                out.append(Change(.assetRenamed, asset: a.name, subject: a.path, old: removed[i].name, new: a.name,
                                  categories: ["assets"]))
                removed.remove(at: i)
                added.removeAll { $0.name == a.name }
            }
        }
        for a in removed {
            out.append(Change(.assetRemoved, asset: a.name, subject: a.kind.rawValue, old: digests[a.name]?.old?.hex,
                              categories: ["assets", contentCategory(a.kind)]))
        }
        for a in added {
            out.append(Change(.assetAdded, asset: a.name, subject: a.kind.rawValue, new: digests[a.name]?.new?.hex,
                              categories: ["assets", contentCategory(a.kind)]))
        }
        for a in n.assets {
            guard let b = oldByName[a.name], let od = digests[a.name]?.old, let nd = digests[a.name]?.new else { continue }
            out += assetChanges(b, a, oldDigest: od, newDigest: nd)
        }
        // Signers.
        if let os = old.signers, let ns = new.signers {
            for k in Set(ns).subtracting(os).sorted() { out.append(Change(.signerAdded, subject: k, new: k, categories: ["signer"])) }
            for k in Set(os).subtracting(ns).sorted() { out.append(Change(.signerRemoved, subject: k, old: k, categories: ["signer"])) }
        }
        return out
    }

    static func assetChanges(_ o: AssetRecord, _ n: AssetRecord, oldDigest: Digest, newDigest: Digest) -> [Change] {
        var out: [Change] = []
        let name = n.name
        let content = contentCategory(n.kind)
        if o.kind != n.kind {
            out.append(Change(.metadata, asset: name, subject: "kind", old: o.kind.rawValue, new: n.kind.rawValue, categories: ["metadata"]))
        }
        if o.path != n.path && oldDigest == newDigest {
            out.append(Change(.assetMoved, asset: name, subject: "path", old: o.path, new: n.path, categories: ["assets"]))
        }
        if oldDigest != newDigest {
            out.append(Change(.assetChanged, asset: name, subject: n.kind.rawValue, old: oldDigest.hex, new: newDigest.hex,
                              categories: [content]))
            out += fileChanges(o, n, content: content)
        }
        if o.version != n.version {
            out.append(Change(.metadata, asset: name, subject: "version", old: o.version, new: n.version, categories: ["metadata"]))
        }
        if o.license != n.license {
            out.append(Change(.metadata, asset: name, subject: "license", old: o.license, new: n.license, categories: ["license", "metadata"]))
        }
        for f in fields where o.properties[f.key] != n.properties[f.key] {
            out.append(Change(.metadata, asset: name, subject: f.label, old: o.properties[f.key], new: n.properties[f.key],
                              categories: [f.category, "metadata"]))
        }
        let or = Set(o.relations), nr = Set(n.relations)
        for r in nr.subtracting(or).sorted(by: { ($0.type.rawValue, $0.target) < ($1.type.rawValue, $1.target) }) {
            out.append(Change(.relationAdded, asset: name, subject: r.type.rawValue, new: r.target, categories: relationCategories(r)))
        }
        for r in or.subtracting(nr).sorted(by: { ($0.type.rawValue, $0.target) < ($1.type.rawValue, $1.target) }) {
            out.append(Change(.relationRemoved, asset: name, subject: r.type.rawValue, old: r.target, categories: relationCategories(r)))
        }
        // Scan outcome: findings are compared by rule, location and fingerprint prefix.
        let of = findingSet(o), nf = findingSet(n)
        let newFindings = nf.subtracting(of), resolved = of.subtracting(nf)
        if !newFindings.isEmpty {
            out.append(Change(.findingsAdded, asset: name, subject: "scan", old: String(of.count), new: newFindings.sorted().joined(separator: "; "),
                              categories: ["new-findings"]))
        }
        if !resolved.isEmpty {
            out.append(Change(.findingsResolved, asset: name, subject: "scan", old: resolved.sorted().joined(separator: "; "),
                              new: String(nf.count), categories: ["metadata"]))
        }
        return out
    }

    static func relationCategories(_ r: Relation) -> Set<String> {
        switch r.type {
        case .base, .fineTunedFrom: return ["relations", "base-model"]
        case .trainedOn: return ["relations", "datasets"]
        default: return ["relations"]
        }
    }

    static func findingSet(_ a: AssetRecord) -> Set<String> {
        guard let list = a.properties["scanFindingList"], !list.isEmpty else { return [] }
        return Set(list.components(separatedBy: "; "))
    }

    static func fileChanges(_ o: AssetRecord, _ n: AssetRecord, content: String) -> [Change] {
        var out: [Change] = []
        // Single-file assets: the one file on each side is the same file, whatever its name.
        if !o.isDirectory, !n.isDirectory, o.files.count == 1, n.files.count == 1 {
            let (of, nf) = (o.files[0], n.files[0])
            if of.path != nf.path {
                out.append(of.sha256 == nf.sha256
                    ? Change(.fileMoved, asset: n.name, subject: nf.path, old: of.path, new: nf.path, categories: [content])
                    : Change(.fileChanged, asset: n.name, subject: "\(of.path) → \(nf.path)", old: of.sha256.hex, new: nf.sha256.hex,
                             categories: [content]))
            }
            return out + tensorChanges(o.files[0], n.files[0], asset: n.name)
        }
        // Both sides sorted by path (as aibom writes them): one merge walk, no hashing.
        if isSortedUnique(o.files), isSortedUnique(n.files) {
            var i = 0, j = 0
            var added: [FileRecord] = [], gone: [FileRecord] = []
            while i < o.files.count || j < n.files.count {
                if j == n.files.count || (i < o.files.count && byteOrderLess(o.files[i].path, n.files[j].path)) {
                    gone.append(o.files[i]); i += 1
                } else if i == o.files.count || byteOrderLess(n.files[j].path, o.files[i].path) {
                    added.append(n.files[j]); j += 1
                } else {
                    let (of, nf) = (o.files[i], n.files[j])
                    if of.sha256 != nf.sha256 {
                        out.append(Change(.fileChanged, asset: n.name, subject: nf.path, old: of.sha256.hex, new: nf.sha256.hex, categories: [content]))
                        out += tensorChanges(of, nf, asset: n.name)
                    }
                    i += 1; j += 1
                }
            }
            return out + addedAndGone(added, gone, asset: n.name, content: content)
        }
        let oldFiles = Dictionary(o.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let newFiles = Dictionary(n.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var gone = o.files.filter { newFiles[$0.path] == nil }
        var goneByDigest: [String: [Int]] = [:]
        for (i, f) in gone.enumerated() { goneByDigest[f.sha256.hex, default: []].append(i) }
        var movedFrom = Set<Int>()
        for f in n.files {
            if let old = oldFiles[f.path] {
                if old.sha256 != f.sha256 {
                    out.append(Change(.fileChanged, asset: n.name, subject: f.path, old: old.sha256.hex, new: f.sha256.hex, categories: [content]))
                    out += tensorChanges(old, f, asset: n.name)
                }
            } else if var idx = goneByDigest[f.sha256.hex], let i = idx.popLast() {
                goneByDigest[f.sha256.hex] = idx
                movedFrom.insert(i)
                out.append(Change(.fileMoved, asset: n.name, subject: f.path, old: gone[i].path, new: f.path, categories: [content]))
            } else {
                out.append(Change(.fileAdded, asset: n.name, subject: f.path, new: f.sha256.hex, categories: [content]))
            }
        }
        gone = gone.enumerated().filter { !movedFrom.contains($0.offset) }.map(\.element)
        for f in gone { out.append(Change(.fileRemoved, asset: n.name, subject: f.path, old: f.sha256.hex, categories: [content])) }
        return out
    }

    static func isSortedUnique(_ files: [FileRecord]) -> Bool {
        zip(files, files.dropFirst()).allSatisfy { byteOrderLess($0.path, $1.path) }
    }

    /// Files only on one side: moves (same digest) paired up, the rest added or removed.
    static func addedAndGone(_ added: [FileRecord], _ gone: [FileRecord], asset: String, content: String) -> [Change] {
        var out: [Change] = []
        var byDigest: [Digest: [Int]] = [:]
        for (k, f) in gone.enumerated() { byDigest[f.sha256, default: []].append(k) }
        var moved = Set<Int>()
        for f in added {
            if var idx = byDigest[f.sha256], let k = idx.popLast() {
                byDigest[f.sha256] = idx
                moved.insert(k)
                out.append(Change(.fileMoved, asset: asset, subject: f.path, old: gone[k].path, new: f.path, categories: [content]))
            } else {
                out.append(Change(.fileAdded, asset: asset, subject: f.path, new: f.sha256.hex, categories: [content]))
            }
        }
        for (k, f) in gone.enumerated() where !moved.contains(k) {
            out.append(Change(.fileRemoved, asset: asset, subject: f.path, old: f.sha256.hex, categories: [content]))
        }
        return out
    }

    static func shape(_ t: (dtype: String, shape: [UInt64])) -> String {
        "\(t.dtype)[\(t.shape.map(String.init).joined(separator: ","))]"
    }

    static func tensorChanges(_ o: FileRecord, _ n: FileRecord, asset: String) -> [Change] {
        guard !o.tensors.isEmpty || !n.tensors.isEmpty else { return [] }
        var out: [Change] = []
        let ot = Dictionary(o.tensors.map { ($0.name, (dtype: $0.dtype, shape: $0.shape)) }, uniquingKeysWith: { a, _ in a })
        let nt = Dictionary(n.tensors.map { ($0.name, (dtype: $0.dtype, shape: $0.shape)) }, uniquingKeysWith: { a, _ in a })
        for t in n.tensors {
            if let old = ot[t.name] {
                if old.dtype != t.dtype || old.shape != t.shape {
                    out.append(Change(.tensorChanged, asset: asset, subject: "\(n.path): \(t.name)", old: shape(old),
                                      new: shape((t.dtype, t.shape)), categories: ["weights", "tensors"]))
                }
            } else {
                out.append(Change(.tensorAdded, asset: asset, subject: "\(n.path): \(t.name)", new: shape((t.dtype, t.shape)),
                                  categories: ["weights", "tensors"]))
            }
        }
        for t in o.tensors where nt[t.name] == nil {
            out.append(Change(.tensorRemoved, asset: asset, subject: "\(n.path): \(t.name)", old: shape((t.dtype, t.shape)),
                              categories: ["weights", "tensors"]))
        }
        return out
    }
}
