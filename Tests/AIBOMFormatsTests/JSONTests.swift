import AIBOMFormats
import AIBOMTestSupport
import XCTest

final class JSONTests: XCTestCase {
    func testParsesAndSerializesCanonically() throws {
        let v = try JSON.parse(#"{"b":[1,2.50,-0,1e3,true,null],"a":"x\u00e9\n","c":{}}"#)
        XCTAssertEqual(v["a"]?.stringValue, "xé\n")
        XCTAssertEqual(v.serialized(), #"{"a":"xé\n","b":[1,2.50,-0,1e3,true,null],"c":{}}"#)
        XCTAssertEqual(v["b"]?.arrayValue?[0].intValue, 1)
        XCTAssertEqual(try JSON.parse(v.serialized(pretty: true)), v)
    }

    func testRejectsDuplicateKeysAnywhere() {
        for text in [#"{"a":1,"a":2}"#, #"{"x":{"k":1,"k":1}}"#, #"[{"payload":"a","payload":"b"}]"#] {
            XCTAssertThrowsError(try JSON.parse(text), text) { e in
                XCTAssertTrue("\(e)".contains("duplicate key"), "\(e)")
            }
        }
        // Keys that differ only by escape spelling are the same key.
        XCTAssertThrowsError(try JSON.parse(#"{"a":1,"\u0061":2}"#))
    }

    func testRejectsMalformedInput() {
        let bad = ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"", "\"\u{01}\"", "[1] x",
                   "\"\\ud800\"", "\"\\udc00\"", "{'a':1}", "// c\n1", "NaN", "\u{feff}{}"]
        for text in bad {
            XCTAssertThrowsError(try JSON.parse(text), "accepted \(text.debugDescription)")
        }
        XCTAssertThrowsError(try JSON.parse([0x22, 0xff, 0x22]), "invalid UTF-8")
        XCTAssertThrowsError(try JSON.parse([0x22, 0xc0, 0x80, 0x22]), "overlong UTF-8")
    }

    func testDepthIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSON.parse(deep)) { XCTAssertTrue("\($0)".contains("nesting")) }
        XCTAssertNoThrow(try JSON.parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)))
    }

    func testErrorPositions() {
        XCTAssertThrowsError(try JSON.parse("{\n  \"a\": 1,\n  \"a\": 2\n}")) { e in
            let err = e as! JSONError
            XCTAssertEqual(err.line, 3)
            XCTAssertEqual(err.column, 3)
        }
    }

    /// Cross-check: Python's json module with sort_keys and compact separators writes the same
    /// bytes for documents with ASCII keys (python3 runs here; nothing of it is committed).
    func testMatchesPythonSortedCompactOutput() throws {
        let doc = #"{"z":[1,{"b":"\"q\"\\","a":null}],"m":"tab\tnl\nctl\u0001 é €","a":-12}"#
        let v = try JSON.parse(doc)
        let py = try runProcess("python3", ["-c", """
        import json,sys
        d=json.loads(sys.stdin.read())
        sys.stdout.write(json.dumps(d, sort_keys=True, separators=(',',':'), ensure_ascii=False))
        """], stdin: Array(doc.utf8))
        XCTAssertEqual(py.status, 0, py.stderr)
        XCTAssertEqual(v.serialized(), py.out)
    }
}

final class FileIOTests: XCTestCase {
    func testBoundedReadRefusesLargeAndSpecialFiles() throws {
        let dir = TempDir()
        let p = dir.write("f", [UInt8](repeating: 1, count: 100))
        XCTAssertEqual(try BoundedFile.read(p, limit: 100).count, 100)
        XCTAssertThrowsError(try BoundedFile.read(p, limit: 99)) {
            XCTAssertEqual($0 as? FileIOError, .tooLarge(path: p, size: 100, limit: 99))
        }
        XCTAssertEqual(mkfifo(dir.url("fifo"), 0o644), 0)
        XCTAssertThrowsError(try BoundedFile.read(dir.url("fifo"), limit: 10)) {
            XCTAssertEqual($0 as? FileIOError, .notRegularFile(path: dir.url("fifo"), kind: "FIFO"))
        }
        XCTAssertThrowsError(try BoundedFile.read(dir.path, limit: 10))
    }

    func testAtomicWriteNeverOverwritesWhenAsked() throws {
        let dir = TempDir()
        let p = dir.url("k.key")
        try AtomicFile.write("one", to: p, mode: 0o600, overwrite: false)
        XCTAssertThrowsError(try AtomicFile.write("two", to: p, overwrite: false)) {
            XCTAssertEqual($0 as? FileIOError, .exists(path: p))
        }
        XCTAssertEqual(try String(contentsOfFile: p, encoding: .utf8), "one")
        var st = stat()
        stat(p, &st)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        try AtomicFile.write("three", to: p)
        XCTAssertEqual(try String(contentsOfFile: p, encoding: .utf8), "three")
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["k.key"])
    }

    func testByteCounts() {
        XCTAssertEqual(ByteCount.parse("1GiB"), 1 << 30)
        XCTAssertEqual(ByteCount.parse("64M"), 64 << 20)
        XCTAssertEqual(ByteCount.parse("4096"), 4096)
        XCTAssertNil(ByteCount.parse("1.5G"))
        XCTAssertNil(ByteCount.parse("99999999999999999999T"))
        XCTAssertEqual(ByteCount.format(1536), "1.5 KiB")
    }
}
