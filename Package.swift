// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "falcopack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "falcopack", targets: ["falcopack"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries from Debian's packages; the headers wrap only what Swift cannot import.
        .systemLibrary(
            name: "CArchiveShim",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(name: "CMallocShim"),
        .systemLibrary(
            name: "CZlibShim",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLZMAShim",
            pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]
        ),
        .systemLibrary(
            name: "CZstdShim",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),

        .target(
            name: "Compression",
            dependencies: [
                "CZlibShim", "CLZMAShim", "CZstdShim",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ArchiveFormats",
            dependencies: ["CArchiveShim", "Compression"]
        ),
        .target(name: "PackageModel"),
        .target(
            name: "DebFormat",
            dependencies: ["PackageModel", "ArchiveFormats", "Compression"]
        ),
        .target(
            name: "RPMFormat",
            dependencies: [
                "PackageModel", "ArchiveFormats", "Compression",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TarballFormat",
            dependencies: ["PackageModel", "ArchiveFormats", "Compression"]
        ),
        .target(
            name: "SpecFile",
            dependencies: ["PackageModel", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "SpecFile", "PackageModel", "DebFormat", "RPMFormat", "TarballFormat", "ArchiveFormats", "Compression",
            ]
        ),
        .target(
            name: "FalcoArtifacts",
            dependencies: [
                "Pipeline", "SpecFile", "PackageModel", "DebFormat", "RPMFormat", "ArchiveFormats", "Compression",
            ]
        ),
        .executableTarget(
            name: "falcopack",
            dependencies: [
                "CMallocShim", "FalcoArtifacts", "Pipeline", "SpecFile", "PackageModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Times the encoders against the xz, gzip and zstd command-line tools (Benchmarks/codecs.sh).
        .executableTarget(
            name: "codec-bench",
            dependencies: ["Compression"],
            path: "Benchmarks/CodecBench"
        ),

        .target(
            name: "TestSupport",
            dependencies: ["Compression"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "CompressionTests",
            dependencies: ["Compression", "TestSupport"]
        ),
        .testTarget(
            name: "ArchiveFormatsTests",
            dependencies: ["ArchiveFormats", "Compression", "PackageModel", "TestSupport"]
        ),
        .testTarget(
            name: "PackageModelTests",
            dependencies: ["PackageModel"]
        ),
        .testTarget(
            name: "DebFormatTests",
            dependencies: ["DebFormat", "PackageModel", "ArchiveFormats", "Compression", "TestSupport"]
        ),
        .testTarget(
            name: "RPMFormatTests",
            dependencies: ["RPMFormat", "PackageModel", "ArchiveFormats", "Compression", "TestSupport"],
            exclude: ["rpmlint.toml"]
        ),
        .testTarget(
            name: "SpecFileTests",
            dependencies: ["SpecFile", "PackageModel"]
        ),
        .testTarget(
            name: "falcopackTests",
            dependencies: ["TestSupport", "FalcoArtifacts", "ArchiveFormats", "Compression"],
            exclude: ["Fixtures", "Host", "rpmlint.toml"]
        ),
    ]
)
