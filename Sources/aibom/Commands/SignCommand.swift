import AIBOMAttestation
import AIBOMCrypto
import AIBOMFormats
import AIBOMModel
import Foundation

/// `aibom sign`: a DSSE-signed in-toto attestation of a BOM, or a co-signature on one.
enum SignCommand: Command {
    static let spec = CommandSpec(
        name: "sign",
        summary: "Sign a BOM as an in-toto attestation in a DSSE envelope, or co-sign one (--append)",
        arguments: "BOM|ENVELOPE",
        options: [
            .value("key", "k", "FILE", "Private key (PEM, PKCS#8; Ed25519 or ECDSA P-256)"),
            .value("out", "o", "FILE", "Envelope to write (default: BOM name with .intoto.json)"),
            .flag("append", "a", "Add a signature to an existing envelope, payload untouched"),
            .flag("force", nil, "Replace an existing output envelope"),
        ] + passphraseOptions + [.format],
        discussion: """
        The statement's subjects are every asset (name and asset digest) and the BOM file
        itself; its predicate is the BOM (predicateType https://cyclonedx.org/bom). The
        signature is over the DSSE PAE; keyid is the key's id. With --append, the argument is
        an envelope: its payload is kept byte for byte and one more signature is added (the
        two-person rule for releases). Key passphrases come from --passphrase-env or
        --passphrase-file, never the command line.

        Examples:
          aibom sign release.cdx.json --key keys/release.key --out release.intoto.json
          aibom sign --append release.intoto.json --key keys/reviewer.key
        """,
        minPositionals: 1, maxPositionals: 1)

    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode {
        let format = try args.format()
        let input = args.positionals[0]
        let key = try loadPrivateKey(try args.required("key"), args)
        var envelope: Envelope
        let out: String
        if args.flag("append") {
            do { envelope = try Envelope.load(input) } catch let e as EnvelopeError {
                throw UsageError(command: "sign", message: "\(input): \(e.message)")
            }
            _ = try ReleaseAttestation.open(envelope)
            guard !envelope.signatures.contains(where: { $0.keyid == key.publicKey.keyID }) else {
                throw UsageError(command: "sign", message: "\(input) is already signed by key \(key.publicKey.keyID)")
            }
            out = args.value("out") ?? input
        } else {
            let bytes = try BoundedFile.read(input, limit: 256 << 20)
            let bom: JSON
            do { bom = try JSON.parse(bytes) } catch { throw ModelError.bom(path: input, message: "not valid JSON: \(error)") }
            let name = (input as NSString).lastPathComponent
            envelope = ReleaseAttestation.envelope(try ReleaseAttestation.statement(bom: bom, bomBytes: bytes, bomName: name,
                                                                                   source: input))
            out = args.value("out") ?? (input.hasSuffix(".cdx.json") ? String(input.dropLast(9)) : input) + ".intoto.json"
        }
        try envelope.sign(with: key)
        let text = envelope.json.serialized(pretty: true)
        let replacing = args.flag("append") || args.flag("force")
        try AtomicFile.write(text, to: out, overwrite: replacing)
        if format == "json" {
            console.json(.object(["envelope": .string(out), "keyid": .string(key.publicKey.keyID),
                                  "signatures": .int(envelope.signatures.count)]))
        } else {
            console.out("\(args.flag("append") ? "co-signed" : "signed") \(out) with \(key.algorithm.rawValue) key \(key.publicKey.keyID) (\(envelope.signatures.count) signature\(envelope.signatures.count == 1 ? "" : "s"))")
        }
        return .success
    }
}
