import AIBOMFormats
import AIBOMScan
import AIBOMTestSupport
import Foundation
import XCTest

/// Hand-assembled pickle opcodes (names as in CPython's pickletools).
enum P {
    static func proto(_ v: UInt8) -> [UInt8] { [0x80, v] }
    static func global(_ m: String, _ n: String) -> [UInt8] { [0x63] + Array("\(m)\n\(n)\n".utf8) }
    static func short(_ s: String) -> [UInt8] { [0x8c, UInt8(s.utf8.count)] + Array(s.utf8) }
    static func binunicode(_ s: String) -> [UInt8] {
        var n = UInt32(s.utf8.count).littleEndian
        return [0x58] + withUnsafeBytes(of: &n) { Array($0) } + Array(s.utf8)
    }
    static let stackGlobal: [UInt8] = [0x93]
    static let memoize: [UInt8] = [0x94]
    static func binget(_ i: UInt8) -> [UInt8] { [0x68, i] }
    static func binput(_ i: UInt8) -> [UInt8] { [0x71, i] }
    static let mark: [UInt8] = [0x28]
    static let tuple: [UInt8] = [0x74]
    static let tuple1: [UInt8] = [0x85]
    static let reduce: [UInt8] = [0x52]
    static let stop: [UInt8] = [0x2e]
    static let emptyTuple: [UInt8] = [0x29]
}

final class SerializationTests: XCTestCase {
    func scan(_ bytes: [UInt8], name: String = "x.pkl", options: ScanOptions = ScanOptions()) throws -> ScanReport {
        let dir = TempDir()
        let p = dir.write(name, bytes)
        var r = ScanReport()
        Scanner(options: options).scanFile(p, display: name, into: &r)
        return r
    }

    func critical(_ r: ScanReport) -> [String] {
        r.findings.filter { $0.ruleID == "pickle-dangerous-global" }.flatMap(\.globals)
    }

    func testOsSystemThroughEveryImportPath() throws {
        let cmd = P.short("id")
        let viaGlobal = P.proto(2) + P.global("os", "system") + cmd + P.tuple1 + P.reduce + P.stop
        let viaStackGlobal = P.proto(4) + P.short("os") + P.short("system") + P.stackGlobal + cmd + P.tuple1 + P.reduce + P.stop
        // Memo indirection: the module and name strings are stored, then fetched back for STACK_GLOBAL.
        let viaMemo = P.proto(4) + P.short("os") + P.memoize + P.short("system") + P.memoize + P.short("noise") + [0x30]
            + P.binget(0) + P.binget(1) + P.stackGlobal + cmd + P.tuple1 + P.reduce + P.stop
        let viaBinput = P.proto(3) + P.binunicode("posix") + P.binput(7) + [0x30] + P.binunicode("system") + P.binput(9) + [0x30]
            + P.binget(7) + P.binget(9) + P.stackGlobal + cmd + P.tuple1 + P.reduce + P.stop
        let viaInst = P.mark + cmd + [0x69] + Array("subprocess\ncheck_output\n".utf8) + P.stop  // protocol 0 INST
        let viaObj = P.proto(1) + P.mark + P.global("builtins", "eval") + P.short("1+1") + [0x6f] + P.stop  // OBJ
        let viaNewobj = P.proto(2) + P.global("runpy", "run_path") + P.emptyTuple + [0x81] + P.stop
        for (name, bytes, expected) in [("global", viaGlobal, "os.system"), ("stack_global", viaStackGlobal, "os.system"),
                                        ("memo", viaMemo, "os.system"), ("binput", viaBinput, "posix.system"),
                                        ("inst", viaInst, "subprocess.check_output"), ("obj", viaObj, "builtins.eval"),
                                        ("newobj", viaNewobj, "runpy.run_path")] {
            let r = try scan(bytes)
            XCTAssertEqual(critical(r), [expected], name)
            XCTAssertTrue(r.findings.first?.message.contains("and calls it") ?? false, "\(name): \(r.findings)")
            XCTAssertEqual(r.findings.first?.severity, .critical)
        }
    }

    /// Pickles written by CPython's own pickle module for protocols 0-5 (run here, never loaded):
    /// an object whose __reduce__ names os.system.
    func testPythonPicklesOfEveryProtocol() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import pickle, os, sys
        class Evil:
            def __reduce__(self): return (os.system, ("echo never-run",))
        for p in range(6):
            open(os.path.join(sys.argv[1], f"evil{p}.pkl"), "wb").write(pickle.dumps(Evil(), protocol=p))
        """, dir.path])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try Scanner().scan([dir.path])
        XCTAssertEqual(r.findings.filter { $0.severity == .critical }.count, 6, "\(r.findings)")
        XCTAssertTrue(r.findings.allSatisfy { $0.globals == ["posix.system"] || $0.globals == ["os.system"] })
    }

    /// Benign pickles of the shapes real checkpoints have: a PyTorch state dict (torch's own
    /// global names and persistent ids, via stand-in modules so no torch is needed), NumPy arrays,
    /// OrderedDicts. They must come out clean.
    func testBenignCheckpointsAreClean() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import pickle, sys, types, collections, os, zipfile, io
        import numpy as np
        torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
        class FloatStorage: pass
        FloatStorage.__module__ = "torch"; torch.FloatStorage = FloatStorage
        def _rebuild_tensor_v2(*a): pass
        _rebuild_tensor_v2.__module__ = "torch._utils"; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
        torch._utils = utils; sys.modules["torch"] = torch; sys.modules["torch._utils"] = utils
        class T:
            def __init__(self, k): self.k = k
            def __reduce__(self): return (_rebuild_tensor_v2, (("storage", FloatStorage, self.k, "cpu", 4), 0, (2, 2), (2, 1), False, collections.OrderedDict()))
        class TorchPickler(pickle.Pickler):
            def persistent_id(self, obj):
                return obj if isinstance(obj, tuple) and obj and obj[0] == "storage" else None
        sd = collections.OrderedDict((f"layer{i}.weight", T(str(i))) for i in range(3))
        buf = io.BytesIO(); TorchPickler(buf, protocol=2).dump(sd)
        with zipfile.ZipFile(os.path.join(sys.argv[1], "pytorch_model.bin"), "w") as z:
            z.writestr("pytorch_model/data.pkl", buf.getvalue())
            z.writestr("pytorch_model/data/0", b"\\0" * 64)
            z.writestr("pytorch_model/version", "3\\n")
        open(os.path.join(sys.argv[1], "arrays.pkl"), "wb").write(pickle.dumps({"a": np.arange(6).reshape(2, 3), "b": np.float32(1.5)}, protocol=2))
        open(os.path.join(sys.argv[1], "od.pkl"), "wb").write(pickle.dumps(collections.OrderedDict(x=[1, 2], y={"z": (3,)}), protocol=5))
        np.save(os.path.join(sys.argv[1], "plain.npy"), np.zeros((3, 3), dtype=np.float32))
        """, dir.path])
        XCTAssertEqual(py.status, 0, py.stderr)
        let r = try Scanner().scan([dir.path])
        XCTAssertEqual(r.findings.map(\.ruleID), [], "\(r.findings.map { ($0.location, $0.globals) })")
        XCTAssertEqual(r.filesScanned, 4)
    }

    func testMaliciousPickleInsideZipNamedBin() throws {
        let evil = P.proto(2) + P.global("os", "system") + P.short("id") + P.tuple1 + P.reduce + P.stop
        let dir = TempDir()
        let pkl = dir.write("payload", evil)
        let py = try runProcess("python3", ["-c", """
        import zipfile, sys
        with zipfile.ZipFile(sys.argv[2], "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.write(sys.argv[1], "whatever_name/data.pkl")
        """, pkl, dir.url("weights.bin")])
        XCTAssertEqual(py.status, 0, py.stderr)
        var r = ScanReport()
        Scanner().scanFile(dir.url("weights.bin"), display: "weights.bin", into: &r)
        XCTAssertEqual(r.findings.map(\.location), ["weights.bin!whatever_name/data.pkl"])
        XCTAssertEqual(critical(r), ["os.system"])
    }

    func testObjectDtypeNpyAndUnknownGlobals() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import numpy as np, sys
        np.save(sys.argv[1], np.array([{"k": 1}, None], dtype=object), allow_pickle=True)
        """, dir.url("obj.npy")])
        XCTAssertEqual(py.status, 0, py.stderr)
        var r = ScanReport()
        Scanner().scanFile(dir.url("obj.npy"), display: "obj.npy", into: &r)
        XCTAssertTrue(r.findings.contains { $0.ruleID == "npy-object-dtype" && $0.severity == .high }, "\(r.findings)")

        let unknown = P.proto(2) + P.global("mylib.helpers", "Loader") + P.emptyTuple + [0x81] + P.stop
        let u = try scan(unknown)
        XCTAssertEqual(u.findings.map(\.ruleID), ["pickle-unknown-global"])
        XCTAssertEqual(u.findings[0].severity, .high)
        XCTAssertEqual(u.findings[0].globals, ["mylib.helpers.Loader"])
    }

    /// aibom's view of the globals equals what CPython's pickletools disassembly shows (for
    /// GLOBAL/INST-based protocols, where pickletools names them), on pickles made by python3.
    func testGlobalsAgreeWithPickletools() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import pickle, pickletools, sys, collections, decimal, datetime, fractions, os
        objs = [collections.OrderedDict(a=decimal.Decimal("1.5")), datetime.datetime(2026, 1, 1), fractions.Fraction(1, 3), {1, 2}]
        for p in range(3):
            data = pickle.dumps(objs, protocol=p)
            open(os.path.join(sys.argv[1], f"p{p}.pkl"), "wb").write(data)
            names = sorted({arg.replace(" ", ".") for op, arg, pos in pickletools.genops(data) if op.name in ("GLOBAL", "INST")})
            print(f"p{p}.pkl " + ",".join(names))
        """, dir.path])
        XCTAssertEqual(py.status, 0, py.stderr)
        for line in py.out.split(separator: "\n") {
            let parts = line.split(separator: " ")
            let expected = parts[1].split(separator: ",").map(String.init)
            let a = PickleWalker.analyze(try BinaryReader(path: dir.url(String(parts[0]))))
            XCTAssertEqual(a.globals.map(\.qualified).sorted(), expected, String(parts[0]))
            XCTAssertNil(a.problem)
        }
    }

    func testHostilePicklesAreBoundedFindings() throws {
        let cases: [(String, [UInt8], String)] = [
            ("truncated", P.proto(4) + P.short("os"), "truncated"),
            ("unknown opcode", P.proto(4) + [0xff], "unknown opcode 0xff"),
            ("absurd length", P.proto(4) + [0x8d] + [UInt8](repeating: 0xff, count: 8), "truncated"),
            ("deep nesting", P.proto(2) + [UInt8](repeating: 0x28, count: 200_000) + P.stop, ""),
            ("memo games", P.proto(4) + P.binget(200) + P.binget(3) + P.stackGlobal + P.emptyTuple + P.reduce + P.stop, ""),
            ("huge memo index", P.proto(4) + [0x6a, 0xff, 0xff, 0xff, 0xff] + P.stop, ""),
        ]
        for (name, bytes, problem) in cases {
            let start = Date()
            let r = try scan(bytes)
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, name)
            if !problem.isEmpty {
                XCTAssertTrue(r.findings.contains { $0.ruleID == "pickle-malformed" && $0.message.contains(problem) }, "\(name): \(r.findings)")
            }
        }
        // Unresolvable STACK_GLOBAL (strings not known) is reported as unknown, never as safe.
        let games = try scan(P.proto(4) + P.binget(200) + P.binget(3) + P.stackGlobal + P.emptyTuple + P.reduce + P.stop)
        XCTAssertEqual(games.findings.map(\.ruleID), ["pickle-unknown-global"])
    }

    /// Legacy PyTorch files: several pickles back to back, then raw storage bytes.
    func testConcatenatedPicklesLegacyLayout() throws {
        let first = P.proto(2) + [0x8a, 0x0a] + [UInt8](repeating: 0x11, count: 10) + P.stop  // magic number (LONG1)
        let second = P.proto(2) + [0x4b, 0x03] + P.stop  // protocol version
        let third = P.proto(2) + P.global("os", "system") + P.short("id") + P.tuple1 + P.reduce + P.stop
        let r = try scan(first + second + third + [UInt8](repeating: 0x00, count: 256))
        XCTAssertEqual(critical(r), ["os.system"])
        let a = PickleWalker.analyze(MemoryReader(first + second + third + [0, 0, 0], name: "m"))
        XCTAssertEqual(a.pickleCount, 3)
    }

    func testDataOnlyWeightsAreCheckedAndSaidSo() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        var st = [UInt8]()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { st += $0 }
        let r = try scan(st + Array(header.utf8) + [0, 0, 0, 0], name: "m.safetensors")
        XCTAssertEqual(r.findings, [])
        XCTAssertTrue(r.notes.contains { $0.contains("data-only; header consistent") }, "\(r.notes)")
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        var bad = [UInt8]()
        withUnsafeBytes(of: UInt64(overlap.utf8.count).littleEndian) { bad += $0 }
        let b = try scan(bad + Array(overlap.utf8) + [UInt8](repeating: 0, count: 12), name: "m.safetensors")
        XCTAssertEqual(b.findings.map(\.ruleID), ["safetensors-inconsistent-header"])
    }

    func testKerasLambdaAndSavedModelOps() throws {
        let dir = TempDir()
        let py = try runProcess("python3", ["-c", """
        import zipfile, json, sys
        cfg = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"function": "4wEAAAAA"}, "module": "keras.layers"},
               {"class_name": "Custom", "module": "evil_pkg.layers", "config": {}}]}}
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            z.writestr("config.json", json.dumps(cfg)); z.writestr("metadata.json", "{}")
        """, dir.url("model.keras")])
        XCTAssertEqual(py.status, 0, py.stderr)
        dir.write("sm/saved_model.pb", [0x0a, 0x05] + Array("PyFuncStateless".utf8) + [0x12] + Array("ReadFile".utf8))
        let r = try Scanner().scan([dir.path])
        let rules = Set(r.findings.map(\.ruleID))
        XCTAssertEqual(rules, ["keras-lambda-layer", "keras-custom-object", "tf-pyfunc-op", "tf-file-op"], "\(r.findings)")
    }
}
