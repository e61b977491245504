import Foundation
import PackageModel

/// A spec as written, templates unexpanded. `Spec.load` reads and checks it; the pipeline expands it per artifact.
public struct Spec: Sendable {
    /// Path of the spec file as given; relative input defaults are resolved against its folder.
    public var file: String
    /// Timestamp of every file and header when SOURCE_DATE_EPOCH is unset.
    public var sourceDateEpoch: Int64
    /// Whether the spec gives `source-date-epoch`; when it does not, `load` dates it by its git commit or file.
    public var givesDate = true
    public var inputs: [InputDeclaration]
    public var variables: [(name: String, value: Template)]
    public var driver: DriverSection?
    public var package: PackageSection
    public var contents: [ContentEntry]
    public var variants: [Variant]
    /// The package format sections (`deb:`, `rpm:`), by format name.
    public var formats: [String: FormatSection]
    public var tarballs: TarballsSection?
    /// The container images, their layers, and how they are written and tagged.
    public var images: ImagesSection?
    public var signing: SigningSection?
    public var sbom: SBOMSection?
    public var repository: RepositorySection?
    /// A spec without `variants` describes one package: its variant, the formats' sections, its tarball, image,
    /// bills of materials and documents are filled in with each format's conventions (`SpecCompletion`).
    public var isOnePackage = false
    /// Whether a one-package build adds what a release has beyond its packages' own files (a copyright, a
    /// changelog, an image): not for an nfpm configuration, whose packages hold what it lists.
    public var completesRelease = true
    /// Whether the deb's changelog is named as a native package's; nil: by its version (an nfpm configuration's
    /// is always `changelog.Debian.gz`, as nfpm writes it).
    public var nativeChangelog: Bool?
    /// Releases, newest first.
    public var changelog: [ChangelogSection] = []
    public var systemdUnits: [Template] = []
    public var image: ShortImageSection?

    public var directory: String { (file as NSString).deletingLastPathComponent }

    public var defaultVariant: Variant? { variants.first(where: \.isDefault) }
}

public struct InputDeclaration: Sendable {
    /// What the value names; the spec's `type` key.
    public enum ValueType: String, Sendable {
        case string, file, directory
        /// A base image: scratch, or a layout, archive or rootfs on disk, whose path must exist.
        case image
    }
    public var name: String
    public var help: String
    public var type: ValueType
    public var defaultValue: Template?
    public var environment: String?
    public var required: Bool
    /// One value per architecture (a binary built for each).
    public var perArchitecture: Bool = false
    public var location: SourceLocation
}

/// The repositories `publish` writes: apt's suite, codename and component, what the client files are named, the
/// architectures held, and where clients reach it.
public struct RepositorySection: Sendable {
    public var name: Template?
    public var origin: Template?
    public var label: Template?
    public var suite: Template?
    public var codename: Template?
    public var component: Template?
    /// The package the page tells users to install.
    public var install: Template?
    public var architectures: [Architecture]
    public var url: Template?
}

/// One release in the spec's changelog.
public struct ChangelogSection: Sendable {
    public var version: Template
    /// Who wrote the entry; nil: the package's maintainer.
    public var maintainer: Template?
    /// Seconds since 1970, from `YYYY-MM-DD`.
    public var date: Int64
    public var changes: [Template]
    public var location: SourceLocation
}

/// The `image` key of a one-package spec.
public struct ShortImageSection: Sendable {
    public var base: Template?
    public var repository: Template?
    public var entrypoint: [Template]?
    public var command: [Template]?
    public var environment: [(name: String, value: Template)]
    public var tags: [Template]?
    public var location: SourceLocation
}

/// The key the release is signed with; an unsigned build when it expands to nothing.
public struct SigningSection: Sendable {
    public var key: Template
    public var location: SourceLocation
}

/// The bills of materials `all` writes, and the parts of the release that are not artifacts.
public struct SBOMSection: Sendable {
    public struct Component: Sendable {
        public var name: Template
        public var version: Template
        public var license: Template?
        public var description: Template?
    }

    public var spdx: Template?
    public var cyclonedx: Template?
    public var components: [Component]
    public var location: SourceLocation
}

public struct DriverSection: Sendable {
    public var sources: Template
    public var name: Template?
    public var version: Template?
}

public struct PackageSection: Sendable {
    public var name: Template
    public var version: Template
    public var release: Template?
    /// The architectures the release holds, in the spec's order: one set of packages, a bin tarball and an image
    /// platform each.
    public var architectures: [Architecture]
    public var maintainer: Template
    public var summary: Template
    public var description: Template
    public var homepage: Template?
    public var license: Template?
    public var vendor: Template?
    public var section: Template?
    public var priority: Template?
}

public struct ContentEntry: Sendable {
    /// What the entry creates; the spec's `type` key.
    public enum EntryType: String, Sendable { case file, tree, directory, symlink }
    public var location: SourceLocation
    public var source: Template?
    public var destination: Template
    /// nil: `tree` when the source is a folder, `file` otherwise.
    public var type: EntryType?
    public var target: Template?
    /// The `mode` key: permission bits.
    public var permissions: UInt32?
    public var isTemplate: Bool
    public var isGzipped: Bool
    public var attributes: PackageFile.Attributes
    public var exclude: [Template]
    /// Text written as the file, expanded like a template: documents falcopack makes, such as a copyright file.
    public var text: Template?

    public init(location: SourceLocation, source: Template? = nil, destination: Template, type: EntryType? = nil,
                target: Template? = nil, permissions: UInt32? = nil, isTemplate: Bool = false, isGzipped: Bool = false,
                attributes: PackageFile.Attributes = [], exclude: [Template] = [], text: Template? = nil) {
        self.location = location
        self.source = source
        self.destination = destination
        self.type = type
        self.target = target
        self.permissions = permissions
        self.isTemplate = isTemplate
        self.isGzipped = isGzipped
        self.attributes = attributes
        self.exclude = exclude
        self.text = text
    }
}

/// Script file templates by slot.
public typealias ScriptTemplates = [ScriptSlot: Template]

/// Relation templates by field, in the order written.
public typealias RelationTemplates = [RelationField: [Template]]

/// What a variant adds for one format only.
public struct VariantFormat: Sendable {
    public var contents: [ContentEntry] = []
    public var scripts: ScriptTemplates = [:]
    public var relations: RelationTemplates = [:]

    public init(contents: [ContentEntry] = [], scripts: ScriptTemplates = [:], relations: RelationTemplates = [:]) {
        self.contents = contents
        self.scripts = scripts
        self.relations = relations
    }
}

public struct Variant: Sendable {
    /// The one variant of a spec of one package, adding nothing to it.
    static func only(_ package: Template) -> Variant {
        Variant(name: "default", package: package, isDefault: true, summary: nil, contents: [], scripts: [:],
                relations: [:], formats: [:])
    }

    public var name: String
    public var package: Template
    public var isDefault: Bool
    public var summary: Template?
    public var contents: [ContentEntry]
    public var scripts: ScriptTemplates
    public var relations: RelationTemplates
    /// What the variant adds for one format, by format name.
    public var formats: [String: VariantFormat]
}

/// One package format's section: how its artifacts are named and compressed, and what it adds to every variant.
public struct FormatSection: Sendable {
    /// nil until `SpecCompletion` gives the format's conventional name.
    public var file: Template?
    /// What this format's packages say instead of `package`'s (an nfpm configuration's `rpm.summary`, `rpm.group`,
    /// `rpm.packager`, `deb.fields`); not spec keys.
    public var summary: Template?
    public var description: Template?
    public var section: Template?
    public var packager: Template?
    public var fields: [(name: String, value: Template)] = []
    /// Scripts given as their text rather than a file (an nfpm configuration's deb triggers).
    public var scriptTexts: ScriptTemplates = [:]
    public var alias: Template?
    public var compression: Template?
    public var release: Template?
    public var contents: [ContentEntry]
    public var scripts: ScriptTemplates
    public var relations: RelationTemplates
}

public struct TarballsSection: Sendable {
    /// The architecture as tarball names spell it: one spelling for every architecture, or one per architecture.
    public var arch: Template?
    public var archByArchitecture: [Architecture: Template] = [:]

    /// How a tarball of `architecture` spells it; nil: the format's own spelling.
    public func arch(of architecture: Architecture) -> Template? { archByArchitecture[architecture] ?? arch }
    public var compression: Template?
    public var kinds: [Tarball]
}

/// One named tarball of the release (`bin`, `src`): its file and what it holds under its top folder.
public struct Tarball: Sendable {
    public var name: String
    public var file: Template
    public var sourcesOnly: Bool
    public var contents: [ContentEntry]
}

/// The `images`, `image-layers` and `image-set` sections: every image is written into one OCI layout and one archive.
public struct ImagesSection: Sendable {
    public var layout: Template
    public var archive: Template
    public var repository: Template
    public var compression: Template?
    /// Which of `tags` the images get.
    public var channel: Template?
    public var tags: [(channel: String, tags: [Template])]
    public var labels: [(name: String, value: Template)]
    public var location: SourceLocation
    public var images: [ImageEntry]
    public var layers: [LayerEntry]
}

public struct ImageEntry: Sendable {
    public var name: String
    public var base: Template
    /// Names of `image-layers`, bottom first, each where it is written.
    public var layers: [(name: String, location: SourceLocation)]
    public var entrypoint: [Template]?
    public var command: [Template]?
    public var environment: [(name: String, value: Template)]
    public var workingDirectory: Template?
    public var labels: [(name: String, value: Template)]
    public var usage: Template
    /// The platforms the image has, among the package's architectures; nil: every one.
    public var architectures: [Architecture]?
    /// More references of the image under the set's repository, `NAME:TAG`, each expanded once per tag of the
    /// channel with `{{ tag }}` that tag: the names an image had before.
    public var aliases: [Template] = []
    public var location: SourceLocation
}

/// One layer by component: files a variant installs, taken by path; files of its own; a package manager's record
/// of a variant's package as installed; or the release's artifacts of some formats.
public struct LayerEntry: Sendable {
    public struct Selection: Sendable {
        public var variant: String
        public var paths: [Template]
        public var location: SourceLocation
    }

    public struct Installed: Sendable {
        public var format: String
        public var variant: String
        public var location: SourceLocation
    }

    public struct Artifacts: Sendable {
        public var formats: [String]
        public var destination: Template
        public var location: SourceLocation
    }

    public var name: String
    public var from: Selection?
    public var contents: [ContentEntry]
    public var installed: Installed?
    public var artifacts: Artifacts?
    /// `codec[:level]` or `none`; the set's compression when nil.
    public var compression: Template?
    public var location: SourceLocation
}
