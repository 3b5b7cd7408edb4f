import AIBOMFormats
import Foundation

/// One asset as a release manifest declares it.
public struct AssetSpec: Sendable, Equatable {
    public var name: String
    public var kind: AssetKind?
    public var path: String
    public var version: String?
    public var license: String?
    public var description: String?
    public var relations: [Relation] = []

    public init(name: String, kind: AssetKind?, path: String) {
        self.name = name
        self.kind = kind
        self.path = path
    }
}

/// A release manifest (`manifests/*.json`): release identity and asset list. See the README
/// for the schema.
public struct ReleaseManifest: Sendable, Equatable {
    public var name: String
    public var version: String
    public var supplier: String?
    public var description: String?
    public var assets: [AssetSpec]
    /// Where the manifest was read from (for messages).
    public var source: String = "manifest"

    public init(name: String, version: String, supplier: String? = nil, description: String? = nil, assets: [AssetSpec]) {
        self.name = name
        self.version = version
        self.supplier = supplier
        self.description = description
        self.assets = assets
    }

    /// Reads and checks a manifest file (duplicate names, unknown relation targets and cycles
    /// are errors naming the asset).
    public static func load(_ path: String) throws -> ReleaseManifest {
        let bytes = try BoundedFile.read(path, limit: 16 << 20)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch let e as JSONError {
            throw ModelError.manifest(path: path, message: "not valid JSON: \(e)")
        }
        var m = try decode(json, source: path)
        m.source = path
        try m.validate()
        return m
    }

    static func decode(_ json: JSON, source: String) throws -> ReleaseManifest {
        func fail(_ m: String) -> ModelError { .manifest(path: source, message: m) }
        guard case .object(let top) = json else { throw fail("the manifest must be a JSON object") }
        let known: Set<String> = ["release", "assets", "$schema", "manifestVersion"]
        if let extra = top.keys.sorted().first(where: { !known.contains($0) }) { throw fail("unknown top-level field '\(extra)'") }
        guard let rel = top["release"]?.objectValue else { throw fail("missing object 'release'") }
        guard let name = rel["name"]?.stringValue, !name.isEmpty else { throw fail("missing string 'release.name'") }
        guard let version = rel["version"]?.stringValue, !version.isEmpty else { throw fail("missing string 'release.version'") }
        guard let list = top["assets"]?.arrayValue else { throw fail("missing array 'assets'") }
        guard !list.isEmpty else { throw fail("'assets' is empty") }
        var assets: [AssetSpec] = []
        for (i, a) in list.enumerated() {
            guard case .object(let o) = a else { throw fail("assets[\(i)] is not an object") }
            guard let n = o["name"]?.stringValue, !n.isEmpty else { throw fail("assets[\(i)] has no 'name'") }
            func afail(_ m: String) -> ModelError { .asset(manifest: source, asset: n, message: m) }
            guard let p = o["path"]?.stringValue, !p.isEmpty else { throw afail("missing 'path'") }
            var spec = AssetSpec(name: n, kind: nil, path: p)
            if let k = o["kind"] {
                guard let ks = k.stringValue, let kind = AssetKind(rawValue: ks) else {
                    throw afail("'kind' must be one of \(AssetKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                spec.kind = kind
            }
            spec.version = o["version"]?.stringValue
            spec.license = o["license"]?.stringValue
            spec.description = o["description"]?.stringValue
            let fields: Set<String> = Set(["name", "kind", "path", "version", "license", "description"])
                .union(RelationType.allCases.map(\.rawValue))
            if let extra = o.keys.sorted().first(where: { !fields.contains($0) }) { throw afail("unknown field '\(extra)'") }
            for t in RelationType.allCases {
                guard let v = o[t.rawValue] else { continue }
                let targets: [String]
                if let s = v.stringValue { targets = [s] } else if let arr = v.arrayValue, arr.allSatisfy({ $0.stringValue != nil }) {
                    targets = arr.compactMap(\.stringValue)
                } else {
                    throw afail("'\(t.rawValue)' must be an asset name or a list of asset names")
                }
                spec.relations += targets.map { Relation(t, $0) }
            }
            assets.append(spec)
        }
        return ReleaseManifest(name: name, version: version, supplier: rel["supplier"]?.stringValue,
                               description: rel["description"]?.stringValue, assets: assets)
    }

    /// Checks names, relation targets and cycles.
    public func validate() throws {
        var seen = Set<String>()
        for a in assets {
            guard seen.insert(a.name).inserted else {
                throw ModelError.asset(manifest: source, asset: a.name, message: "duplicate asset name")
            }
        }
        for a in assets {
            for r in a.relations {
                guard seen.contains(r.target) || r.target.contains("/") || r.target.contains(":") else {
                    throw ModelError.asset(manifest: source, asset: a.name,
                                           message: "'\(r.type.rawValue)' names '\(r.target)', which is not an asset of this release (external references look like 'org/name' or 'hf:org/name')")
                }
                if r.target == a.name {
                    throw ModelError.asset(manifest: source, asset: a.name, message: "'\(r.type.rawValue)' names the asset itself")
                }
            }
        }
        // Cycles over internal relations (depth-first, colouring).
        var state: [String: Int] = [:]
        let edges = Dictionary(uniqueKeysWithValues: assets.map { a in
            (a.name, a.relations.map(\.target).filter { seen.contains($0) })
        })
        func visit(_ n: String, _ path: [String]) throws {
            if state[n] == 2 { return }
            if state[n] == 1 {
                let cycle = (path.drop { $0 != n } + [n]).joined(separator: " -> ")
                throw ModelError.asset(manifest: source, asset: n, message: "relations form a cycle: \(cycle)")
            }
            state[n] = 1
            for t in edges[n] ?? [] { try visit(t, path + [n]) }
            state[n] = 2
        }
        for a in assets { try visit(a.name, []) }
    }

    /// The manifest as JSON (what `aibom init` writes).
    public var json: JSON {
        var rel: [String: JSON] = ["name": .string(name), "version": .string(version)]
        if let supplier { rel["supplier"] = .string(supplier) }
        if let description { rel["description"] = .string(description) }
        return .object(["release": .object(rel), "assets": .array(assets.map { a in
            var o: [String: JSON] = ["name": .string(a.name), "path": .string(a.path)]
            if let k = a.kind { o["kind"] = .string(k.rawValue) }
            if let v = a.version { o["version"] = .string(v) }
            if let l = a.license { o["license"] = .string(l) }
            if let d = a.description { o["description"] = .string(d) }
            for t in RelationType.allCases {
                let targets = a.relations.filter { $0.type == t }.map(\.target)
                if targets.count == 1 { o[t.rawValue] = .string(targets[0]) } else if !targets.isEmpty {
                    o[t.rawValue] = .array(targets.map { .string($0) })
                }
            }
            return .object(o)
        })])
    }
}
