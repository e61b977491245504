import BlockCompression
import ByteIO
import Codecs
import Foundation
import PackageModel
import SBOM
import Signing

/// One kind of artifact falcopack writes: the seam every format module implements and the only thing the pipeline
/// knows of a format. A format spells versions and architectures its own way, checks a package against its
/// rules before anything is written, writes one artifact to the sink it is handed, and reads one back.
///
/// A new format is one module holding one type that conforms, and one entry in the list of formats the
/// convention builds with.
public protocol ArtifactFormat: Sendable {
    /// How specs and file-name templates name the format (`{{ format }}`): `deb`, `rpm`, `tar`.
    var name: String { get }
    /// The file-name endings of this format's artifacts, by which `inspect` and `verify` recognise them.
    var fileSuffixes: [String] { get }
    /// The codec of an artifact whose spec names none.
    var defaultCodec: Codec { get }

    /// The architecture as this format's tools spell it.
    func architectureName(_ architecture: Architecture) -> String
    /// The package version from the upstream version and the spec's release, if it gives one.
    func version(upstream: String, release: String?) throws -> PackageVersion
    /// Checks an artifact against the format's rules; run when the build is planned, so that a mistake in a spec
    /// is reported at its line before any output exists. Throws `FormatViolation`.
    func validate(_ artifact: Artifact) throws
    /// Writes one artifact into `sink`.
    func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws
    /// Reads an artifact of this format back: its metadata and files.
    func inspect(path: String, scratch: ScratchSpace) throws -> Inspection

    /// What this format's package manager records of `package` once installed, for an image that should list it
    /// as installed; nil when the format has no such record falcopack can write.
    func installedRecord(of package: Package) throws -> InstalledRecord?
    /// Whether `folder` is an artifact of this format (an image layout), for `inspect` and `verify`.
    func recognizes(folder: String) -> Bool
    /// What is wrong inside an artifact of this format that reading it back does not show (a digest that does not
    /// match), one line each; empty when nothing is.
    func problems(in path: String) -> [String]

    /// Whether a signed build signs this format's artifacts inside (an rpm header, a deb member); the others get a
    /// detached signature beside them.
    var signsInside: Bool { get }
    /// The signatures inside an artifact of this format, or in its folder, and what each covers.
    func signatures(in path: String) throws -> [EmbeddedSignature]
    /// The package URL (purl) of a package of this format, for bills of materials; nil when it has none.
    func packageURL(of package: PackageMetadata) -> String?

    /// Joins this format's artifacts of releases built for some of the architectures each (one machine per
    /// architecture) into the artifact one build of all of them writes: the file into `sink`, its folder into
    /// `context.folder`, nothing compressed again. False for a format whose artifacts are each of one
    /// architecture, or the same for all, and so are never joined.
    func merge(_ parts: [MergePart], order: MergeOrder, to sink: ByteSink, context: WriteContext) throws -> Bool

    /// How this format names and lays out what a one-package spec asks of it without saying how; nil for a format
    /// such a spec does not build.
    var conventions: FormatConventions? { get }
    /// `package` with the documents this format's policy wants every package to carry and that it can make from
    /// the metadata (the deb's changelog); a package that installs them itself is left as it is.
    func addingDocuments(to package: Package) throws -> Package
}


/// One release's artifact to be joined with others': its file and the folder written with it.
public struct MergePart: Sendable {
    public var file: String
    public var folder: String?

    public init(file: String, folder: String?) {
        self.file = file
        self.folder = folder
    }
}

/// The order one build writes a joined artifact's members in: the spec's architectures, and the members of a set
/// (the images) by name.
public struct MergeOrder: Sendable {
    public var architectures: [Architecture]
    public var members: [String]

    public init(architectures: [Architecture], members: [String]) {
        self.architectures = architectures
        self.members = members
    }
}

extension ArtifactFormat {
    public func installedRecord(of package: Package) throws -> InstalledRecord? { nil }
    public func recognizes(folder: String) -> Bool { false }
    public func problems(in path: String) -> [String] { [] }
    public var signsInside: Bool { false }
    public func signatures(in path: String) throws -> [EmbeddedSignature] { [] }
    public func packageURL(of package: PackageMetadata) -> String? { nil }
    public func merge(_ parts: [MergePart], order: MergeOrder, to sink: ByteSink, context: WriteContext) throws -> Bool { false }
    public var conventions: FormatConventions? { nil }
    public func addingDocuments(to package: Package) throws -> Package { package }

    /// The ending of `fileName` that marks it as this format's, if it has one.
    public func suffix(of fileName: String) -> String? {
        fileSuffixes.first { fileName.hasSuffix($0) && fileName.count > $0.count }
    }
}

extension Array where Element == any ArtifactFormat {
    /// The format named `name`.
    public func named(_ name: String) -> (any ArtifactFormat)? { first { $0.name == name } }

    /// The format whose artifacts end like `fileName`.
    public func claiming(_ fileName: String) -> (any ArtifactFormat)? { first { $0.suffix(of: fileName) != nil } }

    /// The format that reads `path`: a folder it recognises, or a file with its ending.
    public func reading(_ path: String) -> (any ArtifactFormat)? {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return first { $0.recognizes(folder: path) }
        }
        return claiming(path)
    }

    /// The format that reads the entry `name` of `folder`, whose kind a listing already gave.
    public func reading(_ name: String, in folder: String, isFolder: Bool) -> (any ArtifactFormat)? {
        isFolder ? first { $0.recognizes(folder: folder + "/" + name) } : claiming(name)
    }

    /// Every suffix any format claims, for messages.
    public var allSuffixes: [String] { flatMap(\.fileSuffixes) }
}

/// What one artifact holds: a package (metadata, files, scripts) and the codec of its payload; for an image
/// format, the images too, and how each of their layers is compressed.
public struct Artifact: Sendable {
    public var package: Package
    public var codec: Codec
    public var images: ImageSet?
    /// Each layer's compression by layer name, every layer resolved when planned (the set's codec unless the layer
    /// names its own).
    public var layerCompression: [String: LayerCompression]

    public init(package: Package, codec: Codec, images: ImageSet? = nil, layerCompression: [String: LayerCompression] = [:]) {
        self.package = package
        self.codec = codec
        self.images = images
        self.layerCompression = layerCompression
    }
}

/// How one image layer is stored: compressed with a codec at its level, or as plain tar (for contents compressed
/// already, such as packages).
public enum LayerCompression: Sendable, Equatable, CustomStringConvertible {
    case compressed(Codec)
    case uncompressed

    public var description: String {
        switch self {
        case .compressed(let codec): "\(codec)"
        case .uncompressed: "none"
        }
    }
}

/// What a writer is handed besides its sink: the build's reproducible settings, the engine that compresses units
/// for every artifact of the build, a place for the temporary files it needs, the key that signs, and where to
/// note what the bill of materials should say of the artifact's contents.
public struct WriteContext: Sendable {
    public var build: BuildContext
    public var engine: UnitEngine
    public var scratch: any ScratchSpace
    /// The folder written beside the artifact's file, when the artifact has one (an image layout).
    public var folder: FolderOutput?
    /// Signs what the format signs inside its artifacts; nil for an unsigned build.
    public var signer: Signer?
    public var notes: ArtifactNotes

    public init(build: BuildContext, engine: UnitEngine = .serial, scratch: any ScratchSpace, folder: FolderOutput? = nil,
                signer: Signer? = nil, notes: ArtifactNotes = ArtifactNotes()) {
        self.build = build
        self.engine = engine
        self.scratch = scratch
        self.folder = folder
        self.signer = signer
        self.notes = notes
    }

    /// The time signatures are dated: SOURCE_DATE_EPOCH (the signer moves it to the key's creation if later).
    public var signatureTime: UInt32 { UInt32(clamping: build.sourceDateEpoch) }
}
