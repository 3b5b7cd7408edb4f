internal import COpenSSL

/// Owns one `EVP_MD_CTX`. Only ever referenced through `Hasher`, which copies on write.
final class DigestContext: @unchecked Sendable {
    private let ctx: OpaquePointer
    private let algorithm: HashAlgorithm

    init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.ctx = ctx
        guard EVP_DigestInit_ex(ctx, DigestContext.md(algorithm), nil) == 1 else {
            fatalError("EVP_DigestInit_ex failed: \(OpenSSLErrors.drain())")
        }
    }

    private init(copying other: DigestContext) {
        self.algorithm = other.algorithm
        guard let ctx = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(ctx, other.ctx) == 1 else {
            fatalError("EVP_MD_CTX_copy_ex failed")
        }
        self.ctx = ctx
    }

    static func md(_ algorithm: HashAlgorithm) -> OpaquePointer? {
        switch algorithm {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    func copy() -> DigestContext { DigestContext(copying: self) }

    func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        _ = EVP_DigestUpdate(ctx, base, buffer.count)
    }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        _ = EVP_DigestFinal_ex(ctx, &out, &len)
        return Array(out[0..<Int(len)])
    }

    deinit { EVP_MD_CTX_free(ctx) }
}

/// Reads and clears OpenSSL's thread-local error queue.
enum OpenSSLErrors {
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            messages.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no detail" : messages.joined(separator: "; ")
    }
}
