import FormatSeam
import PackageModel

/// dpkg's rules for a package (deb-control(5), deb-version(5)), checked when the build is planned.
enum DebValidator {
    /// The control fields relations become, in the order the control file lists them. Supplements has none.
    static let relationFields: [(RelationField, String)] = [
        (.preDepends, "Pre-Depends"), (.depends, "Depends"), (.recommends, "Recommends"), (.suggests, "Suggests"),
        (.enhances, "Enhances"), (.breaks, "Breaks"), (.conflicts, "Conflicts"), (.replaces, "Replaces"),
        (.provides, "Provides"),
    ]

    /// The control member each script slot becomes. deb has no transaction scripts.
    static let controlMember: [ScriptSlot: (name: String, permissions: UInt32)] = [
        .preInstall: ("preinst", 0o755), .postInstall: ("postinst", 0o755), .preRemove: ("prerm", 0o755),
        .postRemove: ("postrm", 0o755), .triggers: ("triggers", 0o644),
    ]

    static func validate(_ package: Package) throws {
        let metadata = package.metadata
        try packageName(metadata.name, subject: .metadata(.name), field: "Package")
        try version(metadata.version, subject: .metadata(.version), field: "Version")
        try maintainer(metadata.maintainer)
        try singleLine(metadata.summary, subject: .metadata(.summary), field: "Description (synopsis)")
        guard !metadata.summary.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw violation(.metadata(.summary), "Description", metadata.summary, "the synopsis is empty")
        }
        for (subject, field, value) in [(PackageMetadata.Field.homepage, "Homepage", metadata.homepage),
                                        (.section, "Section", metadata.section), (.priority, "Priority", metadata.priority),
                                        (.multiArch, "Multi-Arch", metadata.multiArch)] {
            if let value { try singleLine(value, subject: .metadata(subject), field: field) }
        }
        if let multiArch = metadata.multiArch, !["same", "foreign", "allowed", "no"].contains(multiArch) {
            throw violation(.metadata(.multiArch), "Multi-Arch", multiArch, "must be same, foreign, allowed or no")
        }
        try relations(metadata.relations)
        try extraFields(metadata.extraFields)
        try scripts(package.scripts)
        try files(package.files)
    }

    private static func relations(_ relations: Relations) throws {
        for (index, relation) in relations[.supplements].enumerated() {
            throw violation(.relation(.supplements, index: index), "Supplements", relation.description,
                            "deb has no Supplements field; use enhances, or set it for rpm only")
        }
        for (field, name) in relationFields {
            for (index, relation) in relations[field].enumerated() {
                let subject = FormatViolation.Subject.relation(field, index: index)
                for dependency in relation.alternatives {
                    try packageName(dependency.name, subject: subject, field: name)
                    if let constraint = dependency.constraint {
                        let parsed: PackageVersion
                        do {
                            parsed = try PackageVersion(parsing: constraint.version)
                        } catch let error as PackageVersion.InvalidVersion {
                            throw violation(subject, name, relation.description, error.description)
                        }
                        try version(parsed, subject: subject, field: name)
                    }
                }
                if field == .provides, relation.alternatives.count > 1 || relation.alternatives.contains(where: {
                    $0.constraint.map { $0.op != .equal } ?? false
                }) {
                    throw violation(subject, name, relation.description,
                                    "Provides takes plain names or '(= version)' without alternatives")
                }
            }
        }
    }

    private static func extraFields(_ fields: [ExtraField]) throws {
        let standard = Set(["package", "version", "architecture", "maintainer", "installed-size", "description",
                            "section", "priority", "homepage", "multi-arch"] + relationFields.map { $0.1.lowercased() })
        for extra in fields {
            let subject = FormatViolation.Subject.metadata(.extraField(extra.name))
            let validName = extra.name.first.map { $0.isASCII && $0.isLetter } == true
                && extra.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            guard validName else {
                throw violation(subject, extra.name, extra.value,
                                "field names are ASCII letters, digits and '-', starting with a letter")
            }
            guard !standard.contains(extra.name.lowercased()) else {
                throw violation(subject, extra.name, extra.value, "is a standard field; set it through the package metadata")
            }
            try singleLine(extra.value, subject: subject, field: extra.name)
        }
    }

    /// A maintainer script must name its interpreter: dpkg executes it directly.
    private static func scripts(_ scripts: PackageScripts) throws {
        for slot in scripts.slots {
            let body = scripts[slot] ?? ""
            guard let member = controlMember[slot] else {
                throw violation(.script(slot), slot.rawValue, String(body.prefix { $0 != "\n" }),
                                "deb has no transaction scripts; set them for rpm only")
            }
            if slot != .triggers && !body.hasPrefix("#!/") {
                throw violation(.script(slot), member.name, String(body.prefix { $0 != "\n" }),
                                "must start with an interpreter line such as '#!/bin/sh'")
            }
        }
    }

    private static func files(_ files: [PackageFile]) throws {
        let tree: InstallTree
        do {
            tree = try InstallTree(files)
        } catch let error as PackagePath.Invalid {
            throw violation(.file(path: error.path), "file", error.path, error.reason)
        }
        for file in tree.entries where file.attributes.contains(.config) && !file.isRegular {
            throw violation(.file(path: "/" + file.path), "file", "/" + file.path, "only regular files can be conffiles")
        }
    }

    /// deb-control(5): at least two characters, lowercase letters, digits, `+`, `-`, `.`, starting alphanumeric.
    private static func packageName(_ name: String, subject: FormatViolation.Subject, field: String) throws {
        let bytes = Array(name.utf8)
        let valid = bytes.count >= 2
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
            && isLowerAlnum(bytes[0])
        guard valid else {
            throw violation(subject, field, name,
                            "package names are 2+ characters of a-z, 0-9, '+', '-', '.', starting with a letter or digit")
        }
    }

    /// deb-version(5): upstream starts with a digit and holds alphanumerics and `.+~-`; the revision
    /// alphanumerics and `.+~`.
    private static func version(_ version: PackageVersion, subject: FormatViolation.Subject, field: String) throws {
        let text = version.description
        guard let first = version.upstream.utf8.first, isDigit(first) else {
            throw violation(subject, field, text, "the upstream version must start with a digit")
        }
        guard version.upstream.utf8.allSatisfy({ isAlnum($0) || ".+~-".utf8.contains($0) }) else {
            throw violation(subject, field, text,
                            "the upstream version may hold only letters, digits and . + ~ - (no spaces, slashes or colons)")
        }
        if let release = version.release {
            guard release.utf8.allSatisfy({ isAlnum($0) || ".+~".utf8.contains($0) }) else {
                throw violation(subject, field, text, "the release (Debian revision) may hold only letters, digits and . + ~")
            }
        }
    }

    private static func maintainer(_ value: String) throws {
        try singleLine(value, subject: .metadata(.maintainer), field: "Maintainer")
        let valid = value.contains(" <") && value.hasSuffix(">") && value.contains("@")
            && !value.hasPrefix(" ") && !value.hasPrefix("<")
        guard valid else {
            throw violation(.metadata(.maintainer), "Maintainer", value, "must read 'Full Name <address@example.org>'")
        }
    }

    private static func singleLine(_ value: String, subject: FormatViolation.Subject, field: String) throws {
        guard !value.contains("\n"), !value.contains("\r") else {
            throw violation(subject, field, value, "must be a single line")
        }
    }

    private static func violation(_ subject: FormatViolation.Subject, _ field: String, _ value: String,
                                  _ reason: String) -> FormatViolation {
        FormatViolation(format: "deb", subject: subject, field: field, value: value, reason: reason)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLowerAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b >= 0x61 && b <= 0x7A) }
    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (b >= 0x41 && b <= 0x5A) }
}
