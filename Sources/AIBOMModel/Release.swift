/// The release record: what a release contains, every asset with its kind, digests, relations
/// and the facts its files state. Built from a manifest and the files on disk, written as
/// CycloneDX 1.6, read back from a BOM for verification and diff.
import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats

/// What an asset is.
public enum AssetKind: String, Sendable, CaseIterable, Codable {
    case model, adapter, dataset, prompt, index, file
}

/// A typed relation from one asset to another (by asset name).
public enum RelationType: String, Sendable, CaseIterable, Codable {
    /// adapter → the model it adapts
    case base
    /// model → a dataset it was trained on
    case trainedOn
    /// model → the model it was fine-tuned from
    case fineTunedFrom
    /// index → the model that made its embeddings
    case embeddedWith
    /// index → the dataset or corpus it was built from
    case builtFrom
    /// prompt → a model that uses it
    case usedBy

    /// Which asset kinds may sit at each end (source, target).
    var allowed: (from: Set<AssetKind>, to: Set<AssetKind>) {
        switch self {
        case .base: return ([.adapter], [.model, .adapter])
        case .trainedOn: return ([.model, .adapter], [.dataset])
        case .fineTunedFrom: return ([.model], [.model])
        case .embeddedWith: return ([.index], [.model])
        case .builtFrom: return ([.index], [.dataset, .file])
        case .usedBy: return ([.prompt], [.model, .adapter])
        }
    }
}

public struct Relation: Sendable, Hashable {
    public let type: RelationType
    public let target: String
    public init(_ type: RelationType, _ target: String) {
        self.type = type
        self.target = target
    }
}

/// One file of an asset.
public struct FileRecord: Sendable, Equatable {
    /// Path relative to the asset's path (`.` for a single-file asset's own name is not used: the file name).
    public let path: String
    public let size: UInt64
    public let sha256: Digest
    public var format: FileFormat?
    /// Facts read from the file (`aibom:` properties without the prefix).
    public var properties: [String: String] = [:]
    /// Tensors listed by a weights header (safetensors, GGUF), for diffs.
    public var tensors: [TensorInfo] = []

    public init(path: String, size: UInt64, sha256: Digest, format: FileFormat? = nil) {
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.format = format
    }
}

/// One asset of a release.
public struct AssetRecord: Sendable, Equatable {
    public var name: String
    public var kind: AssetKind
    /// The path as the manifest gives it, relative to the release root.
    public var path: String
    public var isDirectory: Bool
    public var version: String?
    public var license: String?
    public var description: String?
    public var relations: [Relation] = []
    /// Files sorted by byte order of their paths. Changing them forgets a remembered digest.
    public var files: [FileRecord] = [] { didSet { digestCache = DigestCache() } }
    /// The asset digest once computed by `rememberDigest()`; ignored by `==`.
    private var digestCache = DigestCache()
    /// Facts about the asset as a whole (`aibom:` properties without the prefix).
    public var properties: [String: String] = [:]
    /// Problems found while describing the asset that did not stop the build.
    public var warnings: [String] = []
    /// For models: what the model card and config say.
    public var task: String?
    public var architectureFamily: String?
    public var modelArchitecture: String?

    public init(name: String, kind: AssetKind, path: String, isDirectory: Bool) {
        self.name = name
        self.kind = kind
        self.path = path
        self.isDirectory = isDirectory
    }

    public var size: UInt64 { files.reduce(0) { $0 + $1.size } }

    /// Computes the digest now and remembers it until `files` changes, so later reads are free
    /// (a 100,000-file asset costs a sort check and a hash per computation).
    public mutating func rememberDigest() { digestCache.value = computeDigest() }

    /// The asset's digest: a single file's SHA-256, or for a directory the SHA-256 over the
    /// sorted lines `path NUL hexdigest LF` of its files.
    public var digest: Digest { digestCache.value ?? computeDigest() }

    func computeDigest() -> Digest {
        if !isDirectory, files.count == 1 { return files[0].sha256 }
        return AssetRecord.directoryDigest(files.map { ($0.path, $0.sha256) })
    }

    /// SHA-256 over `path\0hex\n` lines sorted by path bytes.
    public static func directoryDigest(_ entries: [(String, Digest)]) -> Digest {
        let sorted = zip(entries, entries.dropFirst()).allSatisfy { !byteOrderLess($1.0, $0.0) }
            ? entries : entries.sorted(by: { byteOrderLess($0.0, $1.0) })
        let digits = Array("0123456789abcdef".utf8)
        var h = Hasher(.sha256)
        var buf = [UInt8]()
        buf.reserveCapacity(1 << 16)
        for (p, d) in sorted {
            buf.append(contentsOf: p.utf8)
            buf.append(0)
            for b in d.value {
                buf.append(digits[Int(b >> 4)])
                buf.append(digits[Int(b & 0x0f)])
            }
            buf.append(0x0a)
            if buf.count >= 1 << 15 {
                h.update(buf)
                buf.removeAll(keepingCapacity: true)
            }
        }
        h.update(buf)
        return Digest(algorithm: .sha256, value: h.finalize())
    }
}

/// A remembered digest: derived state, so it takes no part in equality.
struct DigestCache: Sendable, Equatable {
    var value: Digest?
    static func == (a: DigestCache, b: DigestCache) -> Bool { true }
}

/// A release: its identity and its assets.
public struct Release: Sendable, Equatable {
    public var name: String
    public var version: String
    public var supplier: String?
    public var description: String?
    public var assets: [AssetRecord]

    public init(name: String, version: String, supplier: String? = nil, description: String? = nil, assets: [AssetRecord]) {
        self.name = name
        self.version = version
        self.supplier = supplier
        self.description = description
        self.assets = assets
    }

    public func asset(named n: String) -> AssetRecord? { assets.first { $0.name == n } }
}
