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
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
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
        .systemLibrary(name: "CFileShim"),
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
            name: "ByteIO",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Codecs",
            dependencies: ["ByteIO", "CZlibShim", "CLZMAShim", "CZstdShim"]
        ),
        .target(
            name: "BlockCompression",
            dependencies: ["ByteIO", "Codecs", "CMallocShim", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "ArchiveFormats",
            dependencies: ["CArchiveShim", "ByteIO", "PackageModel"]
        ),
        .target(name: "PackageModel"),
        // OpenPGP keys, signatures and messages, written natively.
        .target(
            name: "Signing",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Software bills of materials (SPDX, CycloneDX) from a format-neutral description of a release.
        .target(name: "SBOM", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The format seam: the protocol every format implements, and what writers are handed.
        .target(
            name: "FormatSeam",
            dependencies: [
                "ArchiveFormats", "BlockCompression", "ByteIO", "CFileShim", "Codecs", "PackageModel", "Signing", "SBOM",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DebFormat",
            dependencies: [
                "FormatSeam", "PackageModel", "ArchiveFormats", "BlockCompression", "ByteIO", "Codecs", "Signing",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "RPMFormat",
            dependencies: [
                "FormatSeam", "PackageModel", "ArchiveFormats", "BlockCompression", "ByteIO", "Codecs", "Signing",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TarballFormat",
            dependencies: ["FormatSeam", "PackageModel", "ArchiveFormats", "BlockCompression", "ByteIO", "Codecs"]
        ),
        .target(
            name: "ImageFormat",
            dependencies: [
                "FormatSeam", "PackageModel", "ArchiveFormats", "BlockCompression", "ByteIO", "Codecs", "Signing", "SBOM",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SpecFile",
            dependencies: ["PackageModel", .product(name: "Yams", package: "Yams")]
        ),
        // Every artifact of a release, described once from the spec and the formats.
        .target(name: "ReleaseLayout", dependencies: ["FormatSeam", "SpecFile", "PackageModel"]),
        .target(
            name: "Pipeline",
            dependencies: [
                "ReleaseLayout", "SpecFile", "PackageModel", "FormatSeam", "BlockCompression", "ByteIO", "Codecs", "Signing", "SBOM",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What any product's release goes through after it is built: verify, publish, manifests, the page.
        .target(
            name: "Release",
            dependencies: [
                "ReleaseLayout", "Pipeline", "SpecFile", "PackageModel", "FormatSeam", "ArchiveFormats", "ByteIO", "Signing", "SBOM",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "FalcoArtifacts",
            dependencies: [
                "Release", "ReleaseLayout", "Pipeline", "SpecFile", "PackageModel", "FormatSeam", "DebFormat", "RPMFormat", "TarballFormat",
                "ImageFormat", "ByteIO", "Signing",
            ]
        ),
        // Every reader of outside bytes as a function of the bytes: what the fuzzers drive and the tests replay.
        .target(
            name: "FuzzHarness",
            dependencies: ["Codecs", "DebFormat", "RPMFormat", "TarballFormat", "ImageFormat", "FormatSeam", "PackageModel",
                           "Signing", "SpecFile", "FalcoArtifacts", "Release", "Pipeline", "SBOM"]
        ),
        .executableTarget(
            name: "falcopack",
            dependencies: [
                "FalcoArtifacts", "Release", "Pipeline", "FormatSeam", "SpecFile", "ByteIO", "Signing", "ArchiveFormats", "Codecs",
                "PackageModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Times the encoders against the xz, gzip and zstd command-line tools (Benchmarks/codecs.sh).
        .executableTarget(
            name: "codec-bench",
            dependencies: ["ByteIO", "Codecs", "BlockCompression"],
            path: "Benchmarks/CodecBench"
        ),

        .target(name: "TestSupport", dependencies: ["FormatSeam", "ByteIO", "Codecs", "PackageModel"], path: "Tests/TestSupport"),
        .testTarget(name: "ByteIOTests", dependencies: ["ByteIO", "TestSupport"]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "ByteIO", "TestSupport"]),
        .testTarget(name: "BlockCompressionTests", dependencies: ["BlockCompression", "Codecs", "ByteIO", "TestSupport"]),
        .testTarget(
            name: "ArchiveFormatsTests",
            dependencies: ["ArchiveFormats", "BlockCompression", "Codecs", "ByteIO", "TestSupport"]
        ),
        .testTarget(name: "PackageModelTests", dependencies: ["PackageModel"]),
        .testTarget(
            name: "DebFormatTests",
            dependencies: ["DebFormat", "FormatSeam", "PackageModel", "Codecs", "ByteIO", "TestSupport"],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "RPMFormatTests",
            dependencies: ["RPMFormat", "PackageModel", "Codecs", "ByteIO", "TestSupport"],
            exclude: ["rpmlint.toml", "Vectors"]
        ),
        .testTarget(
            name: "TarballFormatTests",
            dependencies: ["TarballFormat", "FormatSeam", "PackageModel", "Codecs", "ByteIO", "TestSupport"]
        ),
        .testTarget(name: "SpecFileTests", dependencies: ["SpecFile", "PackageModel"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "TestSupport"]),
        .testTarget(name: "FuzzHarnessTests", dependencies: ["FuzzHarness", "SBOM", "TestSupport"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "ReleaseLayout", "FormatSeam", "SpecFile", "PackageModel", "Codecs", "ByteIO", "TestSupport"]
        ),
        .testTarget(
            name: "FalcoArtifactsTests",
            dependencies: ["FalcoArtifacts", "Release", "ReleaseLayout", "Pipeline", "FormatSeam", "SpecFile", "PackageModel", "TestSupport"]
        ),
        .testTarget(
            name: "falcopackTests",
            dependencies: ["TestSupport"],
            exclude: ["Fixtures", "Host", "rpmlint.toml", "rpmlint-falcopack.toml"]
        ),
    ]
)

// `make fuzz` (FALCOPACK_FUZZ=1) adds the libFuzzer executable; an ordinary build has no fuzzer runtime to link.
if Context.environment["FALCOPACK_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "falcopack-fuzz", dependencies: ["FuzzHarness"], path: "Fuzz/Entry"))
    package.products.append(.executable(name: "falcopack-fuzz", targets: ["falcopack-fuzz"]))
}
