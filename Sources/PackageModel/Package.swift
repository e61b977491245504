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
}

/// One release's entry in the package's changelog.
public struct ChangelogEntry: Hashable, Sendable {
    /// Seconds since the epoch.
    public var timestamp: Int64
    /// "Full Name <address> - version-release", as rpm spells it.
    public var author: String
    public var text: String

    public init(timestamp: Int64, author: String, text: String) {
        self.timestamp = timestamp
        self.author = author
        self.text = text
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

/// Scripts run by the package manager around installation and removal. Each body starts with its
/// interpreter line (`#!/bin/sh`).
public struct PackageScripts: Hashable, Sendable {
    /// deb preinst, rpm %pre.
    public var preInstall: String?
    /// deb postinst, rpm %post.
    public var postInstall: String?
    /// deb prerm, rpm %preun.
    public var preRemove: String?
    /// deb postrm, rpm %postun.
    public var postRemove: String?
    /// deb `triggers` control file.
    public var debTriggers: String?
    /// rpm %pretrans and %posttrans: run once per transaction; deb has no equivalent.
    public var preTransaction: String?
    public var postTransaction: String?

    public init(preInstall: String? = nil, postInstall: String? = nil, preRemove: String? = nil,
                postRemove: String? = nil, debTriggers: String? = nil, preTransaction: String? = nil,
                postTransaction: String? = nil) {
        self.preInstall = preInstall
        self.postInstall = postInstall
        self.preRemove = preRemove
        self.postRemove = postRemove
        self.debTriggers = debTriggers
        self.preTransaction = preTransaction
        self.postTransaction = postTransaction
    }
}
