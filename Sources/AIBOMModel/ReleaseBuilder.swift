import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import Foundation

/// Builds a `Release` from a manifest and the files on disk: walks every asset, hashes all
/// files in one parallel run, reads each file's format and facts, infers what the manifest
/// left out and checks relations.
public struct ReleaseBuilder: Sendable {
    public var hashOptions: HashOptions
    public var followSymlinks: Bool

    public init(hashOptions: HashOptions = HashOptions(), followSymlinks: Bool = false) {
        self.hashOptions = hashOptions
        self.followSymlinks = followSymlinks
    }

    /// Directory names left out of directory assets (version-control metadata).
    public static let ignoredNames = [".git"]

    /// Walks every asset of `manifest` under `root`; returns the walks and the planned bytes.
    public func plan(_ manifest: ReleaseManifest, root: String) throws -> [(AssetSpec, WalkResult)] {
        let walker = TreeWalker(options: WalkOptions(followSymlinks: followSymlinks, ignorePaths: Self.ignoredNames))
        var plans: [(AssetSpec, WalkResult)] = []
        var realPaths: [(String, String)] = []
        for spec in manifest.assets {
            let full = Self.resolve(spec.path, root: root)
            var st = stat()
            guard stat(full, &st) == 0 else {
                throw ModelError.asset(manifest: manifest.source, asset: spec.name, message: "path '\(spec.path)' does not exist (looked at \(full))")
            }
            let walk: WalkResult
            do { walk = try walker.walk(full) } catch {
                throw ModelError.asset(manifest: manifest.source, asset: spec.name, message: "\(error)")
            }
            let real = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
            for (other, otherReal) in realPaths where real == otherReal || real.hasPrefix(otherReal + "/") || otherReal.hasPrefix(real + "/") {
                throw ModelError.asset(manifest: manifest.source, asset: spec.name,
                                       message: "its path overlaps asset '\(other)'; each file must belong to one asset")
            }
            realPaths.append((spec.name, real))
            plans.append((spec, walk))
        }
        return plans
    }

    /// Builds the release. `progress` is told the bytes hashed.
    public func build(_ manifest: ReleaseManifest, root: String, plans: [(AssetSpec, WalkResult)]? = nil,
                      progress: HashProgress? = nil) throws -> Release {
        let plans = try plans ?? plan(manifest, root: root)
        let all = plans.flatMap(\.1.files)
        let digests = try DigestEngine(options: hashOptions).hash(all, progress: progress)
        var cursor = 0
        var assets: [AssetRecord] = []
        for (spec, walk) in plans {
            let mine = digests[cursor..<cursor + walk.files.count]
            let entries = walk.files
            cursor += walk.files.count
            var asset = AssetRecord(name: spec.name, kind: spec.kind ?? .file, path: spec.path, isDirectory: !walk.rootIsFile)
            asset.version = spec.version
            asset.license = spec.license
            asset.description = spec.description
            asset.relations = spec.relations
            asset.warnings = walk.skipped.map { $0.description }
            for (d, e) in zip(mine, entries) {
                var f = FileRecord(path: d.path, size: d.size, sha256: d.sha256)
                FileFacts.read(into: &f, at: e.openPath, warnings: &asset.warnings)
                asset.files.append(f)
            }
            if walk.files.isEmpty { asset.warnings.append("no regular files under \(spec.path)") }
            let full = Self.resolve(spec.path, root: root)
            AssetFacts.describe(&asset, fullPath: full, kindGiven: spec.kind != nil)
            asset.license = asset.license.map(CycloneDX.normalizedLicense)
            asset.rememberDigest()
            assets.append(asset)
        }
        AssetFacts.inferRelations(&assets)
        try checkRelations(assets, manifest: manifest)
        return Release(name: manifest.name, version: manifest.version, supplier: manifest.supplier,
                       description: manifest.description, assets: assets)
    }

    func checkRelations(_ assets: [AssetRecord], manifest: ReleaseManifest) throws {
        let byName = Dictionary(uniqueKeysWithValues: assets.map { ($0.name, $0) })
        for a in assets {
            for r in a.relations {
                let allowed = r.type.allowed
                guard allowed.from.contains(a.kind) else {
                    throw ModelError.asset(manifest: manifest.source, asset: a.name,
                                           message: "'\(r.type.rawValue)' applies to \(allowed.from.map(\.rawValue).sorted().joined(separator: "/")) assets, and this one is a \(a.kind.rawValue)")
                }
                if let t = byName[r.target], !allowed.to.contains(t.kind) {
                    throw ModelError.asset(manifest: manifest.source, asset: a.name,
                                           message: "'\(r.type.rawValue)' must name a \(allowed.to.map(\.rawValue).sorted().joined(separator: " or ")), and '\(t.name)' is a \(t.kind.rawValue)")
                }
            }
        }
    }

    /// `path` resolved against `root` unless absolute.
    public static func resolve(_ path: String, root: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "." { return root }
        return root.hasSuffix("/") ? root + path : root + "/" + path
    }
}

/// Facts one file states about itself, read by content with bounded readers. A file that
/// can't be parsed is still hashed; the problem becomes a warning on its asset.
enum FileFacts {
    static func read(into f: inout FileRecord, at path: String, warnings: inout [String]) {
        let format: FileFormat
        do { format = try Sniffer.detect(path) } catch {
            warnings.append("\(f.path): \(error)")
            return
        }
        f.format = format
        do {
            switch format {
            case .safetensors:
                let h = try Safetensors.read(path)
                f.tensors = h.tensors
                f.properties["tensorCount"] = String(h.tensors.count)
                f.properties["parameterCount"] = String(h.parameterCount)
                f.properties["dtypes"] = h.dtypes.keys.sorted().joined(separator: ",")
                for (k, v) in h.metadata where v.utf8.count <= 1024 { f.properties["safetensors.metadata.\(k)"] = v }
                warnings += h.warnings.map { "\(f.path): \($0)" }
            case .gguf:
                let g = try GGUF.read(path)
                f.tensors = g.tensors
                f.properties["ggufVersion"] = String(g.version)
                f.properties["tensorCount"] = String(g.tensors.count)
                f.properties["parameterCount"] = String(g.parameterCount)
                if let a = g.architecture { f.properties["architecture"] = a }
                if let n = g.name { f.properties["ggufName"] = n }
                if let c = g.contextLength { f.properties["contextLength"] = String(c) }
                if let t = g.fileType { f.properties["quantization"] = t }
            case .faiss:
                let h = try Faiss.read(path)
                f.properties["indexType"] = h.fourcc
                f.properties["dimension"] = String(h.dimension)
                f.properties["vectorCount"] = String(h.count)
            case .parquet:
                f.properties["recordCount"] = String(try Parquet.rowCount(path))
            case .jsonl, .csv, .tsv:
                if let n = try Records.count(path, format: format) { f.properties["recordCount"] = String(n) }
            default: break
            }
        } catch {
            warnings.append("\(f.path): \((error as? FormatError)?.message ?? "\(error)")")
            f.properties["parseError"] = (error as? FormatError)?.message ?? "\(error)"
        }
    }
}
