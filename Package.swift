// swift-tools-version:6.0
// aibom: supply-chain security for AI assets. No package dependencies by design:
// Foundation, Dispatch, Glibc and the system OpenSSL 3 only.
import PackageDescription

let package = Package(
    name: "aibom",
    products: [
        .executable(name: "aibom", targets: ["aibom"]),
        .library(name: "AIBOM", targets: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats", "AIBOMModel", "AIBOMAttestation", "AIBOMVerify", "AIBOMScan", "AIBOMDiff", "AIBOMLedger"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "AIBOMCrypto", dependencies: ["COpenSSL"]),
        .target(name: "AIBOMDigest", dependencies: ["AIBOMCrypto", "AIBOMFormats"]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "AIBOMFormats", dependencies: ["CZlib"]),
        .target(name: "AIBOMModel", dependencies: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats"]),
        .target(name: "AIBOMAttestation", dependencies: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats", "AIBOMModel"]),
        .target(name: "AIBOMVerify", dependencies: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats", "AIBOMModel", "AIBOMAttestation"]),
        .target(name: "AIBOMScan", dependencies: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats"]),
        .target(name: "AIBOMDiff", dependencies: ["AIBOMDigest", "AIBOMFormats", "AIBOMModel"]),
        .target(name: "AIBOMLedger", dependencies: ["AIBOMCrypto", "AIBOMFormats"]),
        .executableTarget(
            name: "aibom",
            dependencies: ["AIBOMCrypto", "AIBOMDigest", "AIBOMFormats", "AIBOMModel", "AIBOMAttestation", "AIBOMVerify", "AIBOMScan", "AIBOMDiff", "AIBOMLedger"]
        ),
        .target(
            name: "AIBOMTestSupport",
            dependencies: ["AIBOMCrypto"],
            path: "Tests/AIBOMTestSupport"
        ),
        .testTarget(name: "AIBOMCryptoTests", dependencies: ["AIBOMCrypto", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMDigestTests", dependencies: ["AIBOMDigest", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMFormatsTests", dependencies: ["AIBOMFormats", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMModelTests", dependencies: ["AIBOMModel", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMAttestationTests", dependencies: ["AIBOMAttestation", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMVerifyTests", dependencies: ["AIBOMVerify", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMScanTests", dependencies: ["AIBOMScan", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMDiffTests", dependencies: ["AIBOMDiff", "AIBOMTestSupport"]),
        .testTarget(name: "AIBOMLedgerTests", dependencies: ["AIBOMLedger", "AIBOMTestSupport"]),
        .testTarget(name: "aibomTests", dependencies: ["aibom", "AIBOMTestSupport"]),
    ]
)
