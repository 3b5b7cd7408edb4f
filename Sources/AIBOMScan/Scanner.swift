import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import Dispatch
import Foundation
import Synchronization

/// Per-index results filled in by worker threads.
final class ParallelResults<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ v: T) { slots.withLock { $0[i] = v } }
    func values() -> [T] { slots.withLock { $0.compactMap { $0 } } }
}

/// Options of a scan.
public struct ScanOptions: Sendable {
    public var secrets = true
    public var serialization = true
    /// Keep secrets in clear in findings (`--reveal`).
    public var reveal = false
    public var followSymlinks = false
    /// Container nesting depth (zip in zip, gzip in zip, ...).
    public var maxDepth = 3
    /// Largest member or decompressed stream read into memory.
    public var maxMemberBytes = 256 << 20
    /// Total decompressed bytes per top-level file.
    public var maxExpandedBytes = 1 << 30
    /// Bytes of an unknown binary file searched for printable runs.
    public var maxBinaryBytes = 64 << 20
    public init() {}
}

/// The outcome of a scan.
public struct ScanReport: Sendable {
    public var findings: [Finding] = []
    public var filesScanned = 0
    public var bytesScanned: UInt64 = 0
    /// Per-file remarks: data-only formats with consistent headers, skipped vocabularies, limits hit.
    public var notes: [String] = []
    public init() {}
}

/// Scans files and directories for secrets and unsafe serialization, by format.
public struct Scanner: Sendable {
    public let options: ScanOptions
    let matcher = SecretMatcher()

    public init(options: ScanOptions = ScanOptions()) { self.options = options }

    /// Files whose strings are vocabularies, not secrets.
    static let vocabularyNames: Set<String> = ["tokenizer.json", "vocab.json", "vocab.txt", "merges.txt", "tokenizer.model",
                                               "spiece.model", "sentencepiece.bpe.model", "added_tokens.json"]

    /// Scans every regular file under `paths`.
    public func scan(_ paths: [String]) throws -> ScanReport {
        var report = ScanReport()
        let walker = TreeWalker(options: WalkOptions(followSymlinks: options.followSymlinks, ignorePaths: [".git"]))
        var files: [(open: String, display: String)] = []
        for root in paths {
            let walk = try walker.walk(root)
            for s in walk.skipped { report.notes.append("\(walk.rootIsFile ? root : root + "/" + s.relativePath): \(s.description)") }
            for f in walk.files {
                files.append((f.openPath, walk.rootIsFile ? root : (root.hasSuffix("/") ? root + f.relativePath : root + "/" + f.relativePath)))
            }
        }
        // Files are independent: scan them on all cores, then merge in order.
        let results = ParallelResults<ScanReport>(count: files.count)
        let next = Atomic<Int>(0)
        let list = files
        DispatchQueue.concurrentPerform(iterations: min(HashOptions.onlineCores, max(1, files.count))) { _ in
            while true {
                let k = next.add(1, ordering: .relaxed).oldValue
                guard k < list.count else { return }
                var r = ScanReport()
                scanFile(list[k].open, display: list[k].display, into: &r)
                results.set(k, r)
            }
        }
        for r in results.values() {
            report.findings += r.findings
            report.notes += r.notes
            report.filesScanned += r.filesScanned
            report.bytesScanned += r.bytesScanned
        }
        report.findings.sort { ($0.location, $0.line ?? 0, $0.offset ?? 0, $0.ruleID) < ($1.location, $1.line ?? 0, $1.offset ?? 0, $1.ruleID) }
        return report
    }

    /// Scans one file on disk.
    public func scanFile(_ path: String, display: String, into report: inout ScanReport) {
        report.filesScanned += 1
        var ctx = Context(file: display, scanner: self)
        do {
            let format = try Sniffer.detect(path)
            let name = (path as NSString).lastPathComponent
            switch format {
            case .safetensors:
                try ctx.safetensors(path)
            case .gguf:
                try ctx.gguf(path)
            case .pickle:
                let r = try BinaryReader(path: path, bufferSize: 1 << 20)
                ctx.pickle(r, member: nil)
            case .pytorchZip, .zip, .npz, .keras:
                try ctx.container([], member: nil, depth: 0, zipPath: path)
            case .gzip, .npy, .savedModel:
                let bytes = try BoundedFile.read(path, limit: UInt64(options.maxMemberBytes))
                try ctx.content(bytes, member: nil, depth: 0, name: name)
            case .json, .jsonl, .csv, .tsv, .yaml, .markdown, .jinja, .text:
                if Scanner.vocabularyNames.contains(name) {
                    ctx.notes.append("\(display): tokenizer vocabulary, not searched for secrets")
                } else {
                    try ctx.textFile(path)
                }
            case .hdf5, .unknown, .parquet, .arrow, .onnx, .sqlite, .faiss, .tflite:
                if name.lowercased().hasSuffix(".joblib") {
                    let bytes = try BoundedFile.read(path, limit: UInt64(options.maxMemberBytes))
                    try ctx.content(bytes, member: nil, depth: 0, name: name)
                } else {
                    try ctx.binaryFile(path, format: format)
                    // Whatever the name: a stream that walks as a pickle importing globals is one.
                    let a = PickleWalker.analyze(try BinaryReader(path: path, bufferSize: 1 << 16))
                    if !a.globals.isEmpty { ctx.report(a, member: nil) }
                }
            }
        } catch {
            ctx.notes.append("\(display): \(oneLine(error))")
        }
        report.findings += ctx.findings
        report.notes += ctx.notes
        report.bytesScanned += ctx.bytes
    }
}

func oneLine(_ e: Error) -> String { "\(e)".split(whereSeparator: \.isNewline).joined(separator: " ") }

/// The state of scanning one top-level file.
struct Context {
    let file: String
    let scanner: Scanner
    var findings: [Finding] = []
    var notes: [String] = []
    var bytes: UInt64 = 0
    var expanded = 0

    init(file: String, scanner: Scanner) {
        self.file = file
        self.scanner = scanner
    }

    var options: ScanOptions { scanner.options }

    // MARK: secrets

    mutating func secrets(in data: [UInt8], member: String?, lineBase: Int = 0, offsetBase: UInt64? = nil) {
        guard options.secrets else { return }
        bytes += UInt64(data.count)
        for m in scanner.matcher.scan(data, lineBase: lineBase) {
            let rule = scanner.matcher.rules.first { $0.id == m.ruleID }!
            findings.append(Finding(
                category: .secret, ruleID: m.ruleID, severity: rule.severity, message: rule.description, file: file,
                member: member, line: offsetBase == nil ? m.line : nil,
                offset: offsetBase.map { $0 + UInt64(m.offset) } ?? UInt64(m.offset),
                redacted: SecretText.redact(m.secret), fingerprint: SecretText.fingerprint(m.secret),
                revealed: options.reveal ? m.secret : nil))
        }
    }

    /// A text file, streamed in 8 MiB chunks that overlap by 4 KiB (no match is lost at a seam).
    mutating func textFile(_ path: String) throws {
        let (fd, size) = try BoundedFile.openRegular(path)
        defer { close(fd) }
        let chunk = 8 << 20, overlap = 4096
        var off: UInt64 = 0
        var lineBase = 0
        var seen = Set<String>()
        while off < size {
            let want = Int(min(UInt64(chunk + overlap), size - off))
            var buf = [UInt8](repeating: 0, count: want)
            var got = 0
            while got < want {
                let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, want - got, off_t(off) + off_t(got)) }
                if n < 0 { if errno == EINTR { continue }; throw FormatError(path, String(cString: strerror(errno))) }
                if n == 0 { break }
                got += n
            }
            buf.removeLast(want - got)
            let before = findings.count
            secrets(in: buf, member: nil, lineBase: lineBase)
            // Drop duplicates found again in the overlap.
            var kept: [Finding] = Array(findings[..<before])
            for f in findings[before...] {
                let key = "\(f.ruleID)|\(off + (f.offset ?? 0))|\(f.fingerprint)"
                if seen.insert(key).inserted {
                    var g = f
                    g.offset = off + (f.offset ?? 0)
                    kept.append(g)
                }
            }
            findings = kept
            let advance = got > chunk ? chunk : got
            lineBase += buf.withUnsafeBufferPointer { b in
                var count = 0
                for i in 0..<advance where b[i] == 0x0a { count += 1 }
                return count
            }
            off += UInt64(advance)
            if got < want { break }
        }
    }

    /// Printable runs (8+ characters) of a binary, bounded.
    mutating func binaryFile(_ path: String, format: FileFormat) throws {
        let (fd, size) = try BoundedFile.openRegular(path)
        defer { close(fd) }
        let n = Int(min(size, UInt64(options.maxBinaryBytes)))
        var buf = [UInt8](repeating: 0, count: n)
        let got = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, 0) }
        if got < n { buf.removeLast(n - max(got, 0)) }
        if size > UInt64(n) { notes.append("\(file): binary; only the first \(ByteCount.format(UInt64(n))) searched for secrets") }
        printableRuns(buf, member: nil)
        if format == .hdf5 || format == .unknown { kerasHDF5(buf, member: nil) }
    }

    mutating func printableRuns(_ data: [UInt8], member: String?) {
        var runs = [UInt8]()
        var offsets: [(Int, Int)] = []  // (position in runs, offset in data)
        var start = -1
        for (i, b) in data.enumerated() {
            let printable = (b >= 0x20 && b < 0x7f) || b == 0x09
            if printable { if start < 0 { start = i } } else if start >= 0 {
                if i - start >= 8 { offsets.append((runs.count, start)); runs += data[start..<i]; runs.append(0x0a) }
                start = -1
            }
        }
        if start >= 0 && data.count - start >= 8 { offsets.append((runs.count, start)); runs += data[start...]; runs.append(0x0a) }
        let before = findings.count
        secrets(in: runs, member: member)
        for i in before..<findings.count {
            // Map offsets back into the binary; lines mean nothing there.
            let p = Int(findings[i].offset ?? 0)
            let o = offsets.last { $0.0 <= p }
            findings[i].offset = UInt64((o?.1 ?? 0) + (p - (o?.0 ?? 0)))
            findings[i].line = nil
        }
    }

    // MARK: weights

    mutating func safetensors(_ path: String) throws {
        do {
            let h = try Safetensors.read(path)
            notes.append("\(file): safetensors, data-only; header consistent (\(h.tensors.count) tensors, offsets inside the file, no overlaps)")
        } catch let e as FormatError {
            serialization("safetensors-inconsistent-header", .medium, "safetensors header is inconsistent: \(e.message)", member: nil)
        }
        // Secrets: the JSON header only; tensor bytes are never read.
        let r = try BinaryReader(path: path)
        guard r.size >= 8 else { return }
        let n = try r.u64()
        guard n <= min(FormatLimits.safetensorsMaxHeader, r.size - 8) else { return }
        secrets(in: try r.bytes(n), member: nil, offsetBase: 8)
    }

    mutating func gguf(_ path: String) throws {
        var strings: [(String, String)] = []
        do {
            let g = try GGUF.read(path) { k, v in if strings.count < 100_000 { strings.append((k, v)) } }
            notes.append("\(file): GGUF v\(g.version), data-only; header consistent (\(g.tensors.count) tensors)")
        } catch let e as FormatError {
            serialization("gguf-inconsistent-header", .medium, "GGUF header is inconsistent: \(e.message)", member: nil)
        }
        for (k, v) in strings {
            let before = findings.count
            secrets(in: Array(v.utf8), member: "metadata:\(k)")
            for i in before..<findings.count { findings[i].line = nil; findings[i].offset = nil }
        }
    }

    // MARK: serialization

    mutating func serialization(_ rule: String, _ severity: Severity, _ message: String, member: String?, globals: [String] = []) {
        guard options.serialization else { return }
        let fp = Hex.encode(SHA256.hash("\(rule)|\(file)|\(member ?? "")|\(globals.joined(separator: ","))"))
        findings.append(Finding(category: .serialization, ruleID: rule, severity: severity, message: message, file: file,
                                member: member, line: nil, offset: nil, redacted: nil, globals: globals, fingerprint: fp))
    }

    mutating func pickle(_ input: ByteInput, member: String?) {
        report(PickleWalker.analyze(input), member: member)
    }

    /// Findings for one analysed pickle stream: its globals, its problems, its strings' secrets.
    mutating func report(_ a: PickleAnalysis, member: String?) {
        for g in a.globals {
            let verdict = PickleRules.classify(g)
            let calledNote = a.called.contains(g) ? " and calls it" : ""
            switch verdict {
            case .safe: continue
            case .dangerous:
                serialization("pickle-dangerous-global", .critical,
                              "pickle imports \(g.qualified)\(calledNote): runs code when loaded", member: member, globals: [g.qualified])
            case .unknown:
                serialization("pickle-unknown-global", .high,
                              "pickle imports \(g.qualified)\(calledNote), which is not on the allowlist", member: member,
                              globals: [g.qualified])
            }
        }
        if let p = a.problem {
            serialization("pickle-malformed", .medium, "pickle stream could not be fully analysed: \(p)", member: member)
        }
        for (off, s) in a.strings where s.utf8.count >= 8 {
            let before = findings.count
            secrets(in: Array(s.utf8), member: member)
            for i in before..<findings.count { findings[i].line = nil; findings[i].offset = off }
        }
    }

    /// Bytes of unknown kind inside a container (or a whole small file): dispatch by content.
    mutating func content(_ data: [UInt8], member: String?, depth: Int, name: String) throws {
        let lower = name.lowercased()
        let head = Array(data.prefix(FormatLimits.sniffBytes))
        if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b {
            let inner = try expand(data, gzip: true, what: member ?? name)
            let innerName = lower.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            try content(inner, member: member.map { "\($0)!\(innerName)" } ?? innerName, depth: depth + 1, name: innerName)
            return
        }
        if lower.hasSuffix(".joblib"), head.first == 0x78 {
            let inner = try expand(data, gzip: true, what: member ?? name)
            try content(inner, member: member, depth: depth + 1, name: String(name.dropLast(7)))
            return
        }
        if head.count >= 4, head[0] == 0x50, head[1] == 0x4b, head[2] == 0x03 || head[2] == 0x05 {
            try container(data, member: member, depth: depth, zipPath: nil)
            return
        }
        if head.count >= 6, head[0] == 0x93, Array(head[1..<6]) == Array("NUMPY".utf8) {
            npy(data, member: member)
            return
        }
        if Pickle.sniff(head) || lower.hasSuffix(".pkl") || lower.hasSuffix(".pickle") {
            pickle(MemoryReader(data, name: member ?? name), member: member)
            return
        }
        if lower == "saved_model.pb" || lower.hasSuffix("/saved_model.pb") {
            savedModel(data, member: member)
            return
        }
        if Scanner.vocabularyNames.contains((lower as NSString).lastPathComponent) { return }
        if Sniffer.looksLikeText(Array(data.prefix(4096))) {
            if lower.hasSuffix("config.json") { kerasConfig(data, member: member) }
            secrets(in: data, member: member)
        } else {
            printableRuns(Array(data.prefix(options.maxBinaryBytes)), member: member)
        }
    }

    mutating func expand(_ data: [UInt8], gzip: Bool, what: String) throws -> [UInt8] {
        let budget = min(options.maxMemberBytes, options.maxExpandedBytes - expanded)
        guard budget > 0 else { throw FormatError(file, "expands past \(ByteCount.format(UInt64(options.maxExpandedBytes))) in all (a decompression bomb?)") }
        let out = try Inflate.inflate(data, gzip: gzip, limit: budget, path: "\(file)!\(what)")
        expanded += out.count
        return out
    }

    /// A zip archive: every member, bounded in count, size and total expansion; PyTorch tensor
    /// storage members (`*/data/N`) are skipped: they hold numbers, not code or text.
    mutating func container(_ data: [UInt8], member: String?, depth: Int, zipPath: String?) throws {
        guard depth < options.maxDepth else {
            notes.append("\(file)\(member.map { "!" + $0 } ?? ""): containers nested deeper than \(options.maxDepth); not opened")
            return
        }
        // Work from a file path: write nested archives nowhere; read the directory from memory.
        let tmpPath: String
        var cleanup = false
        if let zipPath { tmpPath = zipPath } else {
            tmpPath = NSTemporaryDirectory() + "/aibom-scan-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).zip"
            guard FileManager.default.createFile(atPath: tmpPath, contents: Data(data), attributes: [.posixPermissions: 0o600]) else {
                throw FormatError(file, "cannot stage nested archive")
            }
            cleanup = true
        }
        defer { if cleanup { unlink(tmpPath) } }
        let entries = try ZipDirectory.read(tmpPath)
        for e in entries where !e.name.hasSuffix("/") {
            let inner = member.map { "\($0)!\(e.name)" } ?? e.name
            if e.name.range(of: #"(^|/)data/\d+$"#, options: .regularExpression) != nil { continue }
            if e.uncompressedSize > UInt64(options.maxMemberBytes) {
                notes.append("\(file)!\(inner): \(ByteCount.format(e.uncompressedSize)) member not opened (over the member limit)")
                continue
            }
            if e.method == 8, e.compressedSize > 0, e.uncompressedSize / e.compressedSize > 1000, e.uncompressedSize > 10 << 20 {
                throw FormatError(file, "zip member \(inner) expands \(e.uncompressedSize / e.compressedSize)x (a zip bomb?)")
            }
            guard expanded + Int(e.uncompressedSize) <= options.maxExpandedBytes else {
                throw FormatError(file, "members expand past \(ByteCount.format(UInt64(options.maxExpandedBytes))) in all (a zip bomb?)")
            }
            let bytes = try ZipDirectory.extract(tmpPath, e, limit: min(options.maxMemberBytes, options.maxExpandedBytes - expanded))
            expanded += bytes.count
            try content(bytes, member: inner, depth: depth + 1, name: e.name)
        }
    }

    /// `.npy`: an object dtype means the payload after the header is a pickle.
    mutating func npy(_ data: [UInt8], member: String?) {
        guard data.count >= 10 else { return }
        let major = data[6]
        let hlen = major == 1 ? Int(data[8]) | Int(data[9]) << 8 : (data.count >= 12 ? Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24 : 0)
        let start = major == 1 ? 10 : 12
        guard hlen >= 0, start + hlen <= data.count else {
            serialization("npy-malformed", .medium, "NumPy header length exceeds the data", member: member)
            return
        }
        let header = String(decoding: data[start..<start + hlen], as: UTF8.self)
        if header.contains("'descr': '|O'") || header.contains("\"descr\": \"|O\"") || header.contains("'|O'") || header.range(of: #"'descr':\s*'\|?O"#, options: .regularExpression) != nil {
            serialization("npy-object-dtype", .high, "NumPy array with object dtype: its payload is a pickle", member: member)
            pickle(MemoryReader(Array(data[(start + hlen)...]), name: member ?? file), member: member.map { "\($0)!pickle" } ?? "pickle")
        }
    }

    /// Keras `config.json`: `Lambda` layers carry Python bytecode; custom objects load code.
    mutating func kerasConfig(_ data: [UInt8], member: String?) {
        guard let text = String(validating: data, as: UTF8.self), text.contains("class_name") else { return }
        if text.range(of: #""class_name"\s*:\s*"Lambda""#, options: .regularExpression) != nil {
            serialization("keras-lambda-layer", .critical, "Keras Lambda layer: deserializing it runs arbitrary Python code", member: member)
        }
        if let json = try? JSON.parse(data) {
            var modules = Set<String>()
            func walk(_ j: JSON, depth: Int) {
                guard depth < 64 else { return }
                switch j {
                case .object(let o):
                    if let m = o["module"]?.stringValue, o["class_name"] != nil,
                       !(m.hasPrefix("keras") || m.hasPrefix("tensorflow") || m.hasPrefix("tf_keras") || m == "builtins") {
                        modules.insert(m)
                    }
                    for v in o.values { walk(v, depth: depth + 1) }
                case .array(let a): for v in a { walk(v, depth: depth + 1) }
                default: break
                }
            }
            walk(json, depth: 0)
            for m in modules.sorted() {
                serialization("keras-custom-object", .high, "Keras config loads custom objects from module \(m)", member: member, globals: [m])
            }
        }
    }

    mutating func kerasHDF5(_ data: [UInt8], member: String?) {
        let needle = Array(#""class_name": "Lambda""#.utf8)
        if data.count >= needle.count, (0...(data.count - needle.count)).contains(where: { data[$0] == needle[0] && Array(data[$0..<$0 + needle.count]) == needle }) {
            serialization("keras-lambda-layer", .critical, "Keras HDF5 model with a Lambda layer: loading it runs Python code", member: member)
        }
    }

    /// TensorFlow SavedModel graphs: op names that run Python or touch files.
    mutating func savedModel(_ data: [UInt8], member: String?) {
        let critical = ["PyFunc", "PyFuncStateless", "EagerPyFunc"]
        let medium = ["ReadFile", "WriteFile", "MatchingFiles", "Save", "SaveV2", "MergeV2Checkpoints"]
        let text = String(decoding: data, as: UTF8.self)
        for op in critical where text.contains(op) {
            serialization("tf-pyfunc-op", .critical, "SavedModel graph uses \(op): runs Python code", member: member, globals: [op])
        }
        for op in medium where text.range(of: "\\b\(op)\\b", options: .regularExpression) != nil && (op == "ReadFile" || op == "WriteFile" || op == "MatchingFiles") {
            serialization("tf-file-op", .medium, "SavedModel graph uses \(op): reads or writes files", member: member, globals: [op])
        }
        secrets(in: data, member: member)
    }
}
