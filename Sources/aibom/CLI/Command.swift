import AIBOMCrypto
import AIBOMFormats
import Foundation

/// Process exit codes, the contract with pipelines.
enum ExitCode: Int32 {
    /// Everything held.
    case success = 0
    /// A check failed: a verification, a finding, a gate.
    case checkFailed = 1
    /// Usage or input error: nothing was checked.
    case usage = 2
}

/// One `aibom` subcommand: its interface and how it runs.
protocol Command: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ args: ParsedArguments, console: Console) throws -> ExitCode
}

/// Every command, in the order `aibom --help` lists them.
let allCommands: [any Command.Type] = [
    DemoCommand.self,
    InitCommand.self,
    BuildCommand.self,
    ShowCommand.self,
    SignCommand.self,
    VerifyCommand.self,
    ScanCommand.self,
    DiffCommand.self,
    LedgerCommand.self,
    TraceCommand.self,
    HashCommand.self,
    KeygenCommand.self,
    SignModelCommand.self,
    VerifyModelCommand.self,
]

let version = "0.1.0"

/// Reads a key passphrase from `--passphrase-env VAR` or `--passphrase-file FILE`; never argv.
func readPassphrase(_ args: ParsedArguments) throws -> [UInt8]? {
    if let env = args.value("passphrase-env") {
        guard let v = ProcessInfo.processInfo.environment[env] else {
            throw UsageError(command: args.command, message: "--passphrase-env: environment variable \(env) is not set")
        }
        guard !v.isEmpty else {
            throw UsageError(command: args.command, message: "--passphrase-env: environment variable \(env) is empty")
        }
        return Array(v.utf8)
    }
    if let file = args.value("passphrase-file") {
        var bytes = try BoundedFile.read(file, limit: 64 << 10)
        while let last = bytes.last, last == 0x0a || last == 0x0d { bytes.removeLast() }
        guard !bytes.isEmpty else { throw UsageError(command: args.command, message: "--passphrase-file: \(file) is empty") }
        return bytes
    }
    return nil
}

let passphraseOptions: [OptionSpec] = [
    .value("passphrase-env", nil, "VAR", "Read the key passphrase from environment variable VAR"),
    .value("passphrase-file", nil, "FILE", "Read the key passphrase from FILE (first line)"),
]

/// Loads a private key from a PEM file, decrypting it with the passphrase options if needed.
func loadPrivateKey(_ path: String, _ args: ParsedArguments) throws -> PrivateKey {
    let pem = try BoundedFile.read(path, limit: 1 << 20)
    return try PrivateKey(pem: pem, passphrase: try readPassphrase(args), source: path)
}

/// Loads a public key from a PEM file.
func loadPublicKey(_ path: String) throws -> PublicKey {
    try PublicKey(pem: try BoundedFile.read(path, limit: 1 << 20), source: path)
}
