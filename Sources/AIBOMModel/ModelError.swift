/// Errors in a release manifest or BOM: each names the file and the asset or field at fault.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case manifest(path: String, message: String)
    case asset(manifest: String, asset: String, message: String)
    case bom(path: String, message: String)

    public var description: String {
        switch self {
        case .manifest(let p, let m): return "\(p): \(m)"
        case .asset(let p, let a, let m): return "\(p): asset '\(a)': \(m)"
        case .bom(let p, let m): return "\(p): \(m)"
        }
    }
}
