import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import AIBOMModel
import AIBOMTestSupport
import Foundation
import XCTest

private func manifest(_ dir: TempDir, _ json: String) -> String { dir.write("manifest.json", json) }

final class ManifestTests: XCTestCase {
    func testUsageErrorsNameTheAsset() {
        let dir = TempDir()
        let cases: [(String, String)] = [
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x"},{"name":"a","path":"y"}]}"#,
             "asset 'a': duplicate asset name"),
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x","base":"ghost"}]}"#,
             "asset 'a': 'base' names 'ghost', which is not an asset of this release"),
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x","base":"b"},{"name":"b","path":"y","fineTunedFrom":"a"}]}"#,
             "relations form a cycle: a -> b -> a"),
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x","kind":"weights"}]}"#,
             "asset 'a': 'kind' must be one of"),
            (#"{"release":{"name":"r"},"assets":[]}"#, "missing string 'release.version'"),
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x","colour":"red"}]}"#,
             "asset 'a': unknown field 'colour'"),
            (#"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"x"}],"release":{}}"#, "duplicate key"),
        ]
        for (json, fragment) in cases {
            let p = manifest(dir, json)
            XCTAssertThrowsError(try ReleaseManifest.load(p), json) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(e) lacks \(fragment)")
                XCTAssertTrue("\(e)".hasPrefix(p), "\(e)")
            }
        }
    }

    func testExternalReferencesAndJSONRoundTrip() throws {
        let dir = TempDir()
        let p = manifest(dir, #"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","kind":"adapter","path":"x","base":"meta-llama/Llama-3.1-8B","trainedOn":["d"]},{"name":"d","path":"y"}]}"#)
        let m = try ReleaseManifest.load(p)
        XCTAssertEqual(m.assets[0].relations, [Relation(.base, "meta-llama/Llama-3.1-8B"), Relation(.trainedOn, "d")])
        var again = try ReleaseManifest.load(dir.write("m2.json", m.json.serialized(pretty: true)))
        again.source = m.source
        XCTAssertEqual(again, m)
    }
}

final class ReleaseBuilderTests: XCTestCase {
    /// A release with every kind, built in a temporary directory.
    func makeRelease(_ dir: TempDir) -> String {
        let header = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        var st = [UInt8]()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { st += $0 }
        st += Array(header.utf8) + [UInt8](repeating: 0, count: 16)
        dir.write("m/model.safetensors", st)
        dir.write("m/config.json", #"{"architectures":["LlamaForCausalLM"],"model_type":"llama"}"#)
        dir.write("m/README.md", "---\nlicense: mit\npipeline_tag: text-generation\ndatasets:\n- org/chats\n---\n")
        dir.write("lora/adapter_config.json", #"{"peft_type":"LORA","base_model_name_or_path":"org/m","r":4,"target_modules":["q_proj"]}"#)
        dir.write("lora/adapter_model.safetensors", st)
        dir.write("chats.jsonl", "{}\n{}\n")
        dir.write("prompt.txt", "You are helpful.")
        dir.write("broken.safetensors", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x7b])
        return manifest(dir, """
        {"release":{"name":"demo","version":"2.0","supplier":"Acme"},
         "assets":[{"name":"m","path":"m"},{"name":"lora","path":"lora"},{"name":"chats","path":"chats.jsonl"},
                   {"name":"sys","path":"prompt.txt","kind":"prompt","usedBy":"m"},
                   {"name":"broken","path":"broken.safetensors","kind":"model"}]}
        """)
    }

    func testInfersKindsFactsAndRelations() throws {
        let dir = TempDir()
        let m = try ReleaseManifest.load(makeRelease(dir))
        let r = try ReleaseBuilder().build(m, root: dir.path)
        let kinds = Dictionary(uniqueKeysWithValues: r.assets.map { ($0.name, $0.kind) })
        XCTAssertEqual(kinds, ["m": .model, "lora": .adapter, "chats": .dataset, "sys": .prompt, "broken": .model])
        let model = r.asset(named: "m")!
        XCTAssertEqual(model.license, "MIT", "normalized to the SPDX id")
        XCTAssertEqual(model.task, "text-generation")
        XCTAssertEqual(model.modelArchitecture, "LlamaForCausalLM")
        XCTAssertEqual(model.properties["parameterCount"], "4")
        let lora = r.asset(named: "lora")!
        XCTAssertEqual(lora.relations, [Relation(.base, "m")], "inferred from base_model_name_or_path")
        XCTAssertEqual(lora.properties["loraRank"], "4")
        XCTAssertEqual(r.asset(named: "chats")?.properties["recordCount"], "2")
        // A hostile header is a recorded warning; the rest of the release is still described.
        let broken = r.asset(named: "broken")!
        XCTAssertEqual(broken.files.count, 1)
        XCTAssertTrue(broken.warnings.contains { $0.contains("exceeds") }, "\(broken.warnings)")
    }

    /// The directory digest as the README defines it, recomputed with sha256sum and printf.
    func testDirectoryDigestDefinitionMatchesShell() throws {
        let dir = TempDir()
        let m = try ReleaseManifest.load(makeRelease(dir))
        let r = try ReleaseBuilder().build(m, root: dir.path)
        let model = r.asset(named: "m")!
        let script = """
        cd '\(dir.url("m"))' && for f in $(find . -type f | sed 's|^\\./||' | LC_ALL=C sort); do
          printf '%s\\0%s\\n' "$f" "$(sha256sum "$f" | cut -c1-64)"; done | sha256sum | cut -c1-64
        """
        let out = try runProcess("sh", ["-c", script])
        XCTAssertEqual(out.out.trimmingCharacters(in: .whitespacesAndNewlines), model.digest.hex)
        XCTAssertEqual(r.asset(named: "chats")!.digest.value, SHA256.hash(Array("{}\n{}\n".utf8)))
    }

    func testBuildErrors() throws {
        let dir = TempDir()
        dir.write("a.txt", "x")
        let missing = manifest(dir, #"{"release":{"name":"r","version":"1"},"assets":[{"name":"gone","path":"nope"}]}"#)
        XCTAssertThrowsError(try ReleaseBuilder().build(try ReleaseManifest.load(missing), root: dir.path)) {
            XCTAssertTrue("\($0)".contains("asset 'gone': path 'nope' does not exist"), "\($0)")
        }
        dir.write("d/x.txt", "x")
        let overlap = manifest(dir, #"{"release":{"name":"r","version":"1"},"assets":[{"name":"d","path":"d"},{"name":"x","path":"d/x.txt"}]}"#)
        XCTAssertThrowsError(try ReleaseBuilder().build(try ReleaseManifest.load(overlap), root: dir.path)) {
            XCTAssertTrue("\($0)".contains("overlaps asset 'd'"), "\($0)")
        }
        let wrongKind = manifest(dir, #"{"release":{"name":"r","version":"1"},"assets":[{"name":"a","path":"a.txt","kind":"dataset","base":"d"},{"name":"d","path":"d"}]}"#)
        XCTAssertThrowsError(try ReleaseBuilder().build(try ReleaseManifest.load(wrongKind), root: dir.path)) {
            XCTAssertTrue("\($0)".contains("'base' applies to adapter assets"), "\($0)")
        }
    }

    func testCycloneDXIsDeterministicAndRoundTrips() throws {
        let dir = TempDir()
        let m = try ReleaseManifest.load(makeRelease(dir))
        let opts = CycloneDX.Options(timestamp: Date(timeIntervalSince1970: 1_700_000_000),
                                     serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", toolVersion: "test")
        let a = CycloneDX.encode(try ReleaseBuilder().build(m, root: dir.path), options: opts).serialized(pretty: true)
        let b = CycloneDX.encode(try ReleaseBuilder(hashOptions: HashOptions(jobs: 1)).build(m, root: dir.path),
                                 options: opts).serialized(pretty: true)
        XCTAssertEqual(a, b)
        let doc = try JSON.parse(a)
        XCTAssertEqual(doc["specVersion"]?.stringValue, "1.6")
        XCTAssertEqual(doc["metadata"]?["timestamp"]?.stringValue, "2023-11-14T22:13:20Z")
        let decoded = try CycloneDX.decode(doc, source: "bom")
        let original = try ReleaseBuilder().build(m, root: dir.path)
        XCTAssertEqual(decoded.assets.map(\.name), original.assets.map(\.name))
        XCTAssertEqual(decoded.assets.map(\.digest), original.assets.map(\.digest))
        XCTAssertEqual(decoded.asset(named: "lora")?.relations, original.asset(named: "lora")?.relations)
        XCTAssertEqual(decoded.asset(named: "m")?.files.first { $0.path == "model.safetensors" }?.tensors.map(\.name), ["w"])
        XCTAssertTrue(CycloneDX.isValidSerial(CycloneDX.randomSerial()))
    }

    func testDecodeRejectsInconsistentBOM() throws {
        let dir = TempDir()
        let m = try ReleaseManifest.load(makeRelease(dir))
        let opts = CycloneDX.Options(timestamp: Date(), serialNumber: CycloneDX.randomSerial(), toolVersion: "t")
        var text = CycloneDX.encode(try ReleaseBuilder().build(m, root: dir.path), options: opts).serialized()
        let chats = try ReleaseBuilder().build(m, root: dir.path).asset(named: "m")!.digest.hex
        text = text.replacingOccurrences(of: chats, with: String(repeating: "0", count: 64))
        XCTAssertThrowsError(try CycloneDX.decode(try JSON.parse(text), source: "bom.json")) {
            XCTAssertTrue("\($0)".contains("does not match the digest of its files"), "\($0)")
        }
        XCTAssertThrowsError(try CycloneDX.decode(try JSON.parse(#"{"bomFormat":"SPDX"}"#), source: "x"))
    }

    func testDiscoveryFindsOneAssetPerUnit() throws {
        let dir = TempDir()
        _ = makeRelease(dir)
        dir.write("idx/index.faiss", Array("IxF2".utf8) + [UInt8](repeating: 1, count: 40))
        let specs = try Discovery.discover(dir.path, relativeTo: dir.path)
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, ($0.kind, $0.path)) })
        XCTAssertEqual(byName["m"]?.0, .model)
        XCTAssertEqual(byName["lora"]?.0, .adapter)
        XCTAssertEqual(byName["chats"]?.0, .dataset)
        XCTAssertEqual(byName["index"]?.0, .index)
        XCTAssertEqual(byName["chats"]?.1, "chats.jsonl")
    }
}
