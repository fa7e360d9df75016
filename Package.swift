// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "StageSub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stagesub", targets: ["stagesub"]),
        // The sealed VFS as a SQLite loadable extension: `.load .build/debug/libSealedVFS.so` in the stock
        // shell registers a VFS named `sealed` that takes the key from a `hexkey` URI parameter.
        .library(name: "SealedVFS", type: .dynamic, targets: ["SealedVFS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // One trait pinned: with the default two, SwiftPM re-plans them in random order and rebuilds
        // Hummingbird from scratch on every build (TOOLCHAIN.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // `stagesub fleet status` reads other appliances' /metrics (HTTPS too) without Foundation's URLSession,
        // which would link libcurl into the binary and the .deb's dependencies.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The staff interface's HTML, escaped by the template engine; file uploads from its forms.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // HMAC-SHA1 for Twilio's signatures (libsodium has no SHA-1) and HMAC-SHA256 for Resend's and ours,
        // from one library; already in the graph through async-http-client's swift-certificates.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .target(
            name: "SealedVFS",
            dependencies: ["CSodium"],
            cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"])],
            // libcrypto (OpenSSL 3) computes ChaCha20-Poly1305 faster than libsodium, byte for byte the same (aead.c).
            linkerSettings: [.linkedLibrary("sqlite3"), .linkedLibrary("sodium"), .linkedLibrary("crypto")]),
        // The orchestra's domain as plain values and pure functions: no database, clock or network.
        .target(name: "StageSubCore"),
        .target(
            name: "StageSubStore",
            dependencies: [
                "StageSubCore", "StageSubSeeds", "SealedVFS", "CSodium",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // What shipped migrations seeded, frozen as it was at their version (seeds/ is for new orchestras).
            resources: [.embedInCode("Orchestra/Frozen/v2-instruments.json"), .embedInCode("Orchestra/Frozen/v2-templates.json")]),
        // What new orchestras and the demo start with (seeds/Seeds.swift), compiled into the binary.
        .target(name: "StageSubSeeds", path: "seeds",
                resources: [.embedInCode("instruments.json"), .embedInCode("templates.json"), .embedInCode("demo-orchestra.json")]),
        // Delivering the outbox: a Transport per channel (SMTP, Resend, Twilio), the providers' webhook
        // signatures, outgoing webhooks, the delivery service.
        .target(
            name: "StageSubMail",
            dependencies: [
                "StageSubStore", "StageSubCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The staff interface's templates, CSS and JavaScript, compiled into the binary (Resources/README.md).
        .target(name: "StageSubResources", path: "Resources", resources: [.embedInCode("templates"), .embedInCode("static")]),
        // HTTP: login, roles, the JSON API and its OpenAPI document, musicians' answer pages, health, metrics.
        .target(
            name: "StageSubServer",
            dependencies: [
                "StageSubStore", "StageSubCore", "StageSubMail", "StageSubResources",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "stagesub",
            dependencies: [
                "StageSubCore", "StageSubStore", "StageSubServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "StorageBenchmark",
            dependencies: [
                "SealedVFS",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "ApplianceBenchmark",
            dependencies: ["StageSubStore", .product(name: "GRDB", package: "GRDB.swift")]),
        // A child process for the crash tests: writes to a sealed database until it is killed.
        .executableTarget(
            name: "SealedCrashWriter",
            dependencies: ["StageSubStore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "StageSubCoreTests", dependencies: ["StageSubCore"]),
        .testTarget(
            name: "SealedVFSTests",
            dependencies: ["SealedVFS", .product(name: "GRDBSQLite", package: "GRDB.swift")],
            // Databases written by format 1 of the side files, to prove they still open (Fixtures/README.md).
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "StageSubStoreTests",
            dependencies: [
                "StageSubStore", "StageSubSeeds", "SealedVFS", "SealedCrashWriter", "CSodium",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "StageSubServerTests",
            dependencies: [
                "StageSubServer", "StageSubStore", "StageSubResources", "StageSubTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        .testTarget(
            name: "StageSubMailTests",
            dependencies: ["StageSubMail", "StageSubStore", "StageSubCore", "StageSubTestSupport"]),
        // Servers the tests start on 127.0.0.1: a real SMTP server, Resend's and Twilio's APIs as documented,
        // a receiver of our webhooks (Python scripts, so they check us with an implementation of their own).
        .target(
            name: "StageSubTestSupport",
            dependencies: ["StageSubMail", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Tests/StageSubTestSupport",
            resources: [.copy("smtp_sink.py"), .copy("provider_api.py")]),
        .testTarget(
            name: "StageSubCLITests",
            dependencies: ["stagesub"]),
    ],
    swiftLanguageModes: [.v6]
)
