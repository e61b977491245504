/// One binary package as every format sees it: metadata, the files it installs, and its scripts.
/// Pure values: nothing here touches the file system.
public struct Package: Hashable, Sendable {
    public var metadata: PackageMetadata
    public var files: [PackageFile]
    public var scripts: PackageScripts

    public init(metadata: PackageMetadata, files: [PackageFile], scripts: PackageScripts = PackageScripts()) {
        self.metadata = metadata
        self.files = files
        self.scripts = scripts
    }
}

public struct PackageMetadata: Hashable, Sendable {
    public var name: String
    public var version: PackageVersion
    public var architecture: Architecture
    /// "Full Name <address>".
    public var maintainer: String
    /// One line, the deb synopsis and rpm Summary.
    public var summary: String
    /// Extended description: paragraphs separated by blank lines; lines indented by a space are kept verbatim.
    public var description: String
    public var homepage: String?
    public var section: String?
    public var priority: String?
    public var license: String?
    public var vendor: String?
    public var relations: Relations
    /// deb `Multi-Arch`: same, foreign or allowed.
    public var multiArch: String?
    /// Fields written as given into the deb control file, after the standard ones.
    public var extraFields: [ExtraField]
    /// Newest first. rpm records these in its header.
    public var changelog: [ChangelogEntry]
    /// Who built the package, where the format records it apart from the maintainer (rpm's Packager).
    public var packager: String?
    /// Whether the deb's changelog is a native package's (`changelog.gz`) or a Debian revision's
    /// (`changelog.Debian.gz`); nil: as the version says, by whether it has a revision.
    public var nativeChangelog: Bool?

    public init(
        name: String, version: PackageVersion, architecture: Architecture, maintainer: String, summary: String,
        description: String = "", homepage: String? = nil, section: String? = nil, priority: String? = nil,
        license: String? = nil, vendor: String? = nil, relations: Relations = Relations(),
        multiArch: String? = nil, extraFields: [ExtraField] = [], changelog: [ChangelogEntry] = []
    ) {
        self.name = name
        self.version = version
        self.architecture = architecture
        self.maintainer = maintainer
        self.summary = summary
        self.description = description
        self.homepage = homepage
        self.section = section
        self.priority = priority
        self.license = license
        self.vendor = vendor
        self.relations = relations
        self.multiArch = multiArch
        self.extraFields = extraFields
        self.changelog = changelog
    }

    /// One field, so a check that fails on it can say which.
    public enum Field: Hashable, Sendable {
        case name, version, architecture, maintainer, summary, description, homepage, section, priority, license,
             vendor, multiArch
        case extraField(String)
    }
}

/// One release's entry in the package's changelog.
public struct ChangelogEntry: Hashable, Sendable {
    /// Seconds since 1970.
    public var date: Int64
    /// "Full Name <address>".
    public var maintainer: String
    /// The version the entry describes, as the package's format writes it.
    public var version: String
    /// One line each.
    public var changes: [String]

    public init(date: Int64, maintainer: String, version: String, changes: [String]) {
        self.date = date
        self.maintainer = maintainer
        self.version = version
        self.changes = changes
    }
}

public struct ExtraField: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// When a package manager runs a script. Not every format has every slot: deb has no transaction scripts, rpm
/// no triggers file; each format refuses the slots it lacks.
public enum ScriptSlot: String, CaseIterable, Hashable, Sendable {
    /// deb preinst, rpm %pre.
    case preInstall = "pre-install"
    /// deb postinst, rpm %post.
    case postInstall = "post-install"
    /// deb prerm, rpm %preun.
    case preRemove = "pre-remove"
    /// deb postrm, rpm %postun.
    case postRemove = "post-remove"
    /// rpm %pretrans: once per transaction, before it.
    case preTransaction = "pre-transaction"
    /// rpm %posttrans.
    case postTransaction = "post-transaction"
    /// The deb `triggers` control file.
    case triggers
}

/// Scripts run by the package manager around installation and removal. Each body starts with its interpreter
/// line (`#!/bin/sh`), except the triggers file, which is data.
public struct PackageScripts: Hashable, Sendable {
    private var bodies: [ScriptSlot: String]

    public init(_ bodies: [ScriptSlot: String] = [:]) {
        self.bodies = bodies
    }

    public subscript(slot: ScriptSlot) -> String? {
        get { bodies[slot] }
        set { bodies[slot] = newValue }
    }

    /// The slots that hold a script, in `ScriptSlot` order.
    public var slots: [ScriptSlot] { ScriptSlot.allCases.filter { bodies[$0] != nil } }
}
