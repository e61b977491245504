import Codecs
import DebFormat
import FormatSeam
import Foundation
import ImageFormat
import PackageModel
import RPMFormat
import SBOM
import Signing
import SpecFile
import TarballFormat

/// Every reader of outside bytes, each as a function of the bytes alone: what the fuzzers drive (Fuzz/Entry, built
/// by `make fuzz` with libFuzzer and AddressSanitizer) and what the tests replay every input that ever failed through.
/// A reader may refuse its input with an error; it must not crash, hang or allocate by a length field.
public enum FuzzHarness {
    public static let targets: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "deb": { file($0, suffix: ".deb") { path in
            _ = try? DebFormat().inspect(path: path, scratch: scratch)
            _ = try? DebFormat().signatures(in: path)
        } },
        "rpm": { file($0, suffix: ".rpm") { path in
            _ = try? RPMFormat().inspect(path: path, scratch: scratch)
            _ = try? RPMFormat().signatures(in: path)
        } },
        "tar": { file($0, suffix: ".tar.gz") { path in _ = try? TarballFormat().inspect(path: path, scratch: scratch) } },
        "oci-archive": { file($0, suffix: ".tar") { path in
            _ = try? ImageFormat().inspect(path: path, scratch: scratch)
            _ = ImageFormat().problems(in: path)
            _ = try? ImageFormat.readBase(.dockerArchive(path: path, tag: nil))
        } },
        "openpgp": { bytes in
            let array = Array(bytes)
            _ = try? Certificate.read(array)
            _ = try? Signature.readDetached(array)
            _ = try? SignedMessage(bytes: array)
            if let keyring = try? Keyring(bytes: array), let signature = keyring.certificates.first?.userIDs.first?.signatures.first {
                _ = keyring.check(signature, over: array)
            }
        },
        "apt-index": { bytes in _ = try? DebFormat.readIndex(String(decoding: bytes, as: UTF8.self), file: "Packages") },
        "yum-index": { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            for kind in ["primary", "filelists", "other", "repomd"] { _ = try? RPMFormat.readRepodata(text, kind: kind, file: kind) }
        },
        "compressed-index": { bytes in
            // What a publish reads of the compressed indexes it replaces, bounded as a fuzzer's memory is.
            for codec in [Codec.gzip(level: 9), .xz(preset: 6, extreme: false)] {
                var compressor = RunCompressor(codec: codec)
                _ = try? compressor.learn(Array(bytes), limit: 16 << 20)
            }
        },
        "publish": { bytes in _ = try? PublishFuzz.publish(Array(bytes)) },
        // What merge reads of each half's bill of materials.
        "sbom": { bytes in _ = try? SPDXDocument.items(of: Array(bytes)) },
        // An nfpm configuration, its sources looked for where none are.
        "nfpm": { bytes in
            _ = try? NfpmConfig.parse(String(decoding: bytes, as: UTF8.self), file: "nfpm.yaml", environment: [:],
                                      workingDirectory: "/nonexistent")
        },
        "spec": { bytes in
            _ = try? Spec.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml", formats: ["deb", "rpm", "oci", "tar"])
        },
    ]

    /// An input to start fuzzing `target` from, for a target whose inputs falcopack makes itself (publish's).
    public static func seed(_ target: String) throws -> [UInt8]? {
        switch target {
        case "publish": try PublishFuzz.fixture.get().seed()
        case "sbom": try SPDXDocument.write(sbomSeed)
        default: nil
        }
    }

    /// A bill of materials with every kind of item: a package with files, an archive holding an image on a base.
    static let sbomSeed = BillOfMaterials(
        name: "falco", version: "1.0", supplier: "Fuzz <fuzz@falco.example>", license: "Apache-2.0", created: 0, tool: "falcopack",
        items: [
            BillOfMaterials.Item(name: "falco-1.0-bpf-amd64.deb", kind: .package, version: "1.0", sha256: String(repeating: "a", count: 64),
                                 purl: "pkg:deb/falco-bpf@1.0?arch=amd64", license: "Apache-2.0",
                                 files: [BillOfMaterials.File(path: "usr/bin/falco", sha256: String(repeating: "b", count: 64),
                                                              sha1: String(repeating: "c", count: 40))]),
            BillOfMaterials.Item(name: "falco-1.0-images.tar", kind: .archive, sha256: String(repeating: "d", count: 64)),
            BillOfMaterials.Item(name: "falcosecurity/falco:1.0 linux/arm64", kind: .container, version: "1.0",
                                 sha256: String(repeating: "e", count: 64), containedBy: "falco-1.0-images.tar",
                                 base: BillOfMaterials.Base(reference: "tester", sha256: String(repeating: "f", count: 64))),
        ])

    /// The publish target's publish of one input, for the tests to see what it did.
    public static func publish(_ input: [UInt8]) throws -> [String] {
        try PublishFuzz.publish(input).added
    }

    public static func run(_ target: String, _ bytes: UnsafeRawBufferPointer) {
        guard let body = targets[target] else {
            FileHandle.standardError.write(Data("falcopack-fuzz: no target '\(target)' (\(targets.keys.sorted().joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        body(bytes)
    }

    /// One scratch folder per process, in memory when /dev/shm exists.
    nonisolated(unsafe) static let scratchPath: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/falcopack-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static var scratch: ScratchFolder { ScratchFolder(path: scratchPath) }

    /// The readers of files get the bytes as a file with the ending they recognise.
    static func file(_ bytes: UnsafeRawBufferPointer, suffix: String, _ body: (String) -> Void) {
        let path = scratchPath + "/input" + suffix
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        body(path)
        for item in (try? FileManager.default.contentsOfDirectory(atPath: scratchPath)) ?? [] {
            try? FileManager.default.removeItem(atPath: scratchPath + "/" + item)
        }
    }
}
