/// Errors of the digest layer: a tree or file that can't be hashed truthfully.
public enum DigestError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case notRegularFile(path: String, kind: String)
    case changedWhileHashing(path: String)
    case tooDeep(path: String, limit: Int)
    case tooManyEntries(root: String, limit: Int)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file or directory"
        case .unreadable(let p, let r): return "\(p): cannot read (\(r))"
        case .notRegularFile(let p, let k): return "\(p): is a \(k), not a regular file"
        case .changedWhileHashing(let p):
            return "\(p): file changed while it was being hashed (size or modification time differs); hash it again once it is stable"
        case .tooDeep(let p, let l): return "\(p): directory nesting deeper than \(l) levels"
        case .tooManyEntries(let r, let l): return "\(r): more than \(l) entries; refusing to walk further"
        case .invalidOption(let m): return m
        }
    }
}
