import AIBOMCrypto
import AIBOMDiff
import AIBOMDigest
import AIBOMFormats
import AIBOMModel
import XCTest

final class ReleaseDiffTests: XCTestCase {
    func d(_ s: String) -> Digest { Digest(algorithm: .sha256, value: SHA256.hash(s)) }

    func asset(_ name: String, _ kind: AssetKind, files: [(String, String)], dir: Bool = true) -> AssetRecord {
        var a = AssetRecord(name: name, kind: kind, path: "p/\(name)", isDirectory: dir)
        a.files = files.map { FileRecord(path: $0.0, size: 1, sha256: d($0.1)) }
        return a
    }

    func side(_ assets: [AssetRecord], version: String = "1", signers: [String]? = nil) -> DiffSide {
        DiffSide(release: Release(name: "r", version: version, assets: assets), signers: signers, label: "r \(version)")
    }

    func kinds(_ c: [Change]) -> [String] { c.map { "\($0.kind.rawValue) \($0.asset ?? "") \($0.subject ?? "")" } }

    func testAssetsAddedRemovedRenamedMoved() {
        let a = asset("a", .dataset, files: [("x", "1")])
        let b = asset("b", .prompt, files: [("y", "2")])
        var moved = asset("m", .file, files: [("z", "3")])
        let renamedOld = asset("old-name", .model, files: [("w", "4")])
        var renamedNew = renamedOld
        renamedNew.name = "new-name"
        let oldSide = side([a, b, moved, renamedOld])
        moved.path = "elsewhere/m"
        let c = ReleaseDiff.compute(oldSide, side([a, moved, renamedNew, asset("c", .index, files: [("q", "5")])]))
        XCTAssertEqual(Set(kinds(c)), ["asset-renamed new-name p/old-name", "asset-removed b prompt", "asset-added c index",
                                       "asset-moved m path"])
    }

    func testFilesAndTensors() {
        var o = asset("m", .model, files: [("keep", "1"), ("gone", "2"), ("w.safetensors", "3"), ("old-name", "9")])
        var n = asset("m", .model, files: [("keep", "1"), ("new", "4"), ("w.safetensors", "5"), ("new-name", "9")])
        o.files[2].tensors = [TensorInfo(name: "a", dtype: "F32", shape: [2, 2], begin: 0, end: 0),
                              TensorInfo(name: "b", dtype: "F32", shape: [4], begin: 0, end: 0)]
        n.files[2].tensors = [TensorInfo(name: "a", dtype: "BF16", shape: [2, 2], begin: 0, end: 0),
                              TensorInfo(name: "c", dtype: "F32", shape: [8], begin: 0, end: 0)]
        let c = ReleaseDiff.compute(side([o]), side([n]))
        XCTAssertEqual(kinds(c), ["asset-changed m model", "file-added m new", "file-changed m w.safetensors",
                                  "tensor-changed m w.safetensors: a", "tensor-added m w.safetensors: c",
                                  "tensor-removed m w.safetensors: b", "file-moved m new-name", "file-removed m gone"],
                       "the new side's file order, then removals")
        let t = c.first { $0.kind == .tensorChanged }!
        XCTAssertEqual(t.old, "F32[2,2]")
        XCTAssertEqual(t.new, "BF16[2,2]")
        XCTAssertTrue(t.categories.contains("tensors") && t.categories.contains("weights"))
    }

    /// Sorted file lists (as aibom writes them) take the merge walk; the result is the same
    /// changes as the general path gives for the same files in another order.
    func testSortedMergeWalkAgreesWithGeneralPath() {
        let old = [("a", "1"), ("b", "2"), ("c", "3"), ("m/x", "4"), ("z", "5")]
        let new = [("a", "1"), ("b", "changed"), ("d", "new"), ("m/y", "4"), ("z", "5")]
        let sortedChanges = ReleaseDiff.compute(side([asset("s", .dataset, files: old)]), side([asset("s", .dataset, files: new)]))
        let shuffled = ReleaseDiff.compute(side([asset("s", .dataset, files: old.reversed())]),
                                           side([asset("s", .dataset, files: new.reversed())]))
        XCTAssertEqual(Set(kinds(sortedChanges)), ["asset-changed s dataset", "file-changed s b", "file-added s d",
                                                   "file-moved s m/y", "file-removed s c"])
        XCTAssertEqual(Set(kinds(sortedChanges)), Set(kinds(shuffled)))
    }

    func testMetadataRelationsFindingsSigners() {
        var o = asset("lora", .adapter, files: [("a", "1")])
        o.license = "apache-2.0"
        o.properties = ["loraRank": "8", "quantization": "Q4_K_M", "scanFindingList": "high x a 1111"]
        o.relations = [Relation(.base, "m1")]
        var n = o
        n.license = "cc-by-nc-4.0"
        n.properties = ["loraRank": "16", "quantization": "Q8_0", "scanFindingList": "high x a 1111; critical y a 2222"]
        n.relations = [Relation(.base, "m2")]
        let c = ReleaseDiff.compute(side([o], signers: ["k1", "k2"]), side([n], version: "2", signers: ["k1", "k3"]))
        let byKind = Dictionary(grouping: c, by: \.kind)
        XCTAssertEqual(byKind[.metadata]?.map { $0.subject! }.sorted(), ["adapter rank", "license", "quantization"])
        XCTAssertEqual(byKind[.relationAdded]?.first?.new, "m2")
        XCTAssertTrue(byKind[.relationAdded]!.first!.categories.contains("base-model"))
        XCTAssertEqual(byKind[.findingsAdded]?.first?.new, "critical y a 2222")
        XCTAssertEqual(byKind[.signerAdded]?.first?.new, "k3")
        XCTAssertEqual(byKind[.signerRemoved]?.first?.old, "k2")
        XCTAssertNotNil(byKind[.releaseVersion])
        XCTAssertTrue(c.contains { $0.categories.contains("license") })
        XCTAssertTrue(c.contains { $0.categories.contains("new-findings") })
    }

    func testNoChangesAndRenderers() throws {
        let a = asset("a", .dataset, files: [("x", "1")])
        XCTAssertEqual(ReleaseDiff.compute(side([a]), side([a])), [])
        let c = ReleaseDiff.compute(side([a]), side([]))
        let json = DiffRenderer.json(c, old: "r 1", new: "r 1")
        XCTAssertEqual(json["count"]?.intValue, 1)
        XCTAssertEqual(json["changes"]?.arrayValue?.first?["kind"]?.stringValue, "asset-removed")
        XCTAssertEqual(json["changes"]?.arrayValue?.first?["categories"], .array([.string("any"), .string("assets"), .string("data")]))
        XCTAssertTrue(DiffRenderer.markdown(c, old: "a", new: "b").contains("| - asset | a (dataset) |"))
        XCTAssertTrue(DiffRenderer.text(c, old: "a", new: "b", color: false).contains("- asset  a (dataset)"))
    }

    /// 100,000 files a side: linear-time diff (the benchmark script times the CLI end to end).
    func testLargeDirectoryDiffIsLinear() {
        let files = (0..<100_000).map { ("f\($0)", "v\($0)") }
        let o = asset("big", .dataset, files: files)
        var nf = files
        nf[500] = ("f500", "changed")
        let n = asset("big", .dataset, files: nf)
        let start = Date()
        let c = ReleaseDiff.compute(side([o]), side([n]))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(kinds(c), ["asset-changed big dataset", "file-changed big f500"])
    }
}
