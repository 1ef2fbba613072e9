// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Plebiscite",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "plebiscite", targets: ["plebiscite"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // The only C: libsodium, found through pkg-config.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // QR codes for credential letters: libqrencode through pkg-config (the only other C).
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(name: "QRCode", dependencies: ["CQRencode"]),
        // Group layer: ristretto255 Element and Scalar, plus libsodium's hash, random, box and sign.
        .target(name: "Ristretto", dependencies: ["CSodium"]),
        // ristretto255 arithmetic of the project's own, variable time, for public data only (verification,
        // tallying, combining; SPEC.md 2): field, Edwards points, RFC 9496 encoding. Tested against libsodium.
        // Optimised in debug builds too: the suite verifies thousands of ballots through it, and
        // unoptimised Swift arithmetic is tens of times slower than libsodium's C.
        .target(name: "RistrettoArithmetic", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Proofs, ElGamal, threshold sharing.
        .target(name: "PlebisciteCrypto", dependencies: ["Ristretto", "RistrettoArithmetic"]),
        // Codable record values, canonical hashing, the event log, single-entry checks.
        .target(name: "ElectionRecord", dependencies: ["TransparencyLog", "PlebisciteCrypto", "Ristretto"]),
        // The acceptance rules: the record's state folded from the log, and for each entry kind the
        // one rule that decides whether it may follow. The board, the file-based steps and the verifier use it.
        .target(name: "ElectionRules", dependencies: ["ElectionRecord", "PlebisciteCrypto", "Ristretto"]),
        // Protocol steps: ceremony, credentials, ballots, the file-based board, tally, decryption.
        .target(name: "ElectionProtocol", dependencies: ["ElectionRules", "ElectionRecord", "PlebisciteCrypto", "Ristretto"]),
        // RFC 9162 Merkle tree: tree hashes, inclusion and consistency proofs, signed tree heads.
        .target(name: "TransparencyLog", dependencies: ["PlebisciteCrypto", "Ristretto"]),
        // The board's log behind one protocol: an append-only, gap-free store of entries and tree heads.
        .target(
            name: "BoardStorage",
            dependencies: ["ElectionRecord", "TransparencyLog", .product(name: "GRDB", package: "GRDB.swift")]),
        // The PostgreSQL driver, for several stateless board servers on one database.
        .target(
            name: "BoardStoragePostgres",
            dependencies: [
                "BoardStorage", "ElectionRecord", "TransparencyLog",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // What travels between board and clients: receipts, errors, responses.
        .target(name: "BoardAPI", dependencies: ["ElectionRecord", "ElectionRules", "TransparencyLog", "Ristretto"]),
        // The board's logic on any store, independent of HTTP: checks, appends, receipts, proofs.
        .target(
            name: "BoardService",
            dependencies: [
                "BoardAPI", "BoardStorage", "ElectionProtocol", "ElectionRecord", "ElectionRules", "TransparencyLog", "PlebisciteCrypto",
                "Ristretto",
            ]),
        // The HTTP board (Hummingbird 2): buildRouter / buildApplication over a BoardService.
        .target(
            name: "BoardServer",
            dependencies: [
                "BoardAPI", "BoardService", "BoardStorage", "ElectionRecord", "ElectionProtocol", "ElectionVerifier", "Forensics",
                "RecordForensics", "TransparencyLog",
                "Ristretto", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "HummingbirdTLS", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("openapi.yaml")]),
        // A mobile device's durable outbox of ballots collected offline (SQLite), uploaded later.
        .target(
            name: "DeviceOutbox", dependencies: ["ElectionRecord", .product(name: "GRDB", package: "GRDB.swift")]),
        // The board's HTTP client, for voters, trustees, administrators, monitors and verifiers.
        .target(
            name: "BoardClient",
            dependencies: [
                "BoardAPI", "ElectionRecord", "TransparencyLog", "Ristretto",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        // Independent verifier: record and crypto only.
        .target(
            name: "ElectionVerifier", dependencies: ["ElectionRecord", "ElectionRules", "TransparencyLog", "PlebisciteCrypto", "Ristretto"]),
        // Election forensics on precinct-level results: import, statistical tests, SVG/HTML report.
        // Optimised even in debug builds: the test suite reproduces published figures with 1,000 Monte Carlo draws.
        .target(
            name: "Forensics",
            dependencies: [
                .product(name: "CompressNIO", package: "compress-nio"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: [.unsafeFlags(["-O"])]),
        // The forensics of a verified result: its precinct rows as the forensics read them.
        .target(name: "RecordForensics", dependencies: ["ElectionRecord", "Forensics"]),
        // Child processes and a small W3C WebDriver client for headless Chromium (bench booth, the page tests).
        .target(name: "BrowserDriver", dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(
            name: "PlebisciteCLI",
            dependencies: [
                "ElectionProtocol", "ElectionRules", "ElectionVerifier", "ElectionRecord", "PlebisciteCrypto", "Ristretto",
                "RistrettoArithmetic", "Forensics", "QRCode", "DeviceOutbox", "BoardAPI", "BoardClient", "BoardServer", "BoardService",
                "BoardStorage", "BoardStoragePostgres",
                "BrowserDriver", "RecordForensics", .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "plebiscite", dependencies: ["PlebisciteCLI"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // The one loader of test-vector files, and the protocol's known answers (protocol-hashes.json).
        .target(name: "TestVectors", path: "Tests/TestVectors", resources: [.copy("Vectors")]),
        .testTarget(
            name: "RistrettoTests", dependencies: ["Ristretto", "RistrettoArithmetic", "PlebisciteCrypto", "TestVectors"],
            resources: [.copy("Vectors")]),
        // What the board tests share: real PostgreSQL servers and child processes.
        .target(
            name: "BoardTestSupport",
            dependencies: ["BoardStoragePostgres", "BrowserDriver", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Tests/BoardTestSupport"),
        .testTarget(
            name: "BoardStorageTests",
            dependencies: ["BoardStorage", "BoardStoragePostgres", "BoardTestSupport", "ElectionRecord", "TransparencyLog", "Ristretto"]),
        .testTarget(
            name: "BoardServiceTests",
            dependencies: [
                "BoardAPI", "BoardService", "BoardStorage", "BoardStoragePostgres", "BoardTestSupport", "ElectionProtocol",
                "ElectionRecord",
                "ElectionRules", "ElectionVerifier", "TransparencyLog", "Ristretto",
            ]),
        .testTarget(
            name: "BoardServerTests",
            dependencies: [
                "BoardAPI", "BoardServer", "BoardService", "BoardStorage", "ElectionProtocol", "ElectionRecord", "ElectionRules", "Ristretto",
                "BoardTestSupport", "TestVectors", "TransparencyLog", "ElectionVerifier",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .testTarget(
            name: "TransparencyLogTests", dependencies: ["TransparencyLog", "Ristretto", "TestVectors"], resources: [.copy("Vectors")]),
        .testTarget(name: "CryptoTests", dependencies: ["PlebisciteCrypto", "Ristretto", "RistrettoArithmetic"]),
        .testTarget(
            name: "ProtocolTests",
            dependencies: [
                "ElectionProtocol", "ElectionRecord", "ElectionRules", "PlebisciteCrypto", "Ristretto", "TestVectors", "TransparencyLog",
            ]),
        .testTarget(
            name: "ForensicsTests",
            dependencies: [
                "Forensics", .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "PlebisciteCLI", "ElectionVerifier", "ElectionRecord", "ElectionProtocol", "BoardAPI", "BoardClient", "BoardServer",
                "BoardService", "BoardStorage", "BoardStoragePostgres", "BoardTestSupport", "DeviceOutbox", "TransparencyLog", "Ristretto",
                "TestVectors", "Forensics", "RecordForensics", .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "VerifierTests",
            dependencies: [
                "ElectionVerifier", "ElectionProtocol", "ElectionRecord", "ElectionRules", "PlebisciteCrypto", "Ristretto", "PlebisciteCLI",
                "TestVectors", "TransparencyLog",
            ], resources: [.copy("Golden"), .copy("Golden2"), .copy("GoldenV1")]
        ),
    ]
)

// The fuzz targets (Fuzz/PlebisciteFuzz), only when scripts/fuzz builds them: they link libFuzzer.
// PLEBISCITE_FUZZ=own instruments only the project's modules (AddressSanitizer, coverage), so the build
// reuses the dependencies compiled by the ordinary debug build in the same scratch path; any other value
// leaves the flags to the command line (scripts/fuzz build full instruments the dependencies too).
if let fuzz = Context.environment["PLEBISCITE_FUZZ"] {
    let instrumented: [SwiftSetting] =
        fuzz == "own"
        ? [.unsafeFlags(["-sanitize=address", "-sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp"])] : []
    for target in package.targets where target.type == .regular {
        target.swiftSettings = (target.swiftSettings ?? []) + instrumented
    }
    package.targets.append(
        .executableTarget(
            name: "PlebisciteFuzz",
            dependencies: [
                "BoardAPI", "DeviceOutbox", "ElectionProtocol", "ElectionRecord", "ElectionVerifier", "Forensics", "Ristretto",
                "RistrettoArithmetic",
            ],
            path: "Fuzz/PlebisciteFuzz", swiftSettings: [.unsafeFlags(["-parse-as-library"])] + instrumented,
            linkerSettings: fuzz == "own" ? [.unsafeFlags(["-sanitize=address"])] : []))
    package.products.append(.executable(name: "PlebisciteFuzz", targets: ["PlebisciteFuzz"]))
}
