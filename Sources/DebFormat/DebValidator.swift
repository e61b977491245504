import PackageModel

/// dpkg's rules for control fields (deb-control(5), deb-version(5)), checked before anything is written.
enum DebValidator {
    static func validate(_ metadata: PackageMetadata) throws {
        try packageName(metadata.name, field: "Package")
        try version(metadata.version, field: "Version")
        try maintainer(metadata.maintainer)
        try singleLine(metadata.summary, field: "Description (synopsis)")
        guard !metadata.summary.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw DebError.invalidField(field: "Description", value: metadata.summary, reason: "the synopsis is empty")
        }
        for (field, value) in [("Homepage", metadata.homepage), ("Section", metadata.section),
                               ("Priority", metadata.priority), ("Multi-Arch", metadata.multiArch)] {
            if let value { try singleLine(value, field: field) }
        }
        if let multiArch = metadata.multiArch, !["same", "foreign", "allowed", "no"].contains(multiArch) {
            throw DebError.invalidField(field: "Multi-Arch", value: multiArch, reason: "must be same, foreign, allowed or no")
        }
        for (field, relations) in relationFields(metadata.relations) {
            for relation in relations {
                for dependency in relation.alternatives {
                    try packageName(dependency.name, field: field)
                    if let constraint = dependency.constraint {
                        let parsed: PackageVersion
                        do {
                            parsed = try PackageVersion(parsing: constraint.version)
                        } catch {
                            throw DebError.invalidField(field: field, value: relation.description, reason: "\(error)")
                        }
                        try version(parsed, field: field)
                    }
                }
                if field == "Provides", relation.alternatives.count > 1 || relation.alternatives.contains(where: {
                    $0.constraint.map { $0.op != .equal } ?? false
                }) {
                    throw DebError.invalidField(field: field, value: relation.description,
                                                reason: "Provides takes plain names or '(= version)' without alternatives")
                }
            }
        }
        let standard = Set(["package", "version", "architecture", "maintainer", "installed-size", "description",
                            "section", "priority", "homepage", "multi-arch"]
                           + relationFields(metadata.relations).map { $0.0.lowercased() })
        for extra in metadata.extraFields {
            let validName = extra.name.first.map { $0.isASCII && $0.isLetter } == true
                && extra.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            guard validName else {
                throw DebError.invalidField(field: extra.name, value: extra.value, reason: "field names are ASCII letters, digits and '-', starting with a letter")
            }
            guard !standard.contains(extra.name.lowercased()) else {
                throw DebError.invalidField(field: extra.name, value: extra.value, reason: "is a standard field; set it through the package metadata")
            }
            try singleLine(extra.value, field: extra.name)
        }
    }

    /// deb-control(5): at least two characters, lowercase letters, digits, `+`, `-`, `.`, starting alphanumeric.
    static func packageName(_ name: String, field: String) throws {
        let bytes = Array(name.utf8)
        let valid = bytes.count >= 2
            && bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
            && isLowerAlnum(bytes[0])
        guard valid else {
            throw DebError.invalidField(field: field, value: name, reason: "package names are 2+ characters of a-z, 0-9, '+', '-', '.', starting with a letter or digit")
        }
    }

    /// deb-version(5): upstream starts with a digit and holds alphanumerics and `.+~-`; the revision
    /// alphanumerics and `.+~`.
    static func version(_ version: PackageVersion, field: String) throws {
        let text = version.description
        func fail(_ reason: String) -> DebError { .invalidField(field: field, value: text, reason: reason) }
        guard let first = version.upstream.utf8.first, isDigit(first) else {
            throw fail("the upstream version must start with a digit")
        }
        guard version.upstream.utf8.allSatisfy({ isAlnum($0) || ".+~-".utf8.contains($0) }) else {
            throw fail("the upstream version may hold only letters, digits and . + ~ - (no spaces, slashes or colons)")
        }
        if let revision = version.revision {
            guard revision.utf8.allSatisfy({ isAlnum($0) || ".+~".utf8.contains($0) }) else {
                throw fail("the revision may hold only letters, digits and . + ~")
            }
        }
    }

    static func maintainer(_ value: String) throws {
        try singleLine(value, field: "Maintainer")
        let valid = value.contains(" <") && value.hasSuffix(">") && value.contains("@")
            && !value.hasPrefix(" ") && !value.hasPrefix("<")
        guard valid else {
            throw DebError.invalidField(field: "Maintainer", value: value, reason: "must read 'Full Name <address@example.org>'")
        }
    }

    static func singleLine(_ value: String, field: String) throws {
        guard !value.contains("\n"), !value.contains("\r") else {
            throw DebError.invalidField(field: field, value: value, reason: "must be a single line")
        }
    }

    /// A maintainer script must name its interpreter; dpkg executes it directly.
    static func script(_ name: String, _ body: String) throws {
        guard body.hasPrefix("#!/") else {
            throw DebError.invalidField(field: name, value: String(body.prefix(20)), reason: "must start with an interpreter line such as '#!/bin/sh'")
        }
    }

    /// The maintainer scripts a package has, under their control-member names.
    static func maintainerScripts(_ scripts: PackageScripts) -> [(name: String, body: String)] {
        [("preinst", scripts.preInstall), ("postinst", scripts.postInstall),
         ("prerm", scripts.preRemove), ("postrm", scripts.postRemove)].compactMap { name, body in
            body.map { (name, $0) }
        }
    }

    static func relationFields(_ relations: Relations) -> [(String, [Relation])] {
        [("Pre-Depends", relations.preDepends), ("Depends", relations.depends), ("Recommends", relations.recommends),
         ("Suggests", relations.suggests), ("Enhances", relations.enhances), ("Breaks", relations.breaks),
         ("Conflicts", relations.conflicts), ("Replaces", relations.replaces), ("Provides", relations.provides)]
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLowerAlnum(_ b: UInt8) -> Bool { isDigit(b) || (b >= 0x61 && b <= 0x7A) }
    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (b >= 0x41 && b <= 0x5A) }
}
