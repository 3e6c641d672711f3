// swift-tools-version:6.1
// libFuzzer targets for the engine's parsers. Built separately (its own scratch path) with
//   swift build --package-path Fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
// by scripts/fuzz; see Fuzz/README.md. The engine's pure parser sources are linked in (Sources/ReverbFuzz/Engine)
// so this build needs only NIO, not TLS or the rest of the server.
import PackageDescription

let package = Package(
    name: "reverb-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2")
    ],
    targets: [
        .executableTarget(
            name: "ReverbFuzz",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
