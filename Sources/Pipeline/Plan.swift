import Compression
import DebFormat
import Foundation
import PackageModel
import RPMFormat
import SpecFile
import TarballFormat

/// Which artifacts to build.
public struct Selection: Sendable {
    /// Variant names for debs and rpms; tarball kind names.
    public var debs: [String] = []
    public var rpms: [String] = []
    public var tarballs: [String] = []
    /// Write `SHA256SUMS` over everything in the selection (the `all` command).
    public var checksums = false

    public init(debs: [String] = [], rpms: [String] = [], tarballs: [String] = [], checksums: Bool = false) {
        self.debs = debs
        self.rpms = rpms
        self.tarballs = tarballs
        self.checksums = checksums
    }

    /// Every variant in both formats, every tarball kind, and `SHA256SUMS`.
    public static func everything(in spec: Spec) -> Selection {
        let variants = spec.variants.map(\.name)
        return Selection(debs: variants, rpms: variants, tarballs: spec.tarballs?.kinds.map(\.name) ?? [],
                         checksums: true)
    }
}

public struct BuildRequest: Sendable {
    public var spec: Spec
    public var inputs: ResolvedInputs
    public var selection: Selection
    public var outputDirectory: String
    /// Overrides the spec's compression of deb and rpm payloads (`--compression`).
    public var packageCodec: Codec?
    public var jobs: Int
    public var context: BuildContext
    /// Where compressed units are kept across builds (`--cache-dir`).
    public var cacheDirectory: String?

    public init(spec: Spec, inputs: ResolvedInputs, selection: Selection, outputDirectory: String,
                packageCodec: Codec? = nil, jobs: Int, context: BuildContext, cacheDirectory: String? = nil) {
        self.spec = spec
        self.inputs = inputs
        self.selection = selection
        self.outputDirectory = outputDirectory
        self.packageCodec = packageCodec
        self.jobs = jobs
        self.context = context
        self.cacheDirectory = cacheDirectory
    }
}

/// What the convention adds to planning: variables the spec format cannot compute itself (the driver's
/// identity) and checks on a tarball's contents (no binaries in sources).
public struct PlanHooks {
    public var prepare: (Scope) throws -> Void
    public var checkTarball: (TarballKind, [PlannedFile]) throws -> Void

    public init(prepare: @escaping (Scope) throws -> Void = { _ in },
                checkTarball: @escaping (TarballKind, [PlannedFile]) throws -> Void = { _, _ in }) {
        self.prepare = prepare
        self.checkTarball = checkTarball
    }
}

public enum ArtifactKind: Sendable, Hashable {
    case deb(variant: String)
    case rpm(variant: String)
    case tarball(kind: String)
    case alias(of: String)
    case checksums
}

/// One output file and everything needed to write it, all inputs already read and checked.
public struct Job: Sendable {
    public enum Work: Sendable {
        case deb(Package, DebWriter)
        case rpm(Package, RPMWriter)
        case tarball([PackageFile], topDirectory: String, TarballWriter)
    }

    public var name: String
    public var kind: ArtifactKind
    public var work: Work
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

    /// Names the build will write, in order.
    public var artifactNames: [String] {
        jobs.map(\.name) + aliases.map(\.name) + (writesChecksums ? [Plan.checksumsName] : [])
    }

    public static let checksumsName = "SHA256SUMS"
}
