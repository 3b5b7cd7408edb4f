/// Errors from the crypto layer. Each case carries what the user needs to act on it.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A PEM or DER document could not be parsed as the expected key type.
    case invalidKey(source: String, detail: String)
    /// The private key is encrypted and no passphrase (or a wrong one) was supplied.
    case passphraseRequired(source: String)
    /// The key uses an algorithm aibom does not sign or verify with.
    case unsupportedAlgorithm(source: String, algorithm: String)
    /// OpenSSL failed an operation that should not fail; `detail` is its error queue.
    case library(operation: String, detail: String)
    /// Text that should be hex, base64 or similar was not.
    case invalidEncoding(what: String, detail: String)

    public var description: String {
        switch self {
        case .invalidKey(let source, let detail):
            return "\(source): not a usable key (\(detail))"
        case .passphraseRequired(let source):
            return "\(source): the private key is encrypted and the passphrase is missing or wrong"
                + " (set it with --passphrase-env VAR or --passphrase-file FILE)"
        case .unsupportedAlgorithm(let source, let algorithm):
            return "\(source): key algorithm \(algorithm) is not supported (use ed25519, ecdsa-p256 or ecdsa-p384)"
        case .library(let operation, let detail):
            return "OpenSSL \(operation) failed: \(detail)"
        case .invalidEncoding(let what, let detail):
            return "\(what): \(detail)"
        }
    }
}
