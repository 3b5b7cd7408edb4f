import AIBOMAttestation
import AIBOMCrypto
import AIBOMDigest
import AIBOMFormats
import AIBOMVerify
import Foundation

/// `aibom sign-model`: an OpenSSF model-signing signature (Sigstore bundle) for a model directory.
enum SignModelCommand: Command {
    static let spec = CommandSpec(
        name: "sign-model",
        summary: "Sign a model directory in the OpenSSF model-signing format (model_signing verify key accepts it)",
        arguments: "MODEL",
        options: [
            .value("key", "k", "FILE", "Private key (PEM; ECDSA P-256 or P-384 for model_signing compatibility)"),
            .value("out", "o", "FILE", "Signature file (default: model.sig; never overwritten without --force)"),
            .value("shard-size", nil, "SIZE", "Use shard serialization with SIZE-byte shards"),
            .value("ignore", nil, "RELPATH", "Leave a path out (added to .git, .gitattributes, .github, .gitignore)", repeatable: true),
            .flag("force", nil, "Replace an existing signature file"),
        ] + passphraseOptions,
        discussion: "Example:\n  aibom sign-model models/llama --key keys/model.key --out llama.sig",
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let keyPath = try args.required("key")
        let key = try loadPrivateKey(keyPath, args)
        var ser = ModelSigning.Serialization(method: .files)
        if let s = args.value("shard-size") {
            guard let n = ByteCount.parse(s), n >= 1 else {
                throw UsageError(command: "sign-model", message: "--shard-size must be a size, not '\(s)'")
            }
            ser = ModelSigning.Serialization(method: .shards, shardSize: n)
        }
        ser.ignorePaths += args.all("ignore")
        let out = args.value("out") ?? "model.sig"
        let model = args.positionals[0]
        let outReal = URL(fileURLWithPath: out).standardizedFileURL.path
        let modelReal = URL(fileURLWithPath: model).standardizedFileURL.path
        if outReal.hasPrefix(modelReal + "/") { ser.ignorePaths.append(String(outReal.dropFirst(modelReal.count + 1))) }
        let pem = Array(key.publicKey.pem.utf8)
        let bundle = try ModelSigning.sign(modelPath: model, key: key, publicKeyPEM: pem, serialization: ser)
        try AtomicFile.write(bundle.serialized(pretty: true), to: out, overwrite: args.flag("force"))
        console.out("signed \(model) → \(out) (\(ser.method.rawValue) serialization, key \(key.publicKey.keyID))")
        return .success
    }
}

/// `aibom verify-model`: checks an OpenSSF model-signing signature against a model on disk.
enum VerifyModelCommand: Command {
    static let spec = CommandSpec(
        name: "verify-model",
        summary: "Verify an OpenSSF model-signing signature (from model_signing sign key) over a model",
        arguments: "MODEL",
        options: [
            .value("signature", "s", "FILE", "Signature bundle (default: model.sig)"),
            .value("public-key", "k", "FILE", "Public key (PEM) of the signer"),
            .format,
        ],
        discussion: """
        Applies the serialization recorded in the signature (files or shards, its ignore
        paths, its symlink rule) and reports modified, missing and unexpected files.

        Example:
          aibom verify-model models/llama --signature llama.sig --public-key keys/model.pub
        """,
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let pub = try loadPublicKey(try args.required("public-key"))
        let sig = args.value("signature") ?? "model.sig"
        let model = args.positionals[0]
        let r = try ModelVerifier(publicKey: pub).verify(modelPath: model, signaturePath: sig)
        if format == "json" {
            console.json(.object([
                "model": .string(model), "signature": .string(sig), "passed": .bool(r.passed),
                "checks": .array(r.checks.map(Render.checkJSON)), "issues": .array(r.issues.map(Render.issueJSON)),
            ]))
        } else {
            var s = "verify-model \(model) with \(sig)\n"
            for c in r.checks { s += Render.check(c, console) }
            s += r.passed ? console.styled("verification passed", .green) + "\n" : console.styled("verification FAILED", .red) + "\n"
            console.out(s, terminator: "")
        }
        return r.passed ? .success : .checkFailed
    }
}
