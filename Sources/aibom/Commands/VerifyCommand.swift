import AIBOMDigest
import AIBOMFormats
import AIBOMVerify
import Foundation

/// `aibom verify`: is what sits on disk exactly what was signed, by keys the policy trusts?
enum VerifyCommand: Command {
    static let spec = CommandSpec(
        name: "verify",
        summary: "Verify a signed release against a trust policy and the files on disk",
        arguments: "ENVELOPE",
        options: [
            .value("policy", "p", "FILE", "Trust policy (JSON; see README)"),
            .value("root", "r", "DIR", "Resolve asset paths against DIR (default: .)"),
            .value("at", nil, "TIME", "Evaluate key windows at TIME (RFC 3339; default: now)"),
            .value("jobs", "j", "N", "Hashing threads (default: number of cores)"),
            .flag("unsafe-skip-digests", nil, "Check signatures and policy only; never passes"),
            .flag("quiet", "q", "No progress line"),
            .format,
        ],
        discussion: """
        Checks, in order, and reports each: the envelope is well-formed (strict JSON without
        duplicate keys, canonical base64, in-toto payload type, a CycloneDX predicate whose
        assets match the subjects); signatures verify over the DSSE PAE; signers are in the
        policy, inside their validity window, not revoked and allowed for every asset they
        cover; the threshold of distinct trusted signers is met; no asset carries unsafe
        formats or scan findings the policy refuses; then every file of every asset is
        re-hashed in parallel and compared. Assets are reported ok, modified, missing,
        unexpected (files the BOM doesn't list) or unsigned.

        Exit 0 only if everything holds, 1 if any check fails, 2 if the input is unusable.

        Example:
          aibom verify release.intoto.json --policy keys/policy.json --root /srv/models
        """,
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let envelopePath = args.positionals[0]
        let policy = try TrustPolicy.load(try args.required("policy"))
        var at = Date()
        if let t = args.value("at") {
            guard let d = parseTimestamp(t) else { throw UsageError(command: "verify", message: "--at must be RFC 3339, e.g. 2026-06-01T00:00:00Z") }
            at = d
        }
        guard FileManager.default.fileExists(atPath: envelopePath) else {
            throw UsageError(command: "verify", message: "\(envelopePath): no such file")
        }
        let options = VerifyOptions(root: args.value("root") ?? ".", at: at,
                                    hashOptions: HashOptions(jobs: try args.int("jobs", in: 1...DigestLimits.maxJobs)),
                                    unsafeSkipDigests: args.flag("unsafe-skip-digests"))
        var line: ProgressLine? = nil
        let result = try Verifier(policy: policy, options: options).verify(envelopePath: envelopePath) { total in
            let p = HashProgress(total: total)
            line = ProgressLine(console: console, label: "verifying", total: total) { p.completed }
            return p
        }
        line?.finish()
        if format == "json" {
            console.json(Render.verificationJSON(result, envelope: envelopePath))
        } else {
            console.out(Render.verification(result, envelope: envelopePath, console: console), terminator: "")
        }
        return result.passed ? .success : .checkFailed
    }
}
