import BlockCompression
import Codecs
import FormatSeam
import PackageModel
import ReleaseLayout
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
    /// The spec's architectures to build, in any spelling (`--arch`); empty: every one. What every architecture
    /// shares (a sources tarball) is in each selection.
    public var architectures: [String] = []

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

/// What the convention adds to planning and checking: variables the spec format cannot compute itself (the
/// driver's identity), checks on a tarball's contents (no binaries in sources), and what kind of binary a file's
/// first bytes show, for `verify` to find one in a sources-only tarball.
public struct PlanHooks: @unchecked Sendable {
    public var prepare: (Scope) throws -> Void
    public var checkTarball: (Tarball, [PlannedFile]) throws -> Void
    /// The kind of binary a file starts with (its first `binaryHeaderSize` bytes, and its name), or nil.
    public var binaryType: ([UInt8], String) -> String?

    public static let binaryHeaderSize = 64

    public init(prepare: @escaping (Scope) throws -> Void = { _ in },
                checkTarball: @escaping (Tarball, [PlannedFile]) throws -> Void = { _, _ in },
                binaryType: @escaping ([UInt8], String) -> String? = { _, _ in nil }) {
        self.prepare = prepare
        self.checkTarball = checkTarball
        self.binaryType = binaryType
    }
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
    /// The detached signature a signed build writes beside it (the layout's name); nil for a format that signs inside.
    public var signature: String? = nil
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
            [job.name] + (job.folder.map { [$0] } ?? [])
                + (signer != nil ? job.signature.map { [$0] } ?? [] : [])
        }
        var names = files + aliases.map(\.name) + (billOfMaterials?.names ?? [])
        if writesChecksums { names.append(ReleaseLayout.checksumsName) }
        if signer != nil {
            names += ((billOfMaterials?.names ?? []) + (writesChecksums ? [ReleaseLayout.checksumsName] : []))
                .map(ReleaseLayout.signatureName(of:))
        }
        return names
    }
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

    /// The spec's bills of materials of the release `layout` names, expanded in its scope; nil when it has none.
    public static func make(spec: Spec, layout: ReleaseLayout) throws -> BillOfMaterialsPlan? {
        guard let section = spec.sbom else { return nil }
        let base = layout.base, package = spec.package
        let maintainer = try package.maintainer.expand(in: base)
        return BillOfMaterialsPlan(
            spdx: layout.entries.first { $0.role == .billOfMaterials(format: "spdx") }?.name,
            cyclonedx: layout.entries.first { $0.role == .billOfMaterials(format: "cyclonedx") }?.name,
            name: try package.name.expand(in: base), version: try package.version.expand(in: base),
            supplier: maintainer.isEmpty ? nil : maintainer, license: try package.license?.expand(in: base),
            homepage: try package.homepage?.expand(in: base),
            components: try section.components.map { component in
                BillOfMaterials.Component(name: try component.name.expand(in: base),
                                          version: try component.version.expand(in: base),
                                          license: try component.license?.expand(in: base),
                                          description: try component.description?.expand(in: base))
            })
    }

    /// The document of `items`, dated and signed off as `context` says.
    public func document(items: [BillOfMaterials.Item], context: BuildContext) -> BillOfMaterials {
        BillOfMaterials(name: name, version: version, supplier: supplier, license: license, homepage: homepage,
                        created: UInt32(clamping: context.sourceDateEpoch), tool: context.tool, items: items,
                        components: components)
    }

    /// Both documents of `release`, by file name.
    public func render(_ release: BillOfMaterials, context: BuildContext) -> [(name: String, format: String, render: () throws -> [UInt8])] {
        var outputs: [(String, String, () throws -> [UInt8])] = []
        if let spdx { outputs.append((spdx, "spdx", { try SPDXDocument.write(release) })) }
        if let cyclonedx { outputs.append((cyclonedx, "cyclonedx", { try CycloneDXDocument.write(release, toolVersion: context.tool) })) }
        return outputs
    }
}
