import AIBOMCrypto
import AIBOMFormats
import AIBOMTestSupport
import Foundation
import XCTest

/// keygen → build → sign → sign --append → verify through the binary, and OMS interop files.
final class SignVerifyCommandsTests: XCTestCase {
    let root = repositoryRoot()

    func testSignCosignVerifyAndTamper() throws {
        let dir = TempDir()
        var env = ProcessInfo.processInfo.environment
        env["RELEASE_PASS"] = "hunter2"
        XCTAssertEqual(try aibom(["keygen", "-q", "--out", dir.url("re"), "--passphrase-env", "RELEASE_PASS"], environment: env).status, 0)
        XCTAssertEqual(try aibom(["keygen", "-q", "-a", "ecdsa-p256", "--out", dir.url("sr")]).status, 0)
        dir.write("policy.json", #"{"keys":[{"name":"re","publicKeyFile":"re.pub"},{"name":"sr","publicKeyFile":"sr.pub"}],"threshold":2}"#)
        let bom = dir.url("release.cdx.json")
        XCTAssertEqual(try aibom(["build", "-q", "-m", root + "/manifests/release-1.0.json", "-o", bom]).status, 0)

        // An encrypted key without its passphrase: a clear input error, no output.
        let noPass = try aibom(["sign", bom, "--key", dir.url("re.key")])
        XCTAssertEqual(noPass.status, 2)
        XCTAssertTrue(noPass.stderr.contains("encrypted and the passphrase is missing or wrong"), noPass.stderr)
        XCTAssertFalse(noPass.stderr.contains("hunter2"))

        let s1 = try aibom(["sign", bom, "--key", dir.url("re.key"), "--passphrase-env", "RELEASE_PASS"], environment: env)
        XCTAssertEqual(s1.status, 0, s1.stderr)
        let envelope = dir.url("release.intoto.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: envelope))
        XCTAssertFalse(s1.out.contains("hunter2") || s1.stderr.contains("hunter2"))
        XCTAssertEqual(try aibom(["sign", bom, "--key", dir.url("sr.key")]).status, 2, "never overwrites without --force")

        let v1 = try aibom(["verify", envelope, "--policy", dir.url("policy.json"), "--root", root + "/manifests"])
        XCTAssertEqual(v1.status, 1, "threshold 2 not met by one signature")
        XCTAssertTrue(v1.out.contains("✘ threshold"), v1.out)

        let s2 = try aibom(["sign", "--append", envelope, "--key", dir.url("sr.key")])
        XCTAssertEqual(s2.status, 0, s2.stderr)
        XCTAssertTrue(s2.out.contains("(2 signatures)"))
        XCTAssertEqual(try aibom(["sign", "--append", envelope, "--key", dir.url("sr.key")]).status, 2, "same key twice")

        let v2 = try aibom(["verify", envelope, "--policy", dir.url("policy.json"), "--root", root + "/manifests", "--format", "json"])
        XCTAssertEqual(v2.status, 0, v2.out + v2.stderr)
        let doc = try JSON.parse(v2.stdout)
        XCTAssertEqual(doc["passed"], .bool(true))
        XCTAssertEqual(doc["checks"]?.arrayValue?.map { $0["name"]!.stringValue! },
                       ["envelope", "signatures", "trust", "threshold", "findings", "digests"])

        // Deploy-time tamper: a copy of the samples with one weights byte flipped.
        try FileManager.default.copyItem(atPath: root + "/samples", toPath: dir.url("samples"))
        try FileManager.default.createDirectory(atPath: dir.url("manifests"), withIntermediateDirectories: true)
        let w = dir.url("samples/support-lora/adapter_model.safetensors")
        var bytes = try BoundedFile.read(w, limit: 1 << 26)
        bytes[bytes.count - 1] ^= 0xff
        try AtomicFile.write(bytes, to: w)
        let v3 = try aibom(["verify", envelope, "-p", dir.url("policy.json"), "-r", dir.url("manifests")])
        XCTAssertEqual(v3.status, 1)
        XCTAssertTrue(v3.out.contains("modified   support-lora"), v3.out)
        XCTAssertTrue(v3.out.contains("verification FAILED"))

        XCTAssertEqual(try aibom(["verify", dir.url("nope.json"), "-p", dir.url("policy.json")]).status, 2)
        XCTAssertEqual(try aibom(["verify", envelope, "-p", dir.write("bad.json", "{")]).status, 2)
    }

    /// aibom verifies the reference tool's signatures (fixtures in Tests/Fixtures/Compat/oms-1.1.1)
    /// and reports tampering by file; `.ci/run` checks the other direction with the reference tool.
    func testVerifyModelOnReferenceSignatures() throws {
        let fx = root + "/Tests/Fixtures/Compat/oms-1.1.1"
        for (sig, model) in [("model.sig", "model"), ("model-shards.sig", "model"), ("single.sig", "single/m.bin")] {
            let r = try aibom(["verify-model", fx + "/" + model, "--signature", fx + "/" + sig, "--public-key", fx + "/key.pub"])
            XCTAssertEqual(r.status, 0, "\(sig): \(r.out)\(r.stderr)")
        }
        let dir = TempDir()
        try FileManager.default.copyItem(atPath: fx + "/model", toPath: dir.url("model"))
        dir.write("model/w.bin", "tampered")
        dir.write("model/new.bin", "x")
        unlink(dir.url("model/a-c"))
        let r = try aibom(["verify-model", dir.url("model"), "-s", fx + "/model.sig", "-k", fx + "/key.pub", "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let issues = try JSON.parse(r.stdout)["issues"]!.arrayValue!.map { "\($0["path"]!.stringValue!) \($0["status"]!.stringValue!)" }
        XCTAssertEqual(issues, ["a-c missing", "w.bin modified", "new.bin unexpected"])
        let other = try PrivateKey.generate(.ecdsaP256)
        let wrongKey = dir.write("other.pub", other.publicKey.pem)
        XCTAssertEqual(try aibom(["verify-model", fx + "/model", "-s", fx + "/model.sig", "-k", wrongKey]).status, 1)
    }

    func testSignModelRoundTrip() throws {
        let dir = TempDir()
        XCTAssertEqual(try aibom(["keygen", "-q", "-a", "ecdsa-p256", "--out", dir.url("k")]).status, 0)
        try FileManager.default.copyItem(atPath: root + "/samples/support-lora", toPath: dir.url("lora"))
        let s = try aibom(["sign-model", dir.url("lora"), "--key", dir.url("k.key"), "--out", dir.url("lora/model.sig")])
        XCTAssertEqual(s.status, 0, s.stderr)
        let v = try aibom(["verify-model", dir.url("lora"), "-s", dir.url("lora/model.sig"), "-k", dir.url("k.pub")])
        XCTAssertEqual(v.status, 0, v.out)
        XCTAssertEqual(try aibom(["sign-model", dir.url("lora"), "--key", dir.url("k.key"), "--out", dir.url("lora/model.sig")]).status, 2)
    }
}
