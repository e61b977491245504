/// The files of a package as an installed tree: paths checked and normalised, every parent directory
/// present (dpkg creates none itself), entries sorted bytewise so parents come first and output is stable.
public struct InstallTree: Hashable, Sendable {
    /// Entries in install order; `path` is relative (no leading `/`), and the root itself is not listed.
    public let entries: [PackageFile]

    public struct InvalidPath: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "file '\(path)': \(reason)" }
    }

    /// - Parameters:
    ///   - addingParents: add the parent directories the files imply (dpkg creates none itself; rpm does, and
    ///     an rpm should own only the directories it lists).
    ///   - directoryMode: permissions of those parent directories.
    public init(_ files: [PackageFile], addingParents: Bool = true, directoryMode: UInt32 = 0o755) throws {
        var byPath: [String: PackageFile] = [:]
        for file in files {
            let relative = try Self.normalize(file.path)
            guard byPath[relative] == nil else {
                throw InvalidPath(path: file.path, reason: "listed twice")
            }
            guard file.mode & ~0o7777 == 0 else {
                throw InvalidPath(path: file.path, reason: "mode \(String(file.mode, radix: 8)) has bits beyond 07777")
            }
            var normalized = file
            normalized.path = relative
            if case .hardlink(let target) = file.kind {
                normalized.kind = .hardlink(target: try Self.normalize(target))
            }
            byPath[relative] = normalized
        }
        for path in Array(byPath.keys) where addingParents {
            for parent in Self.ancestors(of: path) {
                if let existing = byPath[parent] {
                    guard existing.kind == .directory else {
                        throw InvalidPath(path: "/" + parent, reason: "is not a directory but '/\(path)' is inside it")
                    }
                } else {
                    byPath[parent] = PackageFile(path: parent, kind: .directory, mode: directoryMode)
                }
            }
        }
        for file in byPath.values {
            guard case .hardlink(let target) = file.kind else { continue }
            guard let targetFile = byPath[target], targetFile.isRegular else {
                throw InvalidPath(path: "/" + file.path, reason: "hard link target '/\(target)' is not a regular file of the package")
            }
        }
        entries = byPath.values.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }

    /// `/usr//bin/./x` is ambiguous and `../` escapes the root: both are errors, not silently fixed.
    public static func normalize(_ path: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw InvalidPath(path: path, reason: "install paths must be absolute (start with '/')")
        }
        let relative = String(path.dropFirst())
        guard !relative.isEmpty else { throw InvalidPath(path: path, reason: "the root directory cannot be listed") }
        if relative.utf8.contains(0) || relative.contains("\n") {
            throw InvalidPath(path: path, reason: "contains a NUL or newline")
        }
        for component in relative.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "..": throw InvalidPath(path: path, reason: "escapes the root through '..'")
            case ".", "": throw InvalidPath(path: path, reason: "has an empty or '.' component")
            default: continue
            }
        }
        return relative
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
