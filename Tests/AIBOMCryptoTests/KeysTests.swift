import AIBOMCrypto
import AIBOMTestSupport
import XCTest

final class KeysTests: XCTestCase {
    /// RFC 8032 §7.1, TEST 1: secret key, public key and the signature of the empty message.
    func testEd25519RFC8032Vector() throws {
        let seed = Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!
        let key = try PrivateKey.ed25519(seed: seed)
        XCTAssertEqual(Hex.encode(key.publicKey.ed25519Raw!),
                       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let sig = try key.sign([])
        XCTAssertEqual(Hex.encode(sig),
                       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        XCTAssertTrue(key.publicKey.isValidSignature(sig, for: []))
        XCTAssertFalse(key.publicKey.isValidSignature(sig, for: [0]))
    }

    func testSignVerifyRoundTripAndTamper() throws {
        for alg in KeyAlgorithm.allCases {
            let key = try PrivateKey.generate(alg)
            let msg = Array("release 1.0".utf8)
            var sig = try key.sign(msg)
            XCTAssertTrue(key.publicKey.isValidSignature(sig, for: msg), "\(alg)")
            sig[sig.count / 2] ^= 1
            XCTAssertFalse(key.publicKey.isValidSignature(sig, for: msg), "\(alg)")
            XCTAssertFalse(key.publicKey.isValidSignature([], for: msg), "\(alg) empty signature")
            XCTAssertFalse(key.publicKey.isValidSignature([UInt8](repeating: 0x30, count: 200), for: msg))
        }
    }

    func testPEMRoundTripPlainAndEncrypted() throws {
        for alg in KeyAlgorithm.generatable {
            let key = try PrivateKey.generate(alg)
            let plain = try key.pkcs8PEM(passphrase: nil)
            XCTAssertTrue(plain.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            XCTAssertEqual(try PrivateKey(pem: Array(plain.utf8), passphrase: nil, source: "k").publicKey, key.publicKey)

            let enc = try key.pkcs8PEM(passphrase: Array("s3cret".utf8))
            XCTAssertTrue(enc.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
            XCTAssertEqual(try PrivateKey(pem: Array(enc.utf8), passphrase: Array("s3cret".utf8), source: "k").publicKey,
                           key.publicKey)
            XCTAssertThrowsError(try PrivateKey(pem: Array(enc.utf8), passphrase: nil, source: "k.key")) {
                XCTAssertEqual($0 as? CryptoError, .passphraseRequired(source: "k.key"))
            }
            XCTAssertThrowsError(try PrivateKey(pem: Array(enc.utf8), passphrase: Array("wrong".utf8), source: "k.key")) {
                XCTAssertEqual($0 as? CryptoError, .passphraseRequired(source: "k.key"))
            }
            let pub = try PublicKey(pem: Array(key.publicKey.pem.utf8), source: "p")
            XCTAssertEqual(pub, key.publicKey)
            XCTAssertEqual(pub.keyID, Hex.encode(SHA256.hash(pub.der)))
        }
    }

    func testGarbageKeysAreClearErrors() {
        XCTAssertThrowsError(try PublicKey(pem: Array("not a key".utf8), source: "x.pub")) { e in
            guard case .invalidKey(let source, _)? = e as? CryptoError else { return XCTFail("\(e)") }
            XCTAssertEqual(source, "x.pub")
        }
        XCTAssertThrowsError(try PrivateKey(pem: [], passphrase: nil, source: "x.key"))
        XCTAssertThrowsError(try PublicKey(der: [0x30, 0x03, 0x01], source: "d"))
        XCTAssertThrowsError(try PrivateKey.ed25519(seed: [1, 2, 3]))
    }

    // MARK: interop with the openssl CLI (run here; nothing of it is committed)

    private func openssl(_ args: [String], stdin: [UInt8]? = nil) throws -> ProcessResult {
        let r = try runProcess("openssl", args, stdin: stdin)
        XCTAssertEqual(r.status, 0, "openssl \(args.joined(separator: " ")): \(r.stderr)")
        return r
    }

    func testAibomSignaturesVerifyWithOpenSSL() throws {
        let dir = TempDir()
        let msg = pseudoRandomBytes(1000, seed: 3)
        let msgPath = dir.write("msg", msg)
        for alg in KeyAlgorithm.generatable {
            let key = try PrivateKey.generate(alg)
            let pub = dir.write("\(alg).pub", key.publicKey.pem)
            let sig = dir.write("\(alg).sig", try key.sign(msg))
            let r: ProcessResult
            if alg == .ed25519 {
                r = try runProcess("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msgPath,
                                               "-sigfile", sig])
            } else {
                r = try runProcess("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, msgPath])
            }
            XCTAssertEqual(r.status, 0, "\(alg): \(r.out) \(r.stderr)")
            // And a tampered message fails there too.
            let bad = dir.write("bad", msg + [0])
            let rb = alg == .ed25519
                ? try runProcess("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", bad, "-sigfile", sig])
                : try runProcess("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, bad])
            XCTAssertNotEqual(rb.status, 0, "\(alg)")
        }
    }

    func testOpenSSLKeysAndSignaturesWorkInAibom() throws {
        let dir = TempDir()
        let msg = Array("signed by openssl".utf8)
        let msgPath = dir.write("msg", msg)
        let cases: [(KeyAlgorithm, [String])] = [
            (.ed25519, ["-algorithm", "ed25519"]),
            (.ecdsaP256, ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
            (.ecdsaP384, ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
        ]
        for (alg, genArgs) in cases {
            let keyPath = dir.url("\(alg).key"), encPath = dir.url("\(alg).enc.key"), pubPath = dir.url("\(alg).pub")
            let sigPath = dir.url("\(alg).sig")
            _ = try openssl(["genpkey"] + genArgs + ["-out", keyPath])
            _ = try openssl(["pkey", "-in", keyPath, "-pubout", "-out", pubPath])
            _ = try openssl(["pkcs8", "-topk8", "-in", keyPath, "-out", encPath, "-v2", "aes-256-cbc", "-passout", "pass:pw"])
            if alg == .ed25519 {
                _ = try openssl(["pkeyutl", "-sign", "-inkey", keyPath, "-rawin", "-in", msgPath, "-out", sigPath])
            } else {
                let md = alg == .ecdsaP256 ? "-sha256" : "-sha384"
                _ = try openssl(["dgst", md, "-sign", keyPath, "-out", sigPath, msgPath])
            }
            let priv = try PrivateKey(pem: Array(try String(contentsOfFile: keyPath, encoding: .utf8).utf8), passphrase: nil,
                                      source: keyPath)
            let enc = try PrivateKey(pem: Array(try String(contentsOfFile: encPath, encoding: .utf8).utf8),
                                     passphrase: Array("pw".utf8), source: encPath)
            let pub = try PublicKey(pem: Array(try String(contentsOfFile: pubPath, encoding: .utf8).utf8), source: pubPath)
            XCTAssertEqual(priv.algorithm, alg)
            XCTAssertEqual(priv.publicKey, pub)
            XCTAssertEqual(enc.publicKey, pub)
            let sig = Array(try Data(contentsOf: URL(fileURLWithPath: sigPath)))
            XCTAssertTrue(pub.isValidSignature(sig, for: msg), "\(alg)")
            XCTAssertFalse(pub.isValidSignature(sig, for: msg + [1]), "\(alg)")

            // Key id: SHA-256 of the DER SubjectPublicKeyInfo as openssl writes it.
            let der = try openssl(["pkey", "-pubin", "-in", pubPath, "-outform", "DER"]).stdout
            XCTAssertEqual(pub.keyID, Hex.encode(SHA256.hash(der)))
        }
    }

    func testEncryptedKeyFromAibomOpensWithOpenSSL() throws {
        let dir = TempDir()
        let key = try PrivateKey.generate(.ecdsaP256)
        let path = dir.write("k.key", try key.pkcs8PEM(passphrase: Array("pw!".utf8)))
        let r = try openssl(["pkey", "-in", path, "-passin", "pass:pw!", "-pubout"])
        XCTAssertEqual(r.out, key.publicKey.pem)
    }
}
