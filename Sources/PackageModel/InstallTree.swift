/// The files of a package as an installed tree: paths checked and normalised, every parent directory
/// present (dpkg creates none itself), entries sorted bytewise so parents come first and output is stable.
public struct InstallTree: Hashable, Sendable {
    /// Entries in install order; `path` is relative (no leading `/`), and the root itself is not listed.
    public let entries: [PackageFile]

    /// - Parameters:
    ///   - addingParents: add the parent directories the files imply (dpkg creates none itself; rpm does, and
    ///     an rpm should own only the directories it lists).
    ///   - directoryPermissions: permissions of those parent directories.
    public init(_ files: [PackageFile], addingParents: Bool = true, directoryPermissions: UInt32 = 0o755) throws {
        var byPath: [String: PackageFile] = [:]
        for file in files {
            let relative = try PackagePath.relative(fromAbsolute: file.path)
            guard byPath[relative] == nil else {
                throw PackagePath.Invalid(path: file.path, reason: "listed twice")
            }
            guard file.permissions & ~0o7777 == 0 else {
                throw PackagePath.Invalid(path: file.path, reason: "permissions \(String(file.permissions, radix: 8)) have bits beyond 07777")
            }
            var normalized = file
            normalized.path = relative
            if case .hardlink(let target) = file.type {
                normalized.type = .hardlink(target: try PackagePath.relative(fromAbsolute: target))
            }
            byPath[relative] = normalized
        }
        for path in Array(byPath.keys) where addingParents {
            for parent in Self.ancestors(of: path) {
                if let existing = byPath[parent] {
                    guard existing.type == .directory else {
                        throw PackagePath.Invalid(path: "/" + parent, reason: "is not a directory but '/\(path)' is inside it")
                    }
                } else {
                    byPath[parent] = PackageFile(path: parent, type: .directory, permissions: directoryPermissions)
                }
            }
        }
        for file in byPath.values {
            guard case .hardlink(let target) = file.type else { continue }
            guard let targetFile = byPath[target], targetFile.isRegular else {
                throw PackagePath.Invalid(path: "/" + file.path, reason: "hard link target '/\(target)' is not a regular file of the package")
            }
        }
        entries = byPath.values.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = ""
        for component in path.split(separator: "/").dropLast() {
            current = current.isEmpty ? String(component) : current + "/" + component
            result.append(current)
        }
        return result
    }
}
