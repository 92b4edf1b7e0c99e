// swift-tools-version: 6.1
import PackageDescription

/// Strict settings shared by every target: Swift 6 language mode (complete concurrency checking).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Fathom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        .library(name: "FathomCore", targets: ["FathomCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The pure core: standard library only, synchronous, no clock reads, no Foundation.
        .target(name: "FathomCore", swiftSettings: strict, linkerSettings: [.linkedLibrary("m")]),
        // zlib from the system (Debian: zlib1g-dev), for gzip input and compressed log lines.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Edge: reading files, directories, stdin and gzip into byte chunks.
        .target(name: "FathomIO", dependencies: ["FathomCore", "CZlib"], swiftSettings: strict),
        // Edge: the embedded store (SQLite through GRDB).
        .target(
            name: "FathomStore",
            dependencies: ["FathomCore", "FathomIO", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // Edge: the HTTP server (Hummingbird): query API, /metrics, log and Firehose ingestion.
        .target(
            name: "FathomHTTP",
            dependencies: [
                "FathomCore", "FathomIO",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Edge: YAML configuration files (alert rules, dashboards) read with line and column.
        .target(
            name: "FathomConfig",
            dependencies: ["FathomCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        // Edge: alert notifications (log, JSON lines file, webhook, Alertmanager) and their delivery.
        .target(
            name: "FathomAlerts",
            dependencies: [
                "FathomCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // Edge: the daemon: tailing, rotation, checkpoints, services, configuration.
        .target(
            name: "FathomDaemon",
            dependencies: [
                "FathomCore", "FathomIO", "FathomStore", "FathomHTTP", "FathomConfig", "FathomAlerts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        // Edge: the ClickHouse store (HTTP through AsyncHTTPClient), fed by the local spool.
        .target(
            name: "FathomClickHouse",
            dependencies: [
                "FathomCore", "FathomIO", "FathomStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // The command-line tool.
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomCore", "FathomIO", "FathomStore", "FathomClickHouse", "FathomDaemon", "FathomConfig", "FathomAlerts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "FathomCoreTests", dependencies: ["FathomCore"], swiftSettings: strict),
        .testTarget(name: "FathomIOTests", dependencies: ["FathomIO", "FathomCore"], swiftSettings: strict),
        .testTarget(name: "FathomStoreTests", dependencies: ["FathomStore", "FathomIO", "FathomCore"], swiftSettings: strict),
        .testTarget(
            name: "FathomHTTPTests",
            dependencies: [
                "FathomHTTP", "FathomIO", "FathomCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FathomDaemonTests",
            dependencies: ["FathomDaemon", "FathomStore", "FathomIO", "FathomCore"],
            swiftSettings: strict),
        .testTarget(
            name: "FathomClickHouseTests",
            dependencies: ["FathomClickHouse", "FathomStore", "FathomIO", "FathomCore"],
            swiftSettings: strict),
        .testTarget(
            name: "FathomConfigTests", dependencies: ["FathomConfig", "FathomCore"], swiftSettings: strict),
        .testTarget(
            name: "FathomAlertsTests",
            dependencies: [
                "FathomAlerts", "FathomCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Golden"],
            swiftSettings: strict),
        // The same cases against every store engine (`any Store`): the embedded store, and ClickHouse when
        // FATHOM_CLICKHOUSE is set.
        .testTarget(
            name: "FathomConformanceTests",
            dependencies: ["FathomStore", "FathomIO", "FathomCore", "FathomClickHouse",
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        // Store benchmark: 30 days x 200 functions x 3 versions of minute rollups, committed and queried
        // through `any Store` (benchmarks/store/run.sh), on either engine.
        .executableTarget(
            name: "fathom-store-bench",
            dependencies: ["FathomStore", "FathomIO", "FathomCore", "FathomClickHouse",
                           .product(name: "Logging", package: "swift-log")],
            path: "benchmarks/store/Sources",
            swiftSettings: strict),
        .testTarget(
            name: "FathomCLITests", dependencies: ["fathom", "FathomCore"], exclude: ["Golden"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
