import BlockCompression
import Codecs
import FormatSeam
import PackageModel
import SBOM
import Signing
import SpecFile

/// Which artifacts to build.
public struct Selection: Sendable {
    /// Variant names, by package format name: `["deb": ["module", "bpf"]]`.
    public var packages: [String: [String]]
    /// Names of the spec's tarballs.
    public var tarballs: [String]
    /// Names of the spec's images, written together as one image set.
    public var images: [String]
    /// Write `SHA256SUMS` over everything in the selection (the `all` command).
    public var checksums: Bool

    public init(packages: [String: [String]] = [:], tarballs: [String] = [], images: [String] = [],
                checksums: Bool = false) {
        self.packages = packages
        self.tarballs = tarballs
        self.images = images
        self.checksums = checksums
    }

    /// Every variant in every package format the spec has a section for, every tarball and image, and `SHA256SUMS`.
    public static func everything(in spec: Spec) -> Selection {
        let variants = spec.variants.map(\.name)
        return Selection(packages: spec.formats.mapValues { _ in variants },
                         tarballs: spec.tarballs?.kinds.map(\.name) ?? [],
                         images: spec.images?.images.map(\.name) ?? [], checksums: true)
    }
}

public struct BuildRequest: Sendable {
    public var spec: Spec
    public var inputs: ResolvedInputs
    public var selection: Selection
    /// Every format the build may write with; package sections and tarballs find theirs here.
    public var formats: [any ArtifactFormat]
    public var outputDirectory: String
    /// Overrides the codec of every package format's payload (`--compression`).
    public var compression: String?
    public var jobs: Int
    public var context: BuildContext
    /// Where compressed units are kept across builds (`--cache-dir`).
    public var cacheDirectory: String?
    /// Unlocks the spec's signing key (`--signing-passphrase-file`, FALCOPACK_SIGNING_PASSPHRASE).
    public var signingPassphrase: [UInt8]?

    public init(spec: Spec, inputs: ResolvedInputs, selection: Selection, formats: [any ArtifactFormat],
                outputDirectory: String, compression: String? = nil, jobs: Int, context: BuildContext,
                cacheDirectory: String? = nil, signingPassphrase: [UInt8]? = nil) {
        self.signingPassphrase = signingPassphrase
        self.spec = spec
        self.inputs = inputs
        self.selection = selection
        self.formats = formats
        self.outputDirectory = outputDirectory
        self.compression = compression
        self.jobs = jobs
        self.context = context
        self.cacheDirectory = cacheDirectory
    }
}

/// What the convention adds to planning: variables the spec format cannot compute itself (the driver's
/// identity) and checks on a tarball's contents (no binaries in sources).
public struct PlanHooks {
    public var prepare: (Scope) throws -> Void
    public var checkTarball: (Tarball, [PlannedFile]) throws -> Void

    public init(prepare: @escaping (Scope) throws -> Void = { _ in },
                checkTarball: @escaping (Tarball, [PlannedFile]) throws -> Void = { _, _ in }) {
        self.prepare = prepare
        self.checkTarball = checkTarball
    }
}

/// What an artifact is in the release.
public enum ArtifactRole: Sendable, Hashable {
    /// One variant's package in one format.
    case package(format: String, variant: String)
    /// One of the spec's tarballs, written in `format`.
    case tarball(name: String, format: String)
    /// The spec's images, as one archive written in `format`.
    case images(format: String)
    /// The folder written with an artifact, such as the images' layout.
    case folder(of: String)
    /// A byte-identical copy of another artifact.
    case alias(of: String)
    case checksums
    /// A bill of materials of the release, in `format` (spdx, cyclonedx).
    case billOfMaterials(format: String)
    /// The detached signature of another artifact.
    case signature(of: String)
}

/// One output file and everything needed to write it, all inputs already read and checked.
public struct Job: Sendable {
    public var name: String
    public var role: ArtifactRole
    public var format: any ArtifactFormat
    public var artifact: Artifact
    /// The folder written beside the file, by name (an image layout).
    public var folder: String? = nil
    /// Artifacts of the same build it holds, which must be written first.
    public var needs: [String] = []
}

public struct Alias: Sendable {
    public var name: String
    public var target: String
}

/// The whole build, decided before a byte is written: every template expanded, every input checked.
public struct Plan: Sendable {
    public var jobs: [Job]
    public var aliases: [Alias]
    public var writesChecksums: Bool
    public var outputDirectory: String
    public var context: BuildContext
    /// Threads compressing units, and artifacts written at once.
    public var concurrency: Int
    public var cacheDirectory: String? = nil
    /// Signs the release: packages inside, every other file beside it; nil for an unsigned build.
    public var signer: Signer? = nil
    /// The bills of materials to write, when the build writes the release's checksums.
    public var billOfMaterials: BillOfMaterialsPlan? = nil

    /// Names the build will write, in order.
    public var artifactNames: [String] {
        let files = jobs.flatMap { job -> [String] in
            [job.name] + (job.folder.map { [$0] } ?? []) + (signer != nil && !job.format.signsInside ? [job.name + ".asc"] : [])
        }
        var names = files + aliases.map(\.name) + (billOfMaterials?.names ?? [])
        if writesChecksums { names.append(Plan.checksumsName) }
        if signer != nil {
            names += (billOfMaterials?.names ?? []).map { $0 + ".asc" } + (writesChecksums ? [Plan.checksumsName + ".asc"] : [])
        }
        return names
    }

    public static let checksumsName = "SHA256SUMS"
}

/// The release's bills of materials: file names, what the release is, and the parts of it that are not artifacts.
public struct BillOfMaterialsPlan: Sendable {
    public var spdx: String?
    public var cyclonedx: String?
    public var name: String
    public var version: String
    public var supplier: String?
    public var license: String?
    public var homepage: String?
    public var components: [BillOfMaterials.Component]

    public var names: [String] { [spdx, cyclonedx].compactMap { $0 } }
}
