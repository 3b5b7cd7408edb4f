internal import COpenSSL

/// Owns one `EVP_PKEY`. Immutable after creation, so it's safe to share across threads
/// (OpenSSL allows concurrent use of a const EVP_PKEY with separate contexts).
final class EVPKey: @unchecked Sendable {
    let pkey: OpaquePointer

    private init(_ pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    // MARK: creation

    static func generate(_ algorithm: KeyAlgorithm) throws -> EVPKey {
        let id: Int32 = algorithm == .ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_EC
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw lib("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw lib("EVP_PKEY_keygen_init") }
        switch algorithm {
        case .ed25519: break
        case .ecdsaP256:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else {
                throw lib("EVP_PKEY_CTX_set_ec_paramgen_curve_nid")
            }
        case .ecdsaP384:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_secp384r1) == 1 else {
                throw lib("EVP_PKEY_CTX_set_ec_paramgen_curve_nid")
            }
        }
        var out: OpaquePointer? = nil
        guard EVP_PKEY_keygen(ctx, &out) == 1, let pkey = out else { throw lib("EVP_PKEY_keygen") }
        return EVPKey(pkey)
    }

    static func ed25519Private(seed: [UInt8]) throws -> EVPKey {
        guard seed.count == 32 else {
            throw CryptoError.invalidKey(source: "seed", detail: "an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        guard let pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw lib("EVP_PKEY_new_raw_private_key")
        }
        return EVPKey(pkey)
    }

    static func ed25519Public(raw: [UInt8], source: String) throws -> EVPKey {
        guard raw.count == 32, let pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, raw, raw.count) else {
            ERR_clear_error()
            throw CryptoError.invalidKey(source: source, detail: "an Ed25519 public key is 32 bytes, got \(raw.count)")
        }
        return EVPKey(pkey)
    }

    static func readPublicPEM(_ pem: [UInt8], source: String) throws -> EVPKey {
        try withMemBIO(pem) { bio in
            guard let pkey = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                throw CryptoError.invalidKey(source: source, detail: "no PEM PUBLIC KEY block: \(OpenSSLErrors.drain())")
            }
            return EVPKey(pkey)
        }
    }

    static func readPublicDER(_ der: [UInt8], source: String) throws -> EVPKey {
        try der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let pkey = d2i_PUBKEY(nil, &p, buf.count), p == buf.baseAddress.map({ $0 + buf.count }) else {
                throw CryptoError.invalidKey(source: source, detail: "not a DER SubjectPublicKeyInfo: \(OpenSSLErrors.drain())")
            }
            return EVPKey(pkey)
        }
    }

    static func readPrivatePEM(_ pem: [UInt8], passphrase: [UInt8]?, source: String) throws -> EVPKey {
        let text = String(decoding: pem.prefix(1 << 20), as: UTF8.self)
        let encrypted = text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
        if encrypted && passphrase == nil { throw CryptoError.passphraseRequired(source: source) }
        return try withMemBIO(pem) { bio in
            var pass = (passphrase ?? []) + [0]
            defer { for i in pass.indices { pass[i] = 0 } }
            let pkey: OpaquePointer? = pass.withUnsafeMutableBytes { p in
                if passphrase != nil {
                    // With no callback, OpenSSL reads `u` as the NUL-terminated passphrase.
                    return PEM_read_bio_PrivateKey(bio, nil, nil, p.baseAddress)
                }
                // Never let OpenSSL prompt on the terminal.
                return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
            }
            guard let pkey else {
                let detail = OpenSSLErrors.drain()
                if encrypted { throw CryptoError.passphraseRequired(source: source) }
                throw CryptoError.invalidKey(source: source, detail: "no PEM private key: \(detail)")
            }
            return EVPKey(pkey)
        }
    }

    // MARK: properties

    func algorithm(source: String) throws -> KeyAlgorithm {
        let id = EVP_PKEY_get_base_id(pkey)
        if id == EVP_PKEY_ED25519 { return .ed25519 }
        if id == EVP_PKEY_EC {
            var name = [CChar](repeating: 0, count: 64)
            var len = 0
            guard EVP_PKEY_get_group_name(pkey, &name, name.count, &len) == 1 else {
                throw CryptoError.invalidKey(source: source, detail: "EC key without a named curve")
            }
            let curve = String(decoding: name.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch curve {
            case "prime256v1", "P-256": return .ecdsaP256
            case "secp384r1", "P-384": return .ecdsaP384
            default: throw CryptoError.unsupportedAlgorithm(source: source, algorithm: "EC \(curve)")
            }
        }
        let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "id \(id)"
        throw CryptoError.unsupportedAlgorithm(source: source, algorithm: name)
    }

    func publicDER() throws -> [UInt8] {
        var p: UnsafeMutablePointer<UInt8>? = nil
        let len = i2d_PUBKEY(pkey, &p)
        guard len > 0, let p else { throw EVPKey.lib("i2d_PUBKEY") }
        defer { aibom_openssl_free(p) }
        return Array(UnsafeBufferPointer(start: p, count: Int(len)))
    }

    func rawPublic() -> [UInt8]? {
        var len = 0
        guard EVP_PKEY_get_raw_public_key(pkey, nil, &len) == 1 else { ERR_clear_error(); return nil }
        var out = [UInt8](repeating: 0, count: len)
        guard EVP_PKEY_get_raw_public_key(pkey, &out, &len) == 1 else { ERR_clear_error(); return nil }
        return out
    }

    func privatePEM(passphrase: [UInt8]?) throws -> String {
        try EVPKey.withMemBIO([]) { bio in
            let ok: Int32
            if var pass = passphrase {
                defer { for i in pass.indices { pass[i] = 0 } }
                ok = pass.withUnsafeMutableBytes { p in
                    PEM_write_bio_PKCS8PrivateKey(
                        bio, pkey, EVP_aes_256_cbc(), p.baseAddress?.assumingMemoryBound(to: CChar.self),
                        Int32(p.count), nil, nil)
                }
            } else {
                ok = PEM_write_bio_PKCS8PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
            }
            guard ok == 1 else { throw EVPKey.lib("PEM_write_bio_PKCS8PrivateKey") }
            return EVPKey.readBIO(bio)
        }
    }

    // MARK: sign / verify

    func sign(message: [UInt8], digest: HashAlgorithm?) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw EVPKey.lib("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        let md = digest.map { DigestContext.md($0) } ?? nil
        guard EVP_DigestSignInit(ctx, nil, md, nil, pkey) == 1 else { throw EVPKey.lib("EVP_DigestSignInit") }
        var len = 0
        guard EVP_DigestSign(ctx, nil, &len, message, message.count) == 1 else { throw EVPKey.lib("EVP_DigestSign") }
        var sig = [UInt8](repeating: 0, count: len)
        guard EVP_DigestSign(ctx, &sig, &len, message, message.count) == 1 else { throw EVPKey.lib("EVP_DigestSign") }
        return Array(sig.prefix(len))
    }

    func verify(signature: [UInt8], message: [UInt8], digest: HashAlgorithm?) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        let md = digest.map { DigestContext.md($0) } ?? nil
        guard EVP_DigestVerifyInit(ctx, nil, md, nil, pkey) == 1 else { ERR_clear_error(); return false }
        let ok = EVP_DigestVerify(ctx, signature, signature.count, message, message.count) == 1
        ERR_clear_error()
        return ok
    }

    // MARK: helpers

    static func lib(_ op: String) -> CryptoError { .library(operation: op, detail: OpenSSLErrors.drain()) }

    static func withMemBIO<R>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> R) throws -> R {
        guard let bio = BIO_new(BIO_s_mem()) else { throw lib("BIO_new") }
        defer { BIO_free(bio) }
        if !bytes.isEmpty {
            guard bytes.count < Int32.max, BIO_write(bio, bytes, Int32(bytes.count)) == Int32(bytes.count) else {
                throw lib("BIO_write")
            }
        }
        return try body(bio)
    }

    static func readBIO(_ bio: OpaquePointer) -> String {
        var p: UnsafeMutablePointer<CChar>? = nil
        let len = aibom_bio_get_mem_data(bio, &p)
        guard len > 0, let p else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: Int(len)), as: UTF8.self)
    }
}

/// Cryptographically secure random bytes from OpenSSL.
public enum SecureRandom {
    /// Returns `count` random bytes.
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw EVPKey.lib("RAND_bytes") }
        return out
    }
}
