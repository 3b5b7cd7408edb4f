import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// Builds safetensors files the way the format's reference writes them: u64 LE header length,
/// JSON header, data.
func safetensorsFile(_ header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    var out = [UInt8]()
    withUnsafeBytes(of: (declaredLength ?? UInt64(h.count)).littleEndian) { out += $0 }
    return out + h + data
}

final class SafetensorsTests: XCTestCase {
    func testReadsHeaderTensorsAndMetadata() throws {
        let dir = TempDir()
        let header = #"{"b":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"a":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]},"__metadata__":{"format":"pt"}}"#
        let p = dir.write("m.safetensors", safetensorsFile(header, data: [UInt8](repeating: 0, count: 22)))
        let h = try Safetensors.read(p)
        XCTAssertEqual(h.tensors.map(\.name), ["a", "b"])
        XCTAssertEqual(h.parameterCount, 7)
        XCTAssertEqual(h.dtypes, ["F32": 1, "BF16": 1])
        XCTAssertEqual(h.metadata, ["format": "pt"])
        XCTAssertTrue(h.warnings.isEmpty)
        XCTAssertEqual(try Sniffer.detect(p), .safetensors)
    }

    func testHostileHeadersAreClearErrors() throws {
        let dir = TempDir()
        func expectError(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
            let p = dir.write("x.safetensors", bytes)
            XCTAssertThrowsError(try Safetensors.read(p), line: line) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(e)", line: line)
                XCTAssertTrue("\(e)".hasPrefix(p), "message names the file: \(e)", line: line)
            }
        }
        let t = #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        expectError(safetensorsFile(t, data: [], declaredLength: 1 << 40), "exceeds the 100000000-byte limit")
        expectError(safetensorsFile(t, data: [], declaredLength: 90_000), "exceeds the file size")
        expectError([1, 2, 3], "shorter than the 8-byte header length")
        expectError(safetensorsFile("{not json", data: []), "not valid JSON")
        expectError(safetensorsFile(#"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0]), "outside the 2-byte data section")
        expectError(safetensorsFile(#"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "needs 12 bytes")
        expectError(safetensorsFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                                    data: [UInt8](repeating: 0, count: 12)), "overlap")
        expectError(safetensorsFile(#"{"t":{"dtype":"Q9","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), "unknown dtype")
        expectError(safetensorsFile(#"{"t":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "too many")
    }

    /// A 2 GiB sparse file: only the header is read, so this takes milliseconds and no memory.
    func testHugeSparseFileReadsOnlyTheHeader() throws {
        let dir = TempDir()
        let size: UInt64 = 2 << 30
        let header = #"{"w":{"dtype":"U8","shape":[\#(size - 128)],"data_offsets":[0,\#(size - 128)]}}"#
        var h = Array(header.utf8)
        h += [UInt8](repeating: 0x20, count: 120 - h.count)  // pad the header to 120 bytes: 8 + 120 = 128
        let p = dir.write("big.safetensors", safetensorsFile(String(decoding: h, as: UTF8.self), data: []))
        XCTAssertEqual(truncate(p, off_t(size)), 0)
        let start = Date()
        let r = try Safetensors.read(p)
        XCTAssertEqual(r.parameterCount, size - 128)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "header-only read must not depend on data size")
    }
}

/// Builds GGUF v3 files field by field (the layout of ggml's gguf.c writer).
struct GGUFWriter {
    var bytes = Array("GGUF".utf8)
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func str(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
    mutating func kvString(_ k: String, _ v: String) { str(k); u32(8); str(v) }
    mutating func kvU32(_ k: String, _ v: UInt32) { str(k); u32(4); u32(v) }
}

final class GGUFTests: XCTestCase {
    func testReadsMetadataAndTensorInfos() throws {
        var w = GGUFWriter()
        w.u32(3); w.u64(2); w.u64(5)
        w.kvString("general.architecture", "llama")
        w.kvString("general.name", "Tiny")
        w.kvU32("llama.context_length", 4096)
        w.kvU32("general.file_type", 15)
        w.str("tokenizer.ggml.tokens"); w.u32(9); w.u32(8); w.u64(3)
        w.str("a"); w.str("b"); w.str("c")
        w.str("blk.0.attn_q.weight"); w.u32(2); w.u64(64); w.u64(64); w.u32(12); w.u64(0)
        w.str("token_embd.weight"); w.u32(2); w.u64(64); w.u64(100); w.u32(0); w.u64(32)
        w.bytes += [UInt8](repeating: 0, count: 64)
        let dir = TempDir()
        let p = dir.write("m.gguf", w.bytes)
        let g = try GGUF.read(p)
        XCTAssertEqual(g.version, 3)
        XCTAssertEqual(g.architecture, "llama")
        XCTAssertEqual(g.name, "Tiny")
        XCTAssertEqual(g.contextLength, 4096)
        XCTAssertEqual(g.fileType, "Q4_K_M")
        XCTAssertEqual(g.tensors.map(\.name), ["blk.0.attn_q.weight", "token_embd.weight"])
        XCTAssertEqual(g.tensors.map(\.dtype), ["Q4_K", "F32"])
        XCTAssertEqual(g.parameterCount, 64 * 64 + 6400)
        XCTAssertEqual(g.metadata["tokenizer.ggml.tokens"], .array(elementType: "string", count: 3,
                                                                   head: [.string("a"), .string("b"), .string("c")]))
        XCTAssertEqual(try Sniffer.detect(p), .gguf)
    }

    func testBillionElementArrayAndTruncationAreBoundedErrors() throws {
        let dir = TempDir()
        var w = GGUFWriter()
        w.u32(3); w.u64(0); w.u64(1)
        w.str("tokenizer.ggml.tokens"); w.u32(9); w.u32(8); w.u64(1_000_000_000)
        let p = dir.write("bomb.gguf", w.bytes)
        XCTAssertThrowsError(try GGUF.read(p)) { XCTAssertTrue("\($0)".contains("cannot fit"), "\($0)") }

        var v = GGUFWriter()
        v.u32(3); v.u64(0); v.u64(1)
        v.str("k"); v.u32(8); v.u64(1 << 62)
        XCTAssertThrowsError(try GGUF.read(dir.write("long.gguf", v.bytes))) { XCTAssertTrue("\($0)".contains("exceeds the bytes left")) }

        var c = GGUFWriter()
        c.u32(3); c.u64(1 << 40); c.u64(0)
        XCTAssertThrowsError(try GGUF.read(dir.write("count.gguf", c.bytes))) { XCTAssertTrue("\($0)".contains("impossible")) }

        var t = GGUFWriter()
        t.u32(3); t.u64(0); t.u64(2)
        t.kvString("general.architecture", "llama")
        XCTAssertThrowsError(try GGUF.read(dir.write("trunc.gguf", t.bytes)))

        var bad = GGUFWriter()
        bad.u32(7)
        XCTAssertThrowsError(try GGUF.read(dir.write("v7.gguf", bad.bytes + [UInt8](repeating: 0, count: 16)))) {
            XCTAssertTrue("\($0)".contains("version 7"))
        }
    }
}

final class ContainerFormatsTests: XCTestCase {
    /// Zip archives written by Python's zipfile (run here): PyTorch's layout (archive/data.pkl)
    /// is recognised whatever the file is called, and entries are listed with sizes.
    func testZipDirectoryAndPyTorchDetection() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import zipfile, sys
        with zipfile.ZipFile(sys.argv[1], 'w') as z:
            z.writestr('checkpoint/data.pkl', b'\\x80\\x02}q\\x00.')
            z.writestr('checkpoint/data/0', b'\\x00' * 100, compress_type=zipfile.ZIP_DEFLATED)
        with zipfile.ZipFile(sys.argv[2], 'w') as z:
            z.writestr('notes.txt', 'hello')
        """, dir.url("model.bin"), dir.url("plain.zip")])
        XCTAssertEqual(py.status, 0, py.stderr)
        let entries = try ZipDirectory.read(dir.url("model.bin"))
        XCTAssertEqual(entries.map(\.name), ["checkpoint/data.pkl", "checkpoint/data/0"])
        XCTAssertEqual(entries[1].uncompressedSize, 100)
        XCTAssertEqual(entries[1].method, 8)
        XCTAssertEqual(try Sniffer.detect(dir.url("model.bin")), .pytorchZip)
        XCTAssertEqual(try Sniffer.detect(dir.url("plain.zip")), .zip)
        XCTAssertThrowsError(try ZipDirectory.read(dir.write("fake.zip", [0x50, 0x4b, 0x03, 0x04] + [UInt8](repeating: 0, count: 30))))
    }

    /// A Parquet footer written by hand in Thrift compact encoding (FileMetaData: version=1,
    /// schema=[], num_rows=1234), framed as the format requires.
    func testParquetRowCountFromFooter() throws {
        let footer: [UInt8] = [0x15, 0x02, 0x19, 0x0c, 0x16] + [0xa4, 0x13] + [0x00]  // zigzag(1234) = 2468
        var bytes = Array("PAR1".utf8) + [1, 2, 3] + footer
        withUnsafeBytes(of: UInt32(footer.count).littleEndian) { bytes += $0 }
        bytes += Array("PAR1".utf8)
        let dir = TempDir()
        let p = dir.write("d.parquet", bytes)
        XCTAssertEqual(try Parquet.rowCount(p), 1234)
        XCTAssertEqual(try Sniffer.detect(p), .parquet)
        var lying = Array("PAR1".utf8)
        withUnsafeBytes(of: UInt32(0xffff_fff0).littleEndian) { lying += $0 }
        XCTAssertThrowsError(try Parquet.rowCount(dir.write("bad.parquet", lying + Array("PAR1".utf8))))
    }

    func testFaissHeaderAndSniffing() throws {
        let dir = TempDir()
        var b = Array("IxF2".utf8)
        withUnsafeBytes(of: Int32(384).littleEndian) { b += $0 }
        withUnsafeBytes(of: Int64(1000).littleEndian) { b += $0 }
        b += [UInt8](repeating: 0, count: 32)
        let p = dir.write("kb.index", b)
        XCTAssertEqual(try Faiss.read(p), Faiss.Header(fourcc: "IxF2", dimension: 384, count: 1000))
        XCTAssertEqual(try Sniffer.detect(p), .faiss)
        XCTAssertEqual(try Sniffer.detect(dir.write("p.pkl", [0x80, 0x04, 0x95])), .pickle)
        XCTAssertEqual(try Sniffer.detect(dir.write("t.txt", "hello")), .text)
        XCTAssertEqual(try Sniffer.detect(dir.write("d.jsonl", "{}\n")), .jsonl)
        XCTAssertEqual(try Sniffer.detect(dir.write("g.gz", [0x1f, 0x8b, 8, 0])), .gzip)
        XCTAssertEqual(try Sniffer.detect(dir.write("r.bin", [0x00, 0xff, 0x13])), .unknown)
    }
}

final class MetadataTests: XCTestCase {
    func testModelCardFrontMatter() {
        let card = ModelCard.parse("""
        ---
        license: apache-2.0
        base_model: meta-llama/Llama-3.1-8B   # upstream
        datasets:
          - "acme/chats"
          - acme/docs
        language: [en, de]
        pipeline_tag: text-generation
        model-index:
          - name: x
        ---
        # Card
        """)
        XCTAssertEqual(card?.license, "apache-2.0")
        XCTAssertEqual(card?.baseModels, ["meta-llama/Llama-3.1-8B"])
        XCTAssertEqual(card?.datasets, ["acme/chats", "acme/docs"])
        XCTAssertEqual(card?.languages, ["en", "de"])
        XCTAssertEqual(card?.pipelineTag, "text-generation")
        XCTAssertNil(ModelCard.parse("# no front matter"))
    }

    func testRecordCountsHonourQuotedNewlines() throws {
        let dir = TempDir()
        XCTAssertEqual(try Records.count(dir.write("a.jsonl", "{}\n\n{}\n{}"), format: .jsonl), 3)
        XCTAssertEqual(try Records.count(dir.write("a.csv", "h1,h2\n1,\"two\nlines\"\n3,4\n"), format: .csv), 2)
    }

    func testAdapterConfig() throws {
        let dir = TempDir()
        let p = dir.write("adapter_config.json", #"{"peft_type":"LORA","base_model_name_or_path":"acme/m","r":16,"lora_alpha":32,"target_modules":["v_proj","q_proj"]}"#)
        let c = try AdapterConfig.read(p)
        XCTAssertEqual(c.peftType, "LORA")
        XCTAssertEqual(c.rank, 16)
        XCTAssertEqual(c.loraAlpha, "32")
        XCTAssertEqual(c.targetModules, ["q_proj", "v_proj"])
        XCTAssertThrowsError(try AdapterConfig.read(dir.write("bad.json", "{")))
    }
}
