import AIBOMCrypto
import AIBOMTestSupport
import XCTest

final class DigestsTests: XCTestCase {
    // FIPS 180-2 appendix vectors for "abc".
    func testKnownVectors() {
        XCTAssertEqual(Hex.encode(SHA256.hash("abc")),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(Hasher.hash(.sha512, Array("abc".utf8))),
                       "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                       + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8]())),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testStreamingEqualsOneShotAndCopiesAreIndependent() {
        let data = pseudoRandomBytes(100_000, seed: 7)
        var h = Hasher(.sha256)
        h.update(data[0..<1])
        var copy = h
        h.update(data[1...])
        copy.update([0x00])
        XCTAssertEqual(h.finalize(), SHA256.hash(data))
        XCTAssertEqual(copy.finalize(), SHA256.hash([data[0], 0x00]))
    }

    /// Digests of files of sizes around the 64-byte block boundary and a few MiB, compared
    /// with coreutils `sha256sum`/`sha512sum` and `openssl dgst`, run here on the same files.
    func testMatchesSha256sumAndOpenSSL() throws {
        let dir = TempDir()
        for size in [0, 1, 55, 56, 63, 64, 65, 127, 128, 4 << 20 | 17] {
            let bytes = pseudoRandomBytes(size, seed: UInt64(size) + 1)
            let path = dir.write("f\(size)", bytes)
            let coreutils = try runProcess("sha256sum", [path]).out.prefix(64)
            let openssl = try runProcess("openssl", ["dgst", "-sha256", "-r", path]).out.prefix(64)
            let sha512 = try runProcess("openssl", ["dgst", "-sha512", "-r", path]).out.prefix(128)
            XCTAssertEqual(Hex.encode(SHA256.hash(bytes)), String(coreutils), "size \(size)")
            XCTAssertEqual(String(coreutils), String(openssl), "size \(size)")
            XCTAssertEqual(Hex.encode(Hasher.hash(.sha512, bytes)), String(sha512), "size \(size)")
        }
    }
}

final class EncodingTests: XCTestCase {
    func testHexRoundTrip() {
        XCTAssertEqual(Hex.encode([0x00, 0xab, 0xff]), "00abff")
        XCTAssertEqual(Hex.decode("00ABff"), [0x00, 0xab, 0xff])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertTrue(Hex.isLowercaseHex("00ab", length: 4))
        XCTAssertFalse(Hex.isLowercaseHex("00AB", length: 4))
    }

    // RFC 4648 §10 vectors.
    func testBase64Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
                       "foobar": "Zm9vYmFy"]
        for (plain, enc) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), enc)
            XCTAssertEqual(Base64.decode(enc), Array(plain.utf8))
        }
        XCTAssertEqual(Base64.encodeURL([0xfb, 0xff]), "-_8")
    }

    func testBase64RejectsNonCanonicalForms() {
        XCTAssertNil(Base64.decode("Zg"), "missing padding")
        XCTAssertNil(Base64.decode("Zh=="), "non-zero pad bits")
        XCTAssertNil(Base64.decode("Zm9=v"), "padding in the middle")
        XCTAssertNil(Base64.decode("Zm9v\n"), "whitespace")
        XCTAssertNil(Base64.decode("Zm-v"), "url alphabet in standard base64")
        XCTAssertNil(Base64.decode("Zg=a"), "garbage after padding")
        XCTAssertNil(Base64.decode("===="))
    }
}
