import FormatSeam
import PackageModel

/// rpm's rules for names, versions, dependencies, scripts and files, checked when the build is planned.
enum RPMValidator {
    static func validate(_ package: Package) throws {
        let metadata = package.metadata
        try name(metadata.name, subject: .metadata(.name), field: "Name")
        try versionPart(metadata.version.upstream, field: "Version", full: metadata.version.description)
        if let release = metadata.version.release {
            try versionPart(release, field: "Release", full: metadata.version.description)
        }
        for (subject, field, value) in [(PackageMetadata.Field.summary, "Summary", metadata.summary),
                                        (.maintainer, "Packager", metadata.maintainer)] {
            guard !value.isEmpty, !value.contains("\n") else {
                throw violation(.metadata(subject), field, value, "must be a single non-empty line")
            }
        }
        for tags in RPMLayout.dependencyTags {
            for field in tags.fields {
                for (index, relation) in metadata.relations[field].enumerated() {
                    for dependency in relation.alternatives {
                        try capability(dependency.name, subject: .relation(field, index: index), field: tags.name)
                        if let version = dependency.constraint?.version {
                            try evr(version, subject: .relation(field, index: index), field: tags.name)
                        }
                    }
                }
            }
        }
        guard let license = metadata.license, !license.isEmpty, !license.contains("\n") else {
            throw violation(.metadata(.license), "License", metadata.license ?? "",
                            "rpm requires a licence (an SPDX expression such as Apache-2.0)")
        }
        for slot in package.scripts.slots where RPMLayout.scriptTags[slot] == nil {
            throw violation(.script(slot), slot.rawValue, String((package.scripts[slot] ?? "").prefix { $0 != "\n" }),
                            "rpm has no triggers file; set it for deb only")
        }
        try files(package.files)
    }

    private static func files(_ files: [PackageFile]) throws {
        let tree: InstallTree
        do {
            tree = try InstallTree(files, addingParents: false)
        } catch let error as PackagePath.Invalid {
            throw violation(.file(path: error.path), "file", error.path, error.reason)
        }
        for file in tree.entries {
            let path = "/" + file.path
            if file.attributes.contains(.config) && !file.isRegular {
                throw violation(.file(path: path), "file", path, "only regular files can be %config")
            }
            if case .hardlink = file.type {
                throw violation(.file(path: path), "file", path,
                                "hard links are not supported in rpm packages yet; install a copy or a symlink")
            }
        }
    }

    /// Package and dependency names: no whitespace, no leading '-', printable ASCII (`build/parsePreamble.c`).
    private static func name(_ value: String, subject: FormatViolation.Subject, field: String) throws {
        let bytes = Array(value.utf8)
        let valid = !bytes.isEmpty && bytes[0] != UInt8(ascii: "-")
            && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && !Array("<>=,|()".utf8).contains($0) }
        guard valid else {
            throw violation(subject, field, value, "names are printable ASCII without spaces or <>=,|()")
        }
    }

    /// A capability may carry balanced parentheses after its first character, as `perl(Foo)` and
    /// `libc.so.6(GLIBC_2.35)(64bit)` do; one that starts with `(` would be a rich dependency, which specs do not write.
    private static func capability(_ value: String, subject: FormatViolation.Subject, field: String) throws {
        var depth = 0
        var balanced = true
        for byte in value.utf8 {
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") { depth -= 1; if depth < 0 { balanced = false } }
        }
        let plain = value.utf8.filter { $0 != UInt8(ascii: "(") && $0 != UInt8(ascii: ")") }
        guard balanced, depth == 0, !value.hasPrefix("("),
              (try? name(String(decoding: plain, as: UTF8.self), subject: subject, field: field)) != nil else {
            throw violation(subject, field, value, "capabilities are printable ASCII without spaces or <>=,| and with balanced parentheses after the first character")
        }
    }

    /// `[epoch:]version[-release]` in a dependency.
    private static func evr(_ value: String, subject: FormatViolation.Subject, field: String) throws {
        guard !value.isEmpty, value.utf8.allSatisfy({ isAlnum($0) || "._+~^:-".utf8.contains($0) }) else {
            throw violation(subject, field, value, "versions hold only letters, digits and . _ + ~ ^ : -")
        }
    }

    /// Version and release: letters, digits and `._+~^`; no '-' (it separates version from release).
    private static func versionPart(_ value: String, field: String, full: String) throws {
        guard !value.isEmpty, value.utf8.allSatisfy({ isAlnum($0) || "._+~^".utf8.contains($0) }) else {
            throw violation(.metadata(.version), field, full,
                            "\(field.lowercased()) '\(value)' may hold only letters, digits and . _ + ~ ^")
        }
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func violation(_ subject: FormatViolation.Subject, _ field: String, _ value: String,
                                  _ reason: String) -> FormatViolation {
        FormatViolation(format: "rpm", subject: subject, field: field, value: value, reason: reason)
    }
}
