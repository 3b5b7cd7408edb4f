import AIBOMFormats
import AIBOMScan
import AIBOMTestSupport
import Foundation
import XCTest

final class ContainerScanTests: XCTestCase {
    let alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    /// Secrets planted inside a deflated zip member, a gzip JSONL and a pickle (all written by
    /// python3's zipfile, gzip and pickle modules) are found, with the path inside the container.
    func testPlantedSecretsInContainers() throws {
        let dir = TempDir()
        let gh = "ghp_" + tok(36, alnum)
        let hf = "hf_" + tok(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", seed: 3)
        let aws = "AKIA" + tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", seed: 5)
        let py = try runProcess("python3", ["-c", """
        import zipfile, gzip, pickle, json, sys, os
        d, gh, hf, aws = sys.argv[1:5]
        with zipfile.ZipFile(os.path.join(d, "bundle.zip"), "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("configs/train.yaml", "lr: 0.001\\nhub_token: " + hf + "\\n" + "x: 1\\n" * 1000)
        with gzip.open(os.path.join(d, "chats.jsonl.gz"), "wt") as f:
            for i in range(50): f.write(json.dumps({"i": i, "text": "hello"}) + "\\n")
            f.write(json.dumps({"i": 50, "text": "my token is " + gh}) + "\\n")
        open(os.path.join(d, "state.pkl"), "wb").write(pickle.dumps({"cfg": {"aws_key": aws}}, protocol=4))
        """, dir.path, gh, hf, aws])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try Scanner().scan([dir.path])
        let found = Dictionary(uniqueKeysWithValues: r.findings.map { ($0.ruleID, $0) })
        XCTAssertEqual(found["huggingface-token"]?.location, dir.url("bundle.zip") + "!configs/train.yaml")
        XCTAssertEqual(found["huggingface-token"]?.line, 2)
        XCTAssertEqual(found["github-token"]?.location, dir.url("chats.jsonl.gz") + "!chats.jsonl")
        XCTAssertEqual(found["github-token"]?.line, 51)
        XCTAssertEqual(found["aws-access-key-id"]?.file, dir.url("state.pkl"))
        XCTAssertEqual(found["github-token"]?.fingerprint, SecretText.fingerprint(gh))
        for f in r.findings { XCTAssertNil(f.revealed); XCTAssertFalse(f.redacted!.contains(String(gh.dropFirst(4)))) }
    }

    func testZipAndGzipBombsAreBoundedErrors() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import zipfile, gzip, sys, os
        with zipfile.ZipFile(os.path.join(sys.argv[1], "bomb.zip"), "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("zeros.txt", b"\\0" * (40 << 20))
        with gzip.open(os.path.join(sys.argv[1], "bomb.txt.gz"), "wb") as f:
            f.write(b"a" * (40 << 20))
        """, dir.path])
        XCTAssertEqual(py.status, 0, py.stderr)
        var options = ScanOptions()
        options.maxMemberBytes = 8 << 20
        let start = Date()
        let r = try Scanner(options: options).scan([dir.path])
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertTrue(r.notes.contains { $0.contains("bomb.zip") && ($0.contains("zip bomb") || $0.contains("not opened")) }, "\(r.notes)")
        XCTAssertTrue(r.notes.contains { $0.contains("bomb.txt.gz") && $0.contains("decompression bomb") }, "\(r.notes)")
    }

    /// A 2 GiB sparse safetensors file with a token in __metadata__: found from the header alone.
    func testHugeSafetensorsScansOnlyTheHeader() throws {
        let dir = TempDir()
        let gh = "ghp_" + tok(36, alnum, seed: 11)
        let size: UInt64 = 2 << 30
        var header = #"{"__metadata__":{"note":"pushed with \#(gh)"},"w":{"dtype":"U8","shape":[\#(size - 256)],"data_offsets":[0,\#(size - 256)]}}"#
        header += String(repeating: " ", count: 248 - header.utf8.count)
        var bytes = [UInt8]()
        withUnsafeBytes(of: UInt64(248).littleEndian) { bytes += $0 }
        let p = dir.write("big.safetensors", bytes + Array(header.utf8))
        XCTAssertEqual(truncate(p, off_t(size)), 0)
        let start = Date()
        var r = ScanReport()
        Scanner().scanFile(p, display: "big.safetensors", into: &r)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertEqual(r.findings.map(\.ruleID), ["github-token"])
        XCTAssertLessThan(r.bytesScanned, 4096, "tensor bytes are never read")
    }

    func testGGUFMetadataStringsButNotVocabulary() throws {
        let dir = TempDir()
        let key = "sk-proj-" + tok(74, alnum + "_-", seed: 13)
        func str(_ s: String) -> [UInt8] {
            var n = UInt64(s.utf8.count).littleEndian
            return withUnsafeBytes(of: &n) { Array($0) } + Array(s.utf8)
        }
        func u32(_ v: UInt32) -> [UInt8] { var x = v.littleEndian; return withUnsafeBytes(of: &x) { Array($0) } }
        func u64(_ v: UInt64) -> [UInt8] { var x = v.littleEndian; return withUnsafeBytes(of: &x) { Array($0) } }
        var b = Array("GGUF".utf8) + u32(3) + u64(0) + u64(2)
        b += str("general.description") + u32(8) + str("uploaded by ci with " + key)
        b += str("tokenizer.ggml.tokens") + u32(9) + u32(8) + u64(1) + str("ghp_" + tok(36, alnum, seed: 17))
        let p = dir.write("m.gguf", b)
        var r = ScanReport()
        Scanner().scanFile(p, display: "m.gguf", into: &r)
        XCTAssertEqual(r.findings.map(\.ruleID), ["openai-api-key"])
        XCTAssertEqual(r.findings.first?.member, "metadata:general.description")
    }
}
