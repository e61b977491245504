import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import FormatSeam
import PackageModel

/// A release tarball: a pax (restricted) tar, compressed as independent units (gzip members by default), entries
/// sorted bytewise with parents first, owned by root, every mtime the build's. The files' install paths become the
/// archive's paths without their leading `/`; the convention decides any top folder.
public struct TarballFormat: ArtifactFormat {
    public let name = "tar"
    /// One ending per codec, so an xz or zstd tarball is recognised as a gzip one is.
    public let fileSuffixes = [".tar.gz", ".tgz", ".tar.xz", ".tar.zst"]
    public let defaultCodec = Codec.defaultGzip
    /// The name release tarballs of Go projects have, NAME-VERSION-linux-ARCH.tar.gz.
    public let conventions: FormatConventions? = FormatConventions(
        kind: .tarball, fileName: "{{ package }}-{{ version }}-linux-{{ arch }}.tar.gz")

    public init() {}

    public func architectureName(_ architecture: Architecture) -> String {
        switch architecture {
        case .all: "noarch"
        default: architecture.rawValue
        }
    }

    public func version(upstream: String, release: String?) throws -> PackageVersion {
        PackageVersion(upstream: upstream, release: release)
    }

    public func validate(_ artifact: Artifact) throws {
        for file in artifact.package.files {
            if case .hardlink = file.type {
                throw FormatViolation(format: name, subject: .file(path: file.path), field: "file", value: file.path,
                                      reason: "hard links are not supported in tarballs")
            }
        }
        do {
            _ = try InstallTree(artifact.package.files)
        } catch let error as PackagePath.Invalid {
            throw FormatViolation(format: name, subject: .file(path: error.path), field: "file", value: error.path,
                                  reason: error.reason)
        }
    }

    public func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws {
        try validate(artifact)
        let compressor = try BlockCompressor(codec: artifact.codec, sink: sink, engine: context.engine)
        let tar = try TarWriter(sink: compressor, format: .pax, namePrefix: "")
        for file in try InstallTree(artifact.package.files).entries {
            try tar.add(try ArchiveEntry(file, build: context.build))
        }
        try tar.finish()
        try compressor.finish()
    }

    public func inspect(path: String, scratch: ScratchSpace) throws -> Inspection {
        Inspection(path: path, format: name, fields: [], files: try Inspection.listArchive(path), identity: nil)
    }
}
