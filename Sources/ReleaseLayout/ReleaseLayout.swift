import FormatSeam
import Foundation
import PackageModel
import SpecFile

/// Every artifact of a release, described once from the spec and the formats: its role, format, architecture,
/// file name, detached-signature name, and the template scope it was named in. The planner writes entries, `verify`
/// expects them, `publish` places them, the manifest and the page list them; nothing else enumerates a spec's
/// artifacts or spells a file name.
public struct ReleaseLayout: @unchecked Sendable {
    /// One file (or folder) of the release.
    public struct Entry: @unchecked Sendable {
        public var name: String
        public var role: ArtifactRole
        /// The format that writes it; nil for the release's own files (sums, bills of materials).
        public var format: (any ArtifactFormat)?
        /// The one architecture it is for; nil for what every architecture shares (a sources tarball, the images'
        /// archive, which holds every platform) and for the release's own files.
        public var architecture: Architecture?
        /// Variables the artifact's templates expand in: the spec's, the inputs', and the artifact's own
        /// (`format`, `variant`, `arch`, `package`, `kind`).
        public var scope: Scope
        /// The template the name came from, for errors.
        public var template: Template?
        /// The detached signature a signed release writes beside it; nil for a format that signs inside and for a
        /// folder.
        public var signature: String?
        /// For a package: its variant.
        public var variant: Variant?
        /// For a tarball: its section of the spec.
        public var tarball: Tarball?
        /// For an image archive: the folder written with it.
        public var folder: String?
        /// For an image archive and its folder: the tags of each channel, expanded.
        public var channels: [ImageChannel] = []
    }

    /// The version every name carries.
    public var version: String
    /// The scope the release was named in: the inputs, the spec's variables, the version.
    public let base: Scope
    /// In the order the release is written: packages by format and variant with their aliases, tarballs, images and
    /// their folder, then the bills of materials and `SHA256SUMS`.
    public var entries: [Entry]

    public static let checksumsName = "SHA256SUMS"

    /// The name of the detached signature of `name`.
    public static func signatureName(of name: String) -> String { armoredName(name) }

    /// The name of an ASCII-armored OpenPGP file (a signature, a public key) made from `name`.
    public static func armoredName(_ name: String) -> String { name + ".asc" }

    /// Where a template's value came from, so an error is reported at the flag or spec line that put it there.
    public typealias Origin = (Template) -> (SourceLocation, SpecError.Category)

    /// Describes the release `spec` names in `base` (which holds the inputs, usually `version` among them, and the
    /// spec's variables). Throws a `SpecError` where a name cannot be made.
    public init(spec: Spec, formats: [any ArtifactFormat], base: Scope,
                origin: Origin = { ($0.location, .spec) }) throws {
        try self.init(spec: spec, formats: formats, base: base, origin: origin, checkingVersion: true)
    }

    init(spec: Spec, formats: [any ArtifactFormat], base: Scope, origin: Origin, checkingVersion: Bool) throws {
        self.base = base
        // The `version` input when the spec has one (what names use), else the package's own version.
        version = base.names.contains("version") ? try base.value(of: "version", at: spec.package.version.location)
            : try spec.package.version.expand(in: base)
        // An epoch (`1:`) orders versions for the package managers; file names carry the version after it.
        version = String(PackageVersion.splittingEpoch(version).version)
        if checkingVersion, let problem = Self.versionProblem(version) {
            let (location, category) = origin(spec.package.version)
            throw SpecError(category, at: location, "the version '\(version)' \(problem)")
        }
        entries = []
        func fileName(_ template: Template, in scope: Scope) throws -> String {
            let name = try template.expand(in: scope)
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"),
                  !name.unicodeScalars.contains(where: \.properties.isWhitespace) else {
                let (location, category) = origin(template)
                throw SpecError(category, at: location, "file name '\(name)' must be one path component without spaces")
            }
            return name
        }
        func signature(_ name: String, _ format: any ArtifactFormat) -> String? {
            format.signsInside ? nil : Self.signatureName(of: name)
        }

        let architectures = spec.package.architectures
        for format in formats {
            guard let section = spec.formats[format.name] else { continue }
            guard let file = section.file else {
                throw SpecError(at: SourceLocation(file: spec.file, key: format.name),
                                "the \(format.name) section needs 'file', the name template of its packages")
            }
            for architecture in architectures {
                for variant in spec.variants {
                    let scope = try ArtifactScope.package(base, spec: spec, format: format, variant: variant,
                                                          architecture: architecture)
                    let name = try fileName(file, in: scope)
                    entries.append(Entry(name: name, role: .package(format: format.name, variant: variant.name),
                                         format: format, architecture: architecture, scope: scope,
                                         template: file, signature: signature(name, format), variant: variant))
                    if variant.isDefault, let alias = section.alias {
                        let aliasName = try fileName(alias, in: scope)
                        entries.append(Entry(name: aliasName, role: .alias(of: name), format: format,
                                             architecture: architecture, scope: scope, template: alias,
                                             signature: signature(aliasName, format), variant: variant))
                    }
                }
            }
        }
        // A tarball that holds no binary is the same for every architecture: written once, without one.
        for tarball in spec.tarballs?.kinds ?? [] {
            let format = try ArtifactScope.format(of: tarball, among: formats)
            for architecture in tarball.sourcesOnly ? [architectures[0]] : architectures {
                let scope = try ArtifactScope.tarball(base, spec: spec, tarball: tarball, format: format,
                                                      architecture: architecture)
                let name = try fileName(tarball.file, in: scope)
                entries.append(Entry(name: name, role: .tarball(name: tarball.name, format: format.name), format: format,
                                     architecture: tarball.sourcesOnly ? nil : architecture, scope: scope,
                                     template: tarball.file, signature: signature(name, format), tarball: tarball))
            }
        }
        if let images = spec.images {
            guard let format = formats.claiming(images.archive.text) else {
                throw SpecError(at: images.archive.location,
                                "'\(images.archive.text)' must end in one of \(formats.allSuffixes.joined(separator: ", "))")
            }
            let scope = try ArtifactScope.images(base, spec: spec, format: format)
            let archive = try fileName(images.archive, in: scope)
            let folder = try fileName(images.layout, in: scope)
            let channels = try images.tags.map { channel, tags in
                ImageChannel(name: channel, tags: try tags.map { try $0.expand(in: scope) }, templates: tags)
            }
            entries.append(Entry(name: archive, role: .images(format: format.name), format: format,
                                 architecture: nil, scope: scope, template: images.archive,
                                 signature: signature(archive, format), folder: folder, channels: channels))
            entries.append(Entry(name: folder, role: .folder(of: archive), format: format,
                                 architecture: nil, scope: scope, template: images.layout,
                                 channels: channels))
        }
        if let sbom = spec.sbom {
            for (kind, template) in [("spdx", sbom.spdx), ("cyclonedx", sbom.cyclonedx)] {
                guard let template else { continue }
                let name = try fileName(template, in: base)
                entries.append(Entry(name: name, role: .billOfMaterials(format: kind), scope: base, template: template,
                                     signature: Self.signatureName(of: name)))
            }
        }
        entries.append(Entry(name: Self.checksumsName, role: .checksums, scope: base,
                             signature: Self.signatureName(of: Self.checksumsName)))
    }

    /// The one folder every file of a tarball named `name` sits under: the name without its ending.
    public static func topFolder(ofTarball name: String, format: any ArtifactFormat) -> String {
        String(name.dropLast(format.suffix(of: name)?.count ?? 0))
    }
}

/// One channel's image tags (`release`: `x.y.z` and `latest`), expanded, with the templates they came from.
public struct ImageChannel: Sendable {
    public var name: String
    public var tags: [String]
    public var templates: [Template]
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
