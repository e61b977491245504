import Foundation
import PackageModel

/// A spec as written, templates unexpanded. `Spec.load` reads and checks it; the pipeline expands it per artifact.
public struct Spec: Sendable {
    /// Path of the spec file as given; relative input defaults are resolved against its folder.
    public var file: String
    /// Timestamp of every file and header when SOURCE_DATE_EPOCH is unset.
    public var sourceDateEpoch: Int64
    public var inputs: [InputDeclaration]
    public var variables: [(name: String, value: Template)]
    public var driver: DriverSection?
    public var package: PackageSection
    public var contents: [ContentEntry]
    public var variants: [Variant]
    public var deb: FormatSection
    public var rpm: FormatSection
    public var tarballs: TarballsSection?

    public var directory: String { (file as NSString).deletingLastPathComponent }

    public var defaultVariant: Variant? { variants.first(where: \.isDefault) }
}

public struct InputDeclaration: Sendable {
    public enum Kind: String, Sendable { case string, file, directory }
    public var name: String
    public var help: String
    public var kind: Kind
    public var defaultValue: Template?
    public var environment: String?
    public var required: Bool
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
    public var architecture: Architecture
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
    public enum Kind: String, Sendable { case file, tree, directory, symlink }
    public var location: SourceLocation
    public var source: Template?
    public var destination: Template
    /// nil: `tree` when the source is a folder, `file` otherwise.
    public var kind: Kind?
    public var target: Template?
    public var mode: UInt32?
    public var isTemplate: Bool
    public var isGzipped: Bool
    public var attributes: PackageFile.Attributes
    public var exclude: [Template]
}

public struct ScriptsSection: Sendable {
    public var preInstall: Template?
    public var postInstall: Template?
    public var preRemove: Template?
    public var postRemove: Template?
    public var preTransaction: Template?
    public var postTransaction: Template?
    public var triggers: Template?

    public var isEmpty: Bool {
        [preInstall, postInstall, preRemove, postRemove, preTransaction, postTransaction, triggers]
            .allSatisfy { $0 == nil }
    }

    /// `other`'s scripts where it has them, else these.
    public func overridden(by other: ScriptsSection) -> ScriptsSection {
        ScriptsSection(preInstall: other.preInstall ?? preInstall, postInstall: other.postInstall ?? postInstall,
                       preRemove: other.preRemove ?? preRemove, postRemove: other.postRemove ?? postRemove,
                       preTransaction: other.preTransaction ?? preTransaction,
                       postTransaction: other.postTransaction ?? postTransaction, triggers: other.triggers ?? triggers)
    }
}

public enum RelationKind: String, CaseIterable, Sendable {
    case depends, preDepends = "pre-depends", recommends, suggests, enhances, conflicts, breaks, replaces, provides,
         supplements
}

/// Relation templates by kind, in the order written.
public typealias RelationTemplates = [RelationKind: [Template]]

/// What a variant adds for one format only.
public struct VariantFormat: Sendable {
    public var contents: [ContentEntry] = []
    public var scripts = ScriptsSection()
    public var relations: RelationTemplates = [:]
}

public struct Variant: Sendable {
    public var name: String
    public var package: Template
    public var isDefault: Bool
    public var summary: Template?
    public var contents: [ContentEntry]
    public var scripts: ScriptsSection
    public var relations: RelationTemplates
    public var deb: VariantFormat
    public var rpm: VariantFormat
}

public struct FormatSection: Sendable {
    public var file: Template
    public var alias: Template?
    public var compression: Template?
    public var release: Template?
    public var contents: [ContentEntry]
    public var scripts: ScriptsSection
    public var relations: RelationTemplates
}

public struct TarballsSection: Sendable {
    public var arch: Template?
    public var compression: Template?
    public var kinds: [TarballKind]
}

public struct TarballKind: Sendable {
    public var name: String
    public var file: Template
    public var sourcesOnly: Bool
    public var contents: [ContentEntry]
}
