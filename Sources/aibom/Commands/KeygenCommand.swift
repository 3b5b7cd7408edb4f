import AIBOMCrypto
import AIBOMFormats
import Foundation

/// `aibom keygen`: a new signing key pair as PEM files; never overwrites.
enum KeygenCommand: Command {
    static let spec = CommandSpec(
        name: "keygen",
        summary: "Generate a signing key pair (NAME.key, mode 0600, and NAME.pub); never overwrites",
        arguments: "",
        options: [
            .value("algorithm", "a", "ed25519|ecdsa-p256", "Key algorithm (default: ed25519)"),
            .value("out", "o", "PATH", "Write PATH.key and PATH.pub (required)"),
            .flag("quiet", "q", "Print only the key id"),
        ] + passphraseOptions + [.format],
        discussion: """
        The private key is PKCS#8 PEM, encrypted (AES-256-CBC, PBKDF2) when a passphrase is
        given through --passphrase-env or --passphrase-file; passphrases are never taken from
        the command line. The public key is a SubjectPublicKeyInfo PEM. The key id printed is
        the lowercase hex SHA-256 of the DER public key; policies and signatures use it.

        Example:
          aibom keygen --algorithm ecdsa-p256 --out keys/release
        """,
        minPositionals: 0, maxPositionals: 0)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let algName = args.value("algorithm") ?? "ed25519"
        guard let alg = KeyAlgorithm(rawValue: algName), KeyAlgorithm.generatable.contains(alg) else {
            throw UsageError(command: "keygen", message: "--algorithm must be ed25519 or ecdsa-p256, not '\(algName)'")
        }
        var base = try args.required("out")
        for ext in [".key", ".pub"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        let keyPath = base + ".key", pubPath = base + ".pub"
        for p in [keyPath, pubPath] where FileManager.default.fileExists(atPath: p) || isSymlink(p) {
            throw FileIOError.exists(path: p)
        }
        let passphrase = try readPassphrase(args)
        let key = try PrivateKey.generate(alg)
        try AtomicFile.write(key.pkcs8PEM(passphrase: passphrase), to: keyPath, mode: 0o600, overwrite: false)
        do {
            try AtomicFile.write(key.publicKey.pem, to: pubPath, mode: 0o644, overwrite: false)
        } catch {
            unlink(keyPath)  // ours, written a moment ago: don't leave half a pair
            throw error
        }
        if format == "json" {
            console.json(.object([
                "keyid": .string(key.publicKey.keyID), "algorithm": .string(alg.rawValue),
                "privateKey": .string(keyPath), "publicKey": .string(pubPath), "encrypted": .bool(passphrase != nil),
            ]))
        } else {
            console.note("wrote \(keyPath) (private, mode 0600\(passphrase != nil ? ", encrypted" : "")) and \(pubPath)")
            console.out(key.publicKey.keyID)
        }
        return .success
    }

    static func isSymlink(_ p: String) -> Bool {
        var st = stat()
        return lstat(p, &st) == 0
    }
}
