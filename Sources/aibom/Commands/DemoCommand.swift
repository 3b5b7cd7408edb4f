import AIBOMFormats
import Foundation

/// `aibom demo`: the whole story on the bundled samples, step by step, with the real commands.
enum DemoCommand: Command {
    static let spec = CommandSpec(
        name: "demo",
        summary: "Run the whole story on samples/ and manifests/: build, scan, sign, verify, ledger, tamper, diff, trace",
        arguments: "",
        options: [
            .value("workdir", "w", "DIR", "Work in DIR (created, must be empty) and keep every file there"),
            .value("samples", nil, "DIR", "The samples directory (default: samples)"),
            .value("manifests", nil, "DIR", "The manifests directory (default: manifests)"),
            .value("keys", nil, "DIR", "Where the example policy is (default: keys)"),
        ],
        discussion: """
        Generates two keys (release engineer and security reviewer) and a ledger key, builds
        the BOM of release 1.0 (a planted secret is found, the build refused, the secret
        removed), scans, signs and co-signs, verifies against the policy from keys/, records
        the deployment in the ledger, tampers with a weight file and shows verification fail,
        builds release 1.1 (a new adapter, an updated dataset), diffs 1.0 against 1.1, deploys
        1.1, and answers trace and ledger-at queries. Each step prints the command it runs.
        Without --workdir everything happens in a temporary directory that is removed.
        """,
        minPositionals: 0, maxPositionals: 0)

    struct StepFailed: Error, CustomStringConvertible {
        let message: String
        var description: String { "demo: \(message)" }
    }

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let samples = args.value("samples") ?? "samples"
        let manifests = args.value("manifests") ?? "manifests"
        let keysDir = args.value("keys") ?? "keys"
        for (p, what) in [(samples, "--samples"), (manifests, "--manifests"), (keysDir + "/policy.json", "--keys")]
        where !FileManager.default.fileExists(atPath: p) {
            throw UsageError(command: "demo", message: "\(p) not found (run from the repository root, or give \(what))")
        }
        let fm = FileManager.default
        let keep = args.value("workdir") != nil
        let work: String
        if let w = args.value("workdir") {
            if fm.fileExists(atPath: w), !((try? fm.contentsOfDirectory(atPath: w)) ?? []).isEmpty {
                throw UsageError(command: "demo", message: "--workdir \(w) exists and is not empty; nothing there is touched")
            }
            try fm.createDirectory(atPath: w, withIntermediateDirectories: true)
            work = URL(fileURLWithPath: w).standardizedFileURL.path
        } else {
            work = NSTemporaryDirectory() + "aibom-demo-\(getpid())"
            try fm.createDirectory(atPath: work, withIntermediateDirectories: true)
        }
        defer { if !keep { try? fm.removeItem(atPath: work) } }
        try fm.copyItem(atPath: samples, toPath: work + "/samples")
        try fm.createDirectory(atPath: work + "/manifests", withIntermediateDirectories: true)
        for m in ["release-1.0.json", "release-1.1.json"] {
            try fm.copyItem(atPath: manifests + "/" + m, toPath: work + "/manifests/" + m)
        }
        try fm.createDirectory(atPath: work + "/keys", withIntermediateDirectories: true)
        let demo = Demo(work: work, console: console)
        try demo.story(policyTemplate: keysDir + "/policy.json")
        console.out("")
        console.out(console.styled("demo finished: every step behaved as expected", .green))
        if keep { console.out("everything is in \(work): keys/, release-*.cdx.json, release-*.intoto.json, ledger/") }
        return .success
    }
}

/// The demo's steps. Each runs the aibom binary itself, so what is printed is what a user sees.
struct Demo {
    let work: String
    let console: Console
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

    func step(_ title: String) {
        console.out("")
        console.out(console.styled("==> \(title)", .bold))
    }

    /// Runs `aibom ARGS` in the work directory, prints the command and its output, and checks the exit code.
    @discardableResult
    func aibom(_ args: [String], expect: Int32 = 0, env: [String: String] = [:]) throws -> String {
        console.out(console.styled("$ aibom " + args.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "), .cyan))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: work)
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        if !console.color { e["NO_COLOR"] = "1" }
        p.environment = e
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = String(decoding: data, as: UTF8.self)
        let shown = out.split(separator: "\n", omittingEmptySubsequences: false)
        for l in shown.prefix(60) where !(l.isEmpty && l == shown.last) { console.out("  " + l) }
        if shown.count > 60 { console.out("  … (\(shown.count - 60) more lines)") }
        guard p.terminationStatus == expect else {
            throw DemoCommand.StepFailed(message: "'aibom \(args.joined(separator: " "))' exited \(p.terminationStatus), expected \(expect)")
        }
        if expect != 0 { console.out(console.styled("  (exit \(expect), as expected)", .dim)) }
        return out
    }

    func edit(_ path: String, _ body: (inout [UInt8]) -> Void) throws {
        var b = try BoundedFile.read(work + "/" + path, limit: 1 << 30)
        body(&b)
        try AtomicFile.write(b, to: work + "/" + path)
    }

    func story(policyTemplate: String) throws {
        let iso = ISO8601DateFormatter()
        let now = Date()
        let t0 = iso.string(from: now.addingTimeInterval(-3 * 86400)), t1 = iso.string(from: now.addingTimeInterval(-86400))
        let mid = iso.string(from: now.addingTimeInterval(-2 * 86400))

        step("1. Keys: a release engineer (Ed25519), a security reviewer (ECDSA P-256), the ledger (Ed25519)")
        try aibom(["keygen", "--algorithm", "ed25519", "--out", "keys/release-engineer"])
        try aibom(["keygen", "--algorithm", "ecdsa-p256", "--out", "keys/security-reviewer"])
        try aibom(["keygen", "--out", "keys/ledger"])
        // The policy from keys/, with validity windows around today.
        var policy = try JSON.parse(try BoundedFile.read(policyTemplate, limit: 1 << 20))
        if case .object(var o) = policy, case .array(let keys)? = o["keys"] {
            o["keys"] = .array(keys.map { k in
                guard case .object(var ko) = k else { return k }
                ko["notBefore"] = .string(iso.string(from: now.addingTimeInterval(-30 * 86400)))
                ko["notAfter"] = .string(iso.string(from: now.addingTimeInterval(365 * 86400)))
                return .object(ko)
            })
            policy = .object(o)
        }
        try AtomicFile.write(policy.serialized(pretty: true), to: work + "/keys/policy.json")
        console.out("  wrote keys/policy.json from \(policyTemplate): both keys, threshold 2, no findings, no executable formats")

        step("2. Build the BOM of release 1.0: a secret planted in the system prompt is found, the build refused")
        let planted = "\n# debug: export HF_TOKEN=hf_" + "QmVyTkxaZWxoaVdvQnJpZGdlVHJvbGxz" + "Xy\n"
        try edit("samples/prompts/system-prompt.txt") { $0 += Array(planted.utf8) }
        try aibom(["build", "--manifest", "manifests/release-1.0.json", "--out", "release-1.0.cdx.json"], expect: 1)

        step("3. Fix it (remove the line), scan again, and build")
        try edit("samples/prompts/system-prompt.txt") { $0.removeLast(planted.utf8.count) }
        try aibom(["scan", "samples/prompts", "samples/tiny-llm", "samples/support-lora"])
        try aibom(["build", "--manifest", "manifests/release-1.0.json", "--out", "release-1.0.cdx.json"])
        try aibom(["show", "release-1.0.cdx.json"])

        step("4. Sign (release engineer) and co-sign (security reviewer): the two-person rule")
        try aibom(["sign", "release-1.0.cdx.json", "--key", "keys/release-engineer.key"])
        try aibom(["sign", "--append", "release-1.0.intoto.json", "--key", "keys/security-reviewer.key"])

        step("5. Verify at deploy time against the policy: signatures, trust, threshold, every file re-hashed")
        try aibom(["verify", "release-1.0.intoto.json", "--policy", "keys/policy.json", "--root", "manifests"])

        step("6. Record the deployment of 1.0 to prod in the ledger")
        try aibom(["ledger", "init", "--ledger", "ledger", "--key", "keys/ledger.key", "--origin", "demo.aibom/ledger"])
        try aibom(["ledger", "append", "release-1.0.intoto.json", "--ledger", "ledger", "--key", "keys/ledger.key", "--env", "prod",
                   "--policy", "keys/policy.json", "--root", "manifests", "--time", t0, "--note", "initial launch"])

        step("7. Tamper with one weight file: verification fails and names it")
        try edit("samples/support-lora/adapter_model.safetensors") { $0[$0.count - 5] ^= 0x40 }
        try aibom(["verify", "release-1.0.intoto.json", "--policy", "keys/policy.json", "--root", "manifests"], expect: 1)
        try edit("samples/support-lora/adapter_model.safetensors") { $0[$0.count - 5] ^= 0x40 }
        console.out("  (restored the byte)")

        step("8. Build release 1.1 (a new safety adapter, an updated dataset), sign and co-sign it")
        try aibom(["build", "--manifest", "manifests/release-1.1.json", "--out", "release-1.1.cdx.json"])
        try aibom(["sign", "release-1.1.cdx.json", "--key", "keys/release-engineer.key"])
        try aibom(["sign", "--append", "release-1.1.intoto.json", "--key", "keys/security-reviewer.key"])

        step("9. Diff 1.0 against 1.1, as release notes would show it, with a pipeline gate")
        try aibom(["diff", "release-1.0.intoto.json", "release-1.1.intoto.json"])
        try aibom(["diff", "--format", "markdown", "release-1.0.cdx.json", "release-1.1.cdx.json"])
        try aibom(["diff", "--fail-on", "license,base-model,new-findings", "release-1.0.intoto.json", "release-1.1.intoto.json"])

        step("10. Deploy 1.1 to prod (verified first) and retire 1.0")
        try aibom(["ledger", "append", "release-1.1.intoto.json", "--ledger", "ledger", "--key", "keys/ledger.key", "--env", "prod",
                   "--policy", "keys/policy.json", "--root", "manifests", "--time", t1])
        try aibom(["ledger", "append", "release-1.0.intoto.json", "--ledger", "ledger", "--key", "keys/ledger.key", "--env", "prod",
                   "--event", "retired", "--policy", "keys/policy.json", "--root", "manifests", "--time", t1])

        step("11. The auditor's questions: what shipped where, when, signed by whom, with proof")
        try aibom(["trace", "safety-lora", "--ledger", "ledger"])
        try aibom(["trace", "samples/tiny-llm/model.safetensors", "--ledger", "ledger"])
        try aibom(["ledger", "at", mid, "--env", "prod", "--ledger", "ledger"])
        try aibom(["ledger", "at", iso.string(from: now), "--env", "prod", "--ledger", "ledger"])
        try aibom(["ledger", "verify", "--ledger", "ledger", "--public-key", "keys/ledger.pub"])
    }
}
