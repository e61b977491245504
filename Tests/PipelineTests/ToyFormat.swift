import ByteIO
import Codecs
import FormatSeam
import Foundation
import PackageModel

/// A format that exists only in the tests: a text listing of a package, one line per file with the SHA-256 of its
/// bytes. Registered in no build but the tests', it proves that a format is one type behind the seam: the
/// pipeline plans, names, checks, writes, aliases and sums its artifacts without knowing it.
struct ToyFormat: ArtifactFormat {
    let name = "toy"
    let fileSuffixes = [".toy"]
    let defaultCodec = Codec.gzip(level: 1)

    func architectureName(_ architecture: Architecture) -> String { "toy-" + architecture.rawValue }

    func version(upstream: String, release: String?) throws -> PackageVersion {
        PackageVersion(upstream: upstream, release: release)
    }

    /// The toy's one rule: a summary may not say "forbidden".
    func validate(_ artifact: Artifact) throws {
        let summary = artifact.package.metadata.summary
        if summary.contains("forbidden") {
            throw FormatViolation(format: name, subject: .metadata(.summary), field: "Summary", value: summary,
                                  reason: "toys refuse this word")
        }
    }

    func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws {
        try validate(artifact)
        let metadata = artifact.package.metadata
        var lines = ["\(metadata.name) \(metadata.version) \(architectureName(metadata.architecture)) \(artifact.codec)"]
        for file in try InstallTree(artifact.package.files).entries {
            switch file.type {
            case .regular(let source): lines.append("\(file.path) \(try FileContent(path: source).digests.sha256Hex)")
            case .generated(let bytes): lines.append("\(file.path) \(FileDigests.compute(bytes: bytes).sha256Hex)")
            case .directory: lines.append("\(file.path)/")
            case .symlink(let target): lines.append("\(file.path) -> \(target)")
            case .hardlink(let target): lines.append("\(file.path) => \(target)")
            }
        }
        try sink.write(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    func inspect(path: String, scratch: ScratchSpace) throws -> Inspection {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let head = text.split(separator: "\n").first?.split(separator: " ").map(String.init) ?? []
        guard head.count == 4 else { throw MalformedArtifact(path: path, reason: "not a toy") }
        return Inspection(path: path, format: name, fields: [("Codec", head[3])], files: [],
                          identity: Inspection.Identity(name: head[0], version: head[1], architecture: head[2]))
    }
}
