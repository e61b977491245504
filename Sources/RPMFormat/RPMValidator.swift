import PackageModel

/// rpm's rules for names, versions and dependencies, checked before anything is written.
enum RPMValidator {
    static func validate(_ metadata: PackageMetadata) throws {
        try name(metadata.name, field: "Name")
        try versionPart(metadata.version.upstream, field: "Version", full: metadata.version.description)
        if let revision = metadata.version.revision {
            try versionPart(revision, field: "Release", full: metadata.version.description)
        }
        for (field, value) in [("Summary", metadata.summary), ("Packager", metadata.maintainer)] {
            guard !value.isEmpty, !value.contains("\n") else {
                throw RPMError.invalidField(field: field, value: value, reason: "must be a single non-empty line")
            }
        }
        let relations = metadata.relations
        for (field, list) in [("Requires", relations.depends + relations.preDepends), ("Conflicts", relations.conflicts + relations.breaks),
                              ("Obsoletes", relations.replaces), ("Provides", relations.provides),
                              ("Recommends", relations.recommends), ("Suggests", relations.suggests),
                              ("Supplements", relations.supplements),
                              ("Enhances", relations.enhances)] {
            for relation in list {
                for dependency in relation.alternatives {
                    try name(dependency.name, field: field)
                    if let version = dependency.constraint?.version {
                        try evr(version, field: field)
                    }
                }
            }
        }
        guard let license = metadata.license, !license.isEmpty, !license.contains("\n") else {
            throw RPMError.invalidField(field: "License", value: metadata.license ?? "",
                                        reason: "rpm requires a licence (an SPDX expression such as Apache-2.0)")
        }
    }

    /// Package and dependency names: no whitespace, no leading '-', printable ASCII (`build/parsePreamble.c`).
    static func name(_ value: String, field: String) throws {
        let bytes = Array(value.utf8)
        let valid = !bytes.isEmpty && bytes[0] != UInt8(ascii: "-")
            && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && !Array("<>=,|()".utf8).contains($0) }
        guard valid else {
            throw RPMError.invalidField(field: field, value: value, reason: "names are printable ASCII without spaces or <>=,|()")
        }
    }

    /// `[epoch:]version[-release]` in a dependency.
    static func evr(_ value: String, field: String) throws {
        let valid = !value.isEmpty && value.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || "._+~^:-".utf8.contains($0)
        }
        guard valid else {
            throw RPMError.invalidField(field: field, value: value, reason: "versions hold only letters, digits and . _ + ~ ^ : -")
        }
    }

    /// Version and release: letters, digits and `._+~^`; no '-' (it separates version from release).
    static func versionPart(_ value: String, field: String, full: String) throws {
        let valid = !value.isEmpty && value.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || "._+~^".utf8.contains($0)
        }
        guard valid else {
            throw RPMError.invalidField(field: field, value: full,
                                        reason: "\(field.lowercased()) '\(value)' may hold only letters, digits and . _ + ~ ^")
        }
    }
}
