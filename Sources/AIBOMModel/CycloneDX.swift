import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import Foundation

/// The CycloneDX 1.6 JSON mapping of a release. CycloneDX has no adapter, prompt or index
/// component type, so: model and adapter → `machine-learning-model` (an adapter names its base
/// in `pedigree.ancestors`); dataset → `data` with `data[{type: dataset}]`; prompt → `data`
/// with `data[{type: configuration}]`; index → `data` with `data[{type: other}]`; file → `file`.
/// Every asset carries `aibom:assetKind`; aibom's own facts are `aibom:` properties; each file
/// of an asset is a nested `file` component with its SHA-256; relations are `dependencies`
/// (and `aibom:relation:TYPE` properties, which keep the relation's name).
public enum CycloneDX {
    public static let specVersion = "1.6"
    public static let toolName = "aibom"

    /// Document-level options: pin `timestamp` and `serialNumber` for byte-identical output.
    public struct Options: Sendable {
        public var timestamp: Date
        public var serialNumber: String
        public var toolVersion: String
        /// Extra `aibom:` properties on the release (e.g. scan outcome).
        public var releaseProperties: [(String, String)] = []

        public init(timestamp: Date, serialNumber: String, toolVersion: String) {
            self.timestamp = timestamp
            self.serialNumber = serialNumber
            self.toolVersion = toolVersion
        }
    }

    /// A fresh `urn:uuid:` serial (random, RFC 4122 version 4).
    public static func randomSerial() -> String {
        var b = (try? SecureRandom.bytes(16)) ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        b[6] = b[6] & 0x0f | 0x40
        b[8] = b[8] & 0x3f | 0x80
        let h = Hex.encode(b)
        let u = Array(h)
        return "urn:uuid:\(String(u[0..<8]))-\(String(u[8..<12]))-\(String(u[12..<16]))-\(String(u[16..<20]))-\(String(u[20..<32]))"
    }

    /// True if `s` is a `urn:uuid:` serial number as the schema requires.
    public static func isValidSerial(_ s: String) -> Bool {
        let pattern = "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
        return s.range(of: pattern, options: .regularExpression) != nil
    }

    static func ref(_ asset: String) -> String { "asset:\(asset)" }
    static func fileRef(_ asset: String, _ path: String) -> String { "file:\(asset)/\(path)" }

    static func prop(_ name: String, _ value: String) -> JSON {
        .object(["name": .string(name), "value": .string(value)])
    }

    static func hashes(_ d: Digest) -> JSON {
        .array([.object(["alg": .string("SHA-256"), "content": .string(d.hex)])])
    }

    /// `timestamp` as RFC 3339 UTC with seconds.
    public static func formatTimestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    // MARK: encode

    /// Encodes a release as a CycloneDX 1.6 document.
    public static func encode(_ release: Release, options: Options) -> JSON {
        let inRelease = Set(release.assets.map(\.name))
        var components: [JSON] = []
        var deps: [String: Set<String>] = [:]
        for a in release.assets {
            components.append(component(a, release: release))
            for r in a.relations where inRelease.contains(r.target) {
                if r.type == .usedBy {
                    deps[ref(r.target), default: []].insert(ref(a.name))
                } else {
                    deps[ref(a.name), default: []].insert(ref(r.target))
                }
            }
        }
        var dependencies: [JSON] = [.object([
            "ref": .string("release"), "dependsOn": .array(release.assets.map { .string(ref($0.name)) }),
        ])]
        for a in release.assets {
            let on = (deps[ref(a.name)] ?? []).sorted()
            dependencies.append(.object(["ref": .string(ref(a.name)), "dependsOn": .array(on.map { .string($0) })]))
        }
        var releaseComponent: [String: JSON] = [
            "type": .string("application"), "bom-ref": .string("release"), "name": .string(release.name),
            "version": .string(release.version),
        ]
        if let d = release.description { releaseComponent["description"] = .string(d) }
        if let s = release.supplier { releaseComponent["supplier"] = .object(["name": .string(s)]) }
        var metadata: [String: JSON] = [
            "timestamp": .string(formatTimestamp(options.timestamp)),
            "tools": .object(["components": .array([.object([
                "type": .string("application"), "name": .string(toolName), "version": .string(options.toolVersion),
            ])])]),
            "component": .object(releaseComponent),
        ]
        if let s = release.supplier { metadata["supplier"] = .object(["name": .string(s)]) }
        if !options.releaseProperties.isEmpty {
            metadata["properties"] = .array(options.releaseProperties.map { prop("aibom:\($0.0)", $0.1) })
        }
        return .object([
            "$schema": .string("http://cyclonedx.org/schema/bom-1.6.schema.json"),
            "bomFormat": .string("CycloneDX"), "specVersion": .string(specVersion),
            "serialNumber": .string(options.serialNumber), "version": .int(1),
            "metadata": .object(metadata), "components": .array(components), "dependencies": .array(dependencies),
        ])
    }

    static func component(_ a: AssetRecord, release: Release) -> JSON {
        var c: [String: JSON] = [
            "bom-ref": .string(ref(a.name)), "name": .string(a.name), "hashes": hashes(a.digest),
        ]
        switch a.kind {
        case .model, .adapter: c["type"] = .string("machine-learning-model")
        case .dataset, .prompt, .index: c["type"] = .string("data")
        case .file: c["type"] = .string("file")
        }
        if let v = a.version { c["version"] = .string(v) }
        if let d = a.description { c["description"] = .string(d) }
        if let l = a.license { c["licenses"] = .array([license(l)]) }
        var props: [JSON] = [
            prop("aibom:assetKind", a.kind.rawValue), prop("aibom:path", a.path),
            prop("aibom:isDirectory", a.isDirectory ? "true" : "false"),
        ]
        for (k, v) in a.properties.sorted(by: { $0.key < $1.key }) { props.append(prop("aibom:\(k)", v)) }
        for r in a.relations { props.append(prop("aibom:relation:\(r.type.rawValue)", r.target)) }
        for w in a.warnings { props.append(prop("aibom:warning", w)) }
        c["properties"] = .array(props)

        if a.kind == .model || a.kind == .adapter {
            var params: [String: JSON] = [:]
            if let t = a.task { params["task"] = .string(t) }
            if let f = a.architectureFamily { params["architectureFamily"] = .string(f) }
            if let m = a.modelArchitecture { params["modelArchitecture"] = .string(m) }
            let trained = a.relations.filter { $0.type == .trainedOn }.map(\.target)
            let inRelease = trained.filter { release.asset(named: $0) != nil }
            let external = trained.filter { release.asset(named: $0) == nil }
            let ds: [JSON] = inRelease.map { .object(["ref": .string(ref($0))]) }
                + external.map { .object(["type": .string("dataset"), "name": .string($0)]) }
            if !ds.isEmpty { params["datasets"] = .array(ds) }
            if !params.isEmpty { c["modelCard"] = .object(["modelParameters": .object(params)]) }
            let ancestors = a.relations.filter { $0.type == .base || $0.type == .fineTunedFrom }.map { r -> JSON in
                var anc: [String: JSON] = ["type": .string("machine-learning-model"), "name": .string(r.target)]
                if let t = release.asset(named: r.target) {
                    anc["hashes"] = hashes(t.digest)
                    if let v = t.version { anc["version"] = .string(v) }
                }
                return .object(anc)
            }
            if !ancestors.isEmpty { c["pedigree"] = .object(["ancestors": .array(ancestors)]) }
        }
        switch a.kind {
        case .dataset: c["data"] = .array([.object(["type": .string("dataset"), "name": .string(a.name)])])
        case .prompt: c["data"] = .array([.object(["type": .string("configuration"), "name": .string(a.name)])])
        case .index:
            c["data"] = .array([.object(["type": .string("other"), "name": .string(a.name),
                                         "description": .string("retrieval index")])])
        default: break
        }
        c["components"] = .array(a.files.map { f in
            var fp: [JSON] = [prop("aibom:size", String(f.size))]
            if let fmt = f.format { fp.append(prop("aibom:format", fmt.rawValue)) }
            for (k, v) in f.properties.sorted(by: { $0.key < $1.key }) { fp.append(prop("aibom:\(k)", v)) }
            for t in f.tensors { fp.append(prop("aibom:tensor", tensorLine(t))) }
            return .object([
                "type": .string("file"), "bom-ref": .string(fileRef(a.name, f.path)), "name": .string(f.path),
                "hashes": hashes(f.sha256), "properties": .array(fp),
            ])
        })
        return .object(c)
    }

    /// `DTYPE [d0,d1,...] name`: one line per tensor, name last so it may hold spaces.
    static func tensorLine(_ t: TensorInfo) -> String {
        "\(t.dtype) [\(t.shape.map(String.init).joined(separator: ","))] \(t.name)"
    }

    static func parseTensorLine(_ s: String) -> TensorInfo? {
        let parts = s.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].hasPrefix("["), parts[1].hasSuffix("]") else { return nil }
        let dims = parts[1].dropFirst().dropLast().split(separator: ",").compactMap { UInt64($0) }
        return TensorInfo(name: String(parts[2]), dtype: String(parts[0]), shape: dims, begin: 0, end: 0)
    }

    /// SPDX ids for the license names model cards use (Hugging Face's lowercase ids).
    static let spdx: [String: String] = [
        "apache-2.0": "Apache-2.0", "mit": "MIT", "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause",
        "cc0-1.0": "CC0-1.0", "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-4.0": "CC-BY-NC-4.0",
        "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "cc-by-nd-4.0": "CC-BY-ND-4.0", "gpl-3.0": "GPL-3.0-only",
        "gpl-2.0": "GPL-2.0-only", "lgpl-3.0": "LGPL-3.0-only", "agpl-3.0": "AGPL-3.0-only", "mpl-2.0": "MPL-2.0",
        "openrail": "OpenRAIL", "unlicense": "Unlicense", "odc-by": "ODC-By-1.0", "odbl": "ODbL-1.0",
        "cdla-permissive-2.0": "CDLA-Permissive-2.0", "artistic-2.0": "Artistic-2.0", "bsl-1.0": "BSL-1.0",
        "wtfpl": "WTFPL", "zlib": "Zlib", "ecl-2.0": "ECL-2.0", "epl-2.0": "EPL-2.0", "isc": "ISC",
    ]

    /// The SPDX id for a license name when aibom knows it (`apache-2.0` → `Apache-2.0`), else the name.
    public static func normalizedLicense(_ l: String) -> String {
        spdx[l.lowercased()] ?? l
    }

    static func license(_ l: String) -> JSON {
        if let id = spdx[l.lowercased()] ?? spdx.values.first(where: { $0 == l }) {
            return .object(["license": .object(["id": .string(id)])])
        }
        return .object(["license": .object(["name": .string(l)])])
    }

    // MARK: decode

    /// Reads a release back from a CycloneDX document written by aibom (others are read as far
    /// as they follow the mapping: components without `aibom:assetKind` become `file` assets).
    public static func decode(_ doc: JSON, source: String) throws -> Release {
        func fail(_ m: String) -> ModelError { .bom(path: source, message: m) }
        guard doc["bomFormat"]?.stringValue == "CycloneDX" else { throw fail("not a CycloneDX BOM (bomFormat missing)") }
        guard let spec = doc["specVersion"]?.stringValue, ["1.4", "1.5", "1.6"].contains(spec) else {
            throw fail("CycloneDX specVersion \(doc["specVersion"]?.stringValue ?? "missing") is not supported")
        }
        let meta = doc["metadata"]?["component"]
        var release = Release(name: meta?["name"]?.stringValue ?? "unnamed", version: meta?["version"]?.stringValue ?? "",
                              supplier: meta?["supplier"]?["name"]?.stringValue,
                              description: meta?["description"]?.stringValue, assets: [])
        for c in doc["components"]?.arrayValue ?? [] {
            guard let name = c["name"]?.stringValue else { throw fail("a component has no name") }
            let props = properties(c)
            let kind = props.first { $0.0 == "aibom:assetKind" }.flatMap { AssetKind(rawValue: $0.1) } ?? .file
            let path = props.first { $0.0 == "aibom:path" }?.1 ?? name
            let isDir = props.first { $0.0 == "aibom:isDirectory" }?.1 == "true"
            var a = AssetRecord(name: name, kind: kind, path: path, isDirectory: isDir)
            a.version = c["version"]?.stringValue
            a.description = c["description"]?.stringValue
            if let l = c["licenses"]?.arrayValue?.first?["license"] {
                a.license = l["id"]?.stringValue ?? l["name"]?.stringValue
            }
            for (k, v) in props where k.hasPrefix("aibom:") {
                let key = String(k.dropFirst(6))
                if key.hasPrefix("relation:"), let t = RelationType(rawValue: String(key.dropFirst(9))) {
                    a.relations.append(Relation(t, v))
                } else if key == "warning" {
                    a.warnings.append(v)
                } else if !["assetKind", "path", "isDirectory"].contains(key) {
                    a.properties[key] = v
                }
            }
            let mp = c["modelCard"]?["modelParameters"]
            a.task = mp?["task"]?.stringValue
            a.architectureFamily = mp?["architectureFamily"]?.stringValue
            a.modelArchitecture = mp?["modelArchitecture"]?.stringValue
            for f in c["components"]?.arrayValue ?? [] {
                guard let fname = f["name"]?.stringValue, let d = sha256(f) else {
                    throw fail("asset '\(name)': a file component lacks a name or a SHA-256 hash")
                }
                let fprops = properties(f)
                let size = fprops.first { $0.0 == "aibom:size" }.flatMap { UInt64($0.1) } ?? 0
                var rec = FileRecord(path: fname, size: size, sha256: d,
                                     format: fprops.first { $0.0 == "aibom:format" }.flatMap { FileFormat(rawValue: $0.1) })
                for (k, v) in fprops where k.hasPrefix("aibom:") && k != "aibom:size" && k != "aibom:format" {
                    if k == "aibom:tensor" {
                        if let t = parseTensorLine(v) { rec.tensors.append(t) }
                    } else {
                        rec.properties[String(k.dropFirst(6))] = v
                    }
                }
                a.files.append(rec)
            }
            if a.files.isEmpty, let d = sha256(c) {
                // A component without file children (not written by aibom): one file, its own hash.
                a.files = [FileRecord(path: (path as NSString).lastPathComponent, size: 0, sha256: d)]
            } else {
                a.rememberDigest()
                if let d = sha256(c), d != a.digest {
                    throw fail("asset '\(name)': its SHA-256 does not match the digest of its files")
                }
            }
            release.assets.append(a)
        }
        return release
    }

    static func properties(_ c: JSON) -> [(String, String)] {
        (c["properties"]?.arrayValue ?? []).compactMap { p in
            guard let n = p["name"]?.stringValue, let v = p["value"]?.stringValue else { return nil }
            return (n, v)
        }
    }

    static func sha256(_ c: JSON) -> Digest? {
        for h in c["hashes"]?.arrayValue ?? [] where h["alg"]?.stringValue == "SHA-256" {
            if let hex = h["content"]?.stringValue, Hex.isLowercaseHex(hex, length: 64) {
                return Digest(algorithm: .sha256, hex: hex)
            }
        }
        return nil
    }

    /// Reads a BOM file (bounded) and decodes it.
    public static func load(_ path: String) throws -> (JSON, Release) {
        let bytes = try BoundedFile.read(path, limit: 256 << 20)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw ModelError.bom(path: path, message: "not valid JSON: \(error)") }
        return (json, try decode(json, source: path))
    }
}
