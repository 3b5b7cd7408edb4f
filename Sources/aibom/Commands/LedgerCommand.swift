import AIBOMAttestation
import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import AIBOMLedger
import AIBOMModel
import AIBOMVerify
import Foundation

/// `aibom ledger init|append|verify|proof|at`: the tamper-evident release ledger.
enum LedgerCommand: Command {
    static let spec = CommandSpec(
        name: "ledger",
        summary: "Keep a tamper-evident ledger of release events (init, append, verify, proof, at)",
        arguments: "init|append ENVELOPE|verify|proof|at TIME",
        options: [
            .value("ledger", "l", "DIR", "Ledger directory (default: manifests/ledger)"),
            .value("key", "k", "FILE", "Ledger signing key (Ed25519 PEM): init, append"),
            .value("public-key", nil, "FILE", "Trusted ledger public key (PEM): verify, proof"),
            .value("origin", nil, "TEXT", "Checkpoint origin line (init; default: aibom.local/NAME)"),
            .value("name", nil, "TEXT", "Key name in signed checkpoints (init; default: aibom-ledger)"),
            .value("env", "e", "ENV", "Environment (append: required; at: filter), e.g. staging, prod"),
            .value("event", nil, "deployed|retired", "Event to record (append; default: deployed)"),
            .value("policy", "p", "FILE", "Trust policy to verify the attestation against (append)"),
            .value("root", "r", "DIR", "Where the release's assets are (append; default: .)"),
            .value("note", nil, "TEXT", "Free-text note (append)"),
            .value("time", nil, "TIME", "Event time (append; RFC 3339, default: now)"),
            .flag("unsafe-skip-verify", nil, "Append without verifying the attestation first"),
            .value("entry", nil, "N", "proof: inclusion proof of entry N"),
            .value("consistency", nil, "SIZE", "proof: consistency proof from tree size SIZE to the latest checkpoint"),
            .value("checkpoint", nil, "FILE", "verify: a checkpoint held elsewhere that this ledger must extend"),
        ] + passphraseOptions + [.format],
        discussion: """
        Entries record a verified release event: attestation digest, release name and version,
        every asset digest (and file digests), signer key ids, environment, event, time, note.
        A Merkle tree (RFC 6962/9162) covers the entries; each append signs a C2SP
        tlog-checkpoint as a signed note (Ed25519). Appends take a file lock and are crash-safe.

          aibom ledger init --key keys/ledger.key
          aibom ledger append release.intoto.json --env prod --policy keys/policy.json --root . --key keys/ledger.key
          aibom ledger verify [--public-key keys/ledger.pub] [--checkpoint old-checkpoint]
          aibom ledger proof --entry 3        aibom ledger proof --consistency 2
          aibom ledger at 2026-06-01T00:00:00Z --env prod
        """,
        minPositionals: 1, maxPositionals: 2)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let dir = args.value("ledger") ?? "manifests/ledger"
        switch args.positionals[0] {
        case "init": return try initLedger(dir, args, console)
        case "append": return try append(dir, args, console)
        case "verify": return try verify(dir, args, console)
        case "proof": return try proof(dir, args, console)
        case "at": return try at(dir, args, console)
        case let v: throw UsageError(command: "ledger", message: "unknown ledger action '\(v)' (init, append, verify, proof, at)")
        }
    }

    static func open(_ dir: String, _ args: ParsedArguments) throws -> Ledger {
        try Ledger.open(dir, publicKey: try args.value("public-key").map(loadPublicKey))
    }

    static func initLedger(_ dir: String, _ args: ParsedArguments, _ console: Console) throws -> ExitCode {
        let key = try loadPrivateKey(try args.required("key"), args)
        let name = args.value("name") ?? "aibom-ledger"
        let origin = args.value("origin") ?? "aibom.local/\(URL(fileURLWithPath: dir).standardizedFileURL.lastPathComponent)"
        let l = try Ledger.create(dir: dir, origin: origin, keyName: name, key: key)
        console.out("created ledger \(dir) (origin \(origin))\nverifier key: \(l.verifierKey)")
        return .success
    }

    static func append(_ dir: String, _ args: ParsedArguments, _ console: Console) throws -> ExitCode {
        guard args.positionals.count == 2 else { throw UsageError(command: "ledger", message: "ledger append needs ENVELOPE") }
        let envPath = args.positionals[1]
        let environment = try args.required("env")
        let event = args.value("event") ?? "deployed"
        guard ["deployed", "retired"].contains(event) else {
            throw UsageError(command: "ledger", message: "--event must be deployed or retired, not '\(event)'")
        }
        var time = Date()
        if let t = args.value("time") {
            guard let d = parseTimestamp(t) else { throw UsageError(command: "ledger", message: "--time must be RFC 3339") }
            time = d
        }
        let ledger = try open(dir, args)
        let key = try loadPrivateKey(try args.required("key"), args)
        let envBytes = try BoundedFile.read(envPath, limit: AttestationLimits.maxEnvelopeBytes)
        let envelope: Envelope
        let release: Release
        do {
            envelope = try Envelope.load(envPath)
            (_, release) = try ReleaseAttestation.open(envelope)
        } catch let e as EnvelopeError { throw UsageError(command: "ledger", message: "\(envPath): \(e.message)") }
        var signers = envelope.signatures.map(\.keyid)
        if !args.flag("unsafe-skip-verify") {
            guard let policyPath = args.value("policy") else {
                throw UsageError(command: "ledger", message: "ledger append verifies the attestation first: give --policy (and --root), or --unsafe-skip-verify")
            }
            let result = try Verifier(policy: try TrustPolicy.load(policyPath), options: VerifyOptions(root: args.value("root") ?? ".", at: time))
                .verify(envelopePath: envPath)
            guard result.passed else {
                console.out(Render.verification(result, envelope: envPath, console: console), terminator: "")
                console.err("aibom: ledger append refused: the attestation does not verify")
                return .checkFailed
            }
            signers = result.signers.filter { $0.status == .trusted }.map(\.keyid)
        }
        let assets = release.assets.map {
            LedgerEntry.Asset(name: $0.name, kind: $0.kind.rawValue, sha256: $0.digest.hex, files: $0.files.map(\.sha256.hex))
        }
        let (entry, cp) = try ledger.append({ i in
            LedgerEntry(index: i, timestamp: time, event: event, environment: environment, release: release.name,
                        version: release.version, attestation: Hex.encode(SHA256.hash(envBytes)), signers: signers,
                        assets: assets, note: args.value("note"))
        }, key: key)
        if (try? args.format()) == "json" {
            console.json(.object(["entry": entry.json, "treeSize": .int(cp.size), "root": .string(Base64.encode(cp.root))]))
        } else {
            console.out("ledger entry \(entry.index): \(event) \(release.name) \(release.version) to \(environment) at \(LedgerEntry.formatTime(time)); tree size \(cp.size), root \(Base64.encode(cp.root))")
        }
        return .success
    }

    static func verify(_ dir: String, _ args: ParsedArguments, _ console: Console) throws -> ExitCode {
        let ledger = try open(dir, args)
        var trusted: Checkpoint? = nil
        if let c = args.value("checkpoint") {
            let text = String(decoding: try BoundedFile.read(c, limit: 1 << 20), as: UTF8.self)
            do { trusted = try Checkpoint.open(text, name: ledger.keyName, publicKey: ledger.publicKey) } catch {
                throw UsageError(command: "ledger", message: "\(c): \(error)")
            }
        }
        let r = try ledger.audit(trusted: trusted)
        if (try args.format()) == "json" {
            console.json(.object([
                "passed": .bool(r.passed), "entries": .int(r.entries), "checkpoints": .int(r.checkpoints),
                "pending": .int(r.pending), "problems": .array(r.problems.map { .string($0) }),
                "root": r.latest.map { .string(Base64.encode($0.root)) } ?? .null, "treeSize": r.latest.map { .int($0.size) } ?? .null,
            ]))
        } else {
            var s = "ledger \(dir): \(r.entries) entries, \(r.checkpoints) signed checkpoints"
            if let l = r.latest { s += ", latest size \(l.size) root \(Base64.encode(l.root))" }
            s += "\n"
            if r.pending > 0 { s += "  note: \(r.pending) entr\(r.pending == 1 ? "y" : "ies") after the latest checkpoint (an interrupted append); the next append signs them\n" }
            if let t = trusted, r.passed { s += "  ✔ extends the trusted checkpoint of size \(t.size)\n" }
            for p in r.problems { s += "  ✘ \(p)\n" }
            s += r.passed ? console.styled("ledger verified", .green) + "\n" : console.styled("ledger verification FAILED", .red) + "\n"
            console.out(s, terminator: "")
        }
        return r.passed ? .success : .checkFailed
    }

    static func proof(_ dir: String, _ args: ParsedArguments, _ console: Console) throws -> ExitCode {
        let ledger = try open(dir, args)
        let cp = try ledger.latestCheckpoint()
        _ = try ledger.locked { try ledger.size() }
        let cpText = String(decoding: try BoundedFile.read(dir + "/checkpoint", limit: 1 << 20), as: UTF8.self)
        if let m = args.value("entry") {
            guard let i = UInt64(m), i < cp.size else { throw UsageError(command: "ledger", message: "--entry must be below the tree size \(cp.size)") }
            let bytes = try BoundedFile.read(ledger.entryPath(i), limit: 64 << 20)
            let leaf = Merkle.leafHash(bytes)
            let path = try ledger.inclusionProof(i, size: cp.size)
            let ok = Merkle.verifyInclusion(leaf: leaf, index: i, size: cp.size, proof: path, root: cp.root)
            console.json(.object([
                "type": .string("inclusion"), "index": .int(i), "treeSize": .int(cp.size), "leafHash": .string(Base64.encode(leaf)),
                "rootHash": .string(Base64.encode(cp.root)), "proof": .array(path.map { .string(Base64.encode($0)) }),
                "verified": .bool(ok), "checkpoint": .string(cpText), "entry": try JSON.parse(bytes),
            ]))
            return ok ? .success : .checkFailed
        }
        if let m = args.value("consistency") {
            guard let old = UInt64(m), old <= cp.size else { throw UsageError(command: "ledger", message: "--consistency must be at most the tree size \(cp.size)") }
            let path = try ledger.consistencyProof(old, size: cp.size)
            let oldRoot = try ledger.root(old)
            let ok = Merkle.verifyConsistency(oldSize: old, newSize: cp.size, oldRoot: oldRoot, newRoot: cp.root, proof: path)
            console.json(.object([
                "type": .string("consistency"), "oldSize": .int(old), "oldRootHash": .string(Base64.encode(oldRoot)),
                "treeSize": .int(cp.size), "rootHash": .string(Base64.encode(cp.root)),
                "proof": .array(path.map { .string(Base64.encode($0)) }), "verified": .bool(ok), "checkpoint": .string(cpText),
            ]))
            return ok ? .success : .checkFailed
        }
        throw UsageError(command: "ledger", message: "ledger proof needs --entry N or --consistency SIZE")
    }

    static func at(_ dir: String, _ args: ParsedArguments, _ console: Console) throws -> ExitCode {
        guard args.positionals.count == 2, let time = parseTimestamp(args.positionals[1]) else {
            throw UsageError(command: "ledger", message: "ledger at needs an RFC 3339 TIME, e.g. 2026-06-01T00:00:00Z")
        }
        let ledger = try open(dir, args)
        let n = try ledger.locked { try ledger.size() }
        try ledger.ensureIndexes(n)
        let live = Trace.liveAt(try ledger.timeline(), time: time, environment: args.value("env"))
        if (try args.format()) == "json" {
            console.json(.object(["time": .string(LedgerEntry.formatTime(time)), "live": .array(live.map { l in
                .object(["environment": .string(l.env), "release": .string(l.release), "version": .string(l.version),
                         "since": .string(l.since), "entry": .int(l.entry)])
            })]))
        } else {
            var s = "live at \(LedgerEntry.formatTime(time))\(args.value("env").map { " in \($0)" } ?? ""):\n"
            if live.isEmpty { s += "  nothing\n" }
            for l in live { s += "  \(l.env): \(l.release) \(l.version) (deployed \(l.since), entry \(l.entry))\n" }
            console.out(s, terminator: "")
        }
        return .success
    }
}

/// Timeline queries shared by `ledger at` and `trace`.
enum Trace {
    struct Live { let env: String; let release: String; let version: String; let since: String; let entry: UInt64 }

    /// Per environment, `deployed` makes a release version live (replacing other versions of the
    /// same release) and `retired` removes it; events up to `time` count.
    static func liveAt(_ timeline: [(UInt64, String, String, String, String, String)], time: Date, environment: String?) -> [Live] {
        var live: [String: [String: Live]] = [:]  // env → release → live
        let cutoff = LedgerEntry.formatTime(time)  // canonical UTC text compares chronologically
        for (i, t, env, event, rel, ver) in timeline where t <= cutoff && (environment == nil || environment == env) {
            if event == "deployed" {
                live[env, default: [:]][rel] = Live(env: env, release: rel, version: ver, since: t, entry: i)
            } else if event == "retired", live[env]?[rel]?.version == ver {
                live[env]?[rel] = nil
            }
        }
        return live.keys.sorted().flatMap { e in live[e]!.values.sorted { $0.release < $1.release } }
    }
}

/// `aibom trace DIGEST|ASSET|FILE`: every release that contained it, where and when, signed by whom.
enum TraceCommand: Command {
    static let spec = CommandSpec(
        name: "trace",
        summary: "Every ledger entry that contained a digest, an asset or a file: where, when, signed by whom",
        arguments: "DIGEST|ASSET|FILE|RELEASE",
        options: [.value("ledger", "l", "DIR", "Ledger directory (default: manifests/ledger)"), .format],
        discussion: """
        A 64-hex-digit SHA-256 (an asset, file or attestation digest), a path to a file (hashed
        here), an asset name or a release name. Answers from the ledger's index, rebuilt from
        the entries when missing.

          aibom trace support-lora
          aibom trace samples/tiny-llm/model.safetensors
        """,
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let dir = args.value("ledger") ?? "manifests/ledger"
        let q = args.positionals[0]
        let ledger = try Ledger.open(dir)
        let n = try ledger.locked { try ledger.size() }
        try ledger.ensureIndexes(n)
        var keys: [String]
        var isDir: ObjCBool = false
        if Hex.isLowercaseHex(q.lowercased(), length: 64) {
            keys = ["sha256:\(q.lowercased())", "attestation:\(q.lowercased())"]
        } else if FileManager.default.fileExists(atPath: q, isDirectory: &isDir), !isDir.boolValue {
            let d = try DigestEngine().hash(try TreeWalker().walk(q).files)
            keys = d.map { "sha256:\($0.sha256.hex)" }
        } else {
            keys = ["asset:\(q)", "release:\(q)"]
        }
        let ids = Array(Set(try keys.flatMap { try ledger.lookup($0) })).sorted()
        let entries = try ids.map { try ledger.entry($0) }
        if (try args.format()) == "json" {
            console.json(.object(["query": .string(q), "entries": .array(entries.map(\.json))]))
        } else {
            var s = "trace \(q): \(entries.count) ledger entr\(entries.count == 1 ? "y" : "ies")\n"
            for e in entries {
                let hit = e.assets.filter { a in keys.contains("asset:\(a.name)") || keys.contains("sha256:\(a.sha256)")
                    || a.files.contains { keys.contains("sha256:\($0)") } }.map(\.name)
                s += "  #\(e.index) \(LedgerEntry.formatTime(e.timestamp)) \(e.event.padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.environment): \(e.release) \(e.version)"
                if !hit.isEmpty { s += " (asset \(hit.joined(separator: ", ")))" }
                s += "\n      signed by \(e.signers.map { String($0.prefix(16)) + "…" }.joined(separator: ", "))"
                if let note = e.note { s += "; note: \(note)" }
                s += "\n"
            }
            console.out(s, terminator: "")
        }
        return entries.isEmpty ? .checkFailed : .success
    }
}
