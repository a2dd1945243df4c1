// swift-tools-version: 6.1
import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

var package = Package(
    name: "acd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "acdd", targets: ["acdd"]),
        .executable(name: "callgen", targets: ["callgen"]),
        .library(name: "ACDCore", targets: ["ACDCore"]),
        .library(name: "IVRFlows", targets: ["IVRFlows"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "ACDCore",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CGLPK", providers: [.apt(["libglpk-dev"])]),
        .systemLibrary(name: "CSampleRate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(
            name: "CPocketSphinx", pkgConfig: "pocketsphinx", providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]),
        // libre (SIP, SDP, RTP, RFC 4733) and spandsp (G.711, in-band DTMF) behind a small C face: docs/sip.md.
        .target(
            name: "CSIPStack",
            cSettings: [.unsafeFlags(["-I/usr/include/re", "-Wall"])],
            linkerSettings: [.linkedLibrary("re"), .linkedLibrary("spandsp")]
        ),
        .target(
            name: "SIPFront",
            dependencies: [
                "ACDCore", "IVRFlows", "ACDServer", "CSIPStack", "CSampleRate", "CSndFile", "CPocketSphinx",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "ShiftPlanning", dependencies: ["ACDCore", "IVRFlows", "CGLPK"], swiftSettings: swiftSettings),
        .target(name: "Fitting", dependencies: ["ACDCore", "IVRFlows", "ACDReports"], swiftSettings: swiftSettings),
        .target(
            name: "Sweeps",
            dependencies: ["ACDCore", "IVRFlows", "ACDReports", "ACDStore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(
            name: "ACDStore", dependencies: ["ACDCore", "IVRFlows", "ACDReports", "CSQLite", "CallRecords"],
            swiftSettings: swiftSettings),
        .target(
            name: "IVRFlows",
            dependencies: ["ACDCore", "CSndFile", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "ACDReports", dependencies: ["ACDCore", "IVRFlows"], swiftSettings: swiftSettings),
        .target(name: "CallRecords", swiftSettings: swiftSettings),
        .target(
            name: "ACDServer",
            dependencies: [
                "ACDCore", "IVRFlows", "ACDStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CLISupport",
            dependencies: ["ACDCore", "IVRFlows", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "acdd",
            dependencies: [
                "ACDCore", "IVRFlows", "ACDReports", "ACDStore", "ACDServer", "CLISupport", "ShiftPlanning", "Fitting", "Sweeps",
                "SIPFront", "CallRecords",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LoadGen",
            dependencies: [
                "ACDCore", "IVRFlows", "ACDReports", "ACDStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callgen",
            dependencies: [
                "ACDCore", "IVRFlows", "LoadGen", "ACDReports", "ACDServer", "CLISupport", "SIPFront",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ACDServerTests",
            dependencies: [
                "ACDServer", "ACDCore", "ACDStore", "IVRFlows", "CSQLite", "LoadGen",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["Centre"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ACDCoreTests", dependencies: ["ACDCore"], swiftSettings: swiftSettings),
        .testTarget(name: "CallRecordsTests", dependencies: ["CallRecords"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IVRFlowsTests",
            dependencies: [
                "IVRFlows", "ACDCore", "ACDReports", "ACDStore", "CSndFile", "CSQLite", "ShiftPlanning", "Fitting", "Sweeps",
                "CLISupport",
            ],
            exclude: ["Scenarios", "Flows", "LongRuns"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The benchmark package takes about three minutes to build on two cores, so it joins the
// graph only when asked for: `ACD_BENCHMARKS=1 swift package benchmark` (see Benchmarks/README.md).
if ProcessInfo.processInfo.environment["ACD_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: ["ACDCore", "IVRFlows", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}
