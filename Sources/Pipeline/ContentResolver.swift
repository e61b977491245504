import Codecs
import ByteIO
import Foundation
import Glibc
import PackageModel
import SpecFile

/// A file of an artifact with the spec entry that put it there, so that clashes name both entries.
public struct PlannedFile: Sendable {
    public var file: PackageFile
    public var origin: SourceLocation
}

/// Turns `contents` entries into files: expands templates, walks source trees, reads templated files, and checks
/// that every destination stays inside its root.
struct ContentResolver {
    /// How `dst` is written.
    enum Root {
        /// Install paths of a package: absolute.
        case installPaths
        /// Paths inside a tarball's top folder: relative, `.` for the folder itself.
        case relativeToTop
    }

    let root: Root
    let scope: Scope

    func resolve(_ entries: [ContentEntry]) throws -> [PlannedFile] {
        var files: [PlannedFile] = []
        var seen: [String: PlannedFile] = [:]
        for entry in entries {
            for planned in try resolve(entry) {
                if let first = seen[planned.file.path] {
                    // Two entries may both create a folder; anything else installed twice is ambiguous.
                    if planned.file.type == .directory && first.file.type == .directory { continue }
                    throw SpecError(at: entry.location, "'\(planned.file.path)' is also installed by the entry at line \(first.origin.line ?? 0); install each path once")
                }
                seen[planned.file.path] = planned
                files.append(planned)
            }
        }
        return files
    }

    private func resolve(_ entry: ContentEntry) throws -> [PlannedFile] {
        let destination = try checkedDestination(entry)
        // A relative src is beside the spec, wherever falcopack runs.
        let source = try entry.source.map { template in
            let path = try template.expand(in: scope)
            return path.hasPrefix("/") || path.isEmpty ? path
                : SpecPath.absolute(path, base: try scope.value(of: "spec-dir", at: template.location))
        }
        func planned(_ path: String, _ type: PackageFile.FileType, _ permissions: UInt32) -> PlannedFile {
            PlannedFile(file: PackageFile(path: path, type: type, permissions: permissions, attributes: entry.attributes),
                        origin: entry.location)
        }

        var info = stat()
        let type: ContentEntry.EntryType
        if let declared = entry.type {
            type = declared
        } else if let source, stat(source, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            type = .tree
        } else {
            type = .file
        }

        switch type {
        case .directory:
            return [planned(destination, .directory, entry.permissions ?? 0o755)]
        case .symlink:
            guard let target = try entry.target.map({ try $0.expand(in: scope) }), !target.isEmpty else {
                throw SpecError(at: entry.location, "a symlink needs 'target'")
            }
            return [planned(destination, .symlink(target: target), 0o777)]
        case .file:
            if let text = entry.text {
                var bytes = Array(try text.expand(in: scope).utf8)
                if entry.isGzipped { bytes = try gzip(bytes) }
                return [planned(destination, .generated(bytes), entry.permissions ?? 0o644)]
            }
            if source == nil && entry.attributes.contains(.ghost) {
                return [planned(destination, .generated([]), entry.permissions ?? 0o644)]
            }
            guard let source else { throw SpecError(at: entry.location, "a file needs 'src'") }
            guard stat(source, &info) == 0 else {
                throw SpecError(.input, at: entry.location, "src '\(source)' does not exist")
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw SpecError(.input, at: entry.location, "src '\(source)' is not a regular file (use type: tree for a folder)")
            }
            let permissions = entry.permissions ?? (info.st_mode & 0o111 != 0 ? 0o755 : 0o644)
            if entry.isTemplate || entry.isGzipped {
                var bytes = entry.isTemplate ? try expandFile(source, entry: entry) : try readFile(source, entry: entry)
                if entry.isGzipped { bytes = try gzip(bytes) }
                return [planned(destination, .generated(bytes), permissions)]
            }
            return [planned(destination, .regular(source: source), permissions)]
        case .tree:
            guard let source else { throw SpecError(at: entry.location, "a tree needs 'src'") }
            guard stat(source, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw SpecError(.input, at: entry.location, "src '\(source)' is not a folder")
            }
            let patterns = try entry.exclude.map { try $0.expand(in: scope) }
            var files = destination.isEmpty ? [] : [planned(destination, .directory, entry.permissions ?? 0o755)]
            try walk(source, relative: "", entry: entry) { relative, path, info in
                if patterns.contains(where: { fnmatch($0, relative, FNM_PATHNAME) == 0 }) { return false }
                let target = destination + "/" + relative
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    files.append(planned(target, .directory, 0o755))
                case S_IFREG:
                    let permissions: UInt32 = info.st_mode & 0o111 != 0 ? 0o755 : 0o644
                    files.append(planned(target, entry.isTemplate ? .generated(try expandFile(path, entry: entry))
                                                                  : .regular(source: path), permissions))
                case S_IFLNK:
                    files.append(planned(target, .symlink(target: try readLink(path, entry: entry)), 0o777))
                default:
                    throw SpecError(.input, at: entry.location, "'\(path)' is neither a file, a folder nor a symlink")
                }
                return true
            }
            return files
        }
    }

    /// The expanded destination, checked: absolute for packages, relative for tarballs, never through `..`.
    private func checkedDestination(_ entry: ContentEntry) throws -> String {
        let text = try entry.destination.expand(in: scope)
        let location = entry.destination.location
        switch root {
        case .installPaths:
            guard text.hasPrefix("/") else {
                throw SpecError(at: location, "dst '\(text)' must be an absolute install path")
            }
        case .relativeToTop:
            guard !text.hasPrefix("/") else {
                throw SpecError(at: location, "dst '\(text)' must be relative to the tarball's top folder")
            }
            // The top folder itself, for a tree whose contents sit at the top.
            if text == "." || text == "./" {
                guard entry.type == .tree || entry.type == nil else {
                    throw SpecError(at: location, "only a tree can have dst '.'")
                }
                return ""
            }
        }
        let absolute = text.hasPrefix("/") ? text : "/" + text
        var trimmed = absolute
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        do {
            _ = try PackagePath.relative(fromAbsolute: trimmed)
        } catch let error as PackagePath.Invalid {
            throw SpecError(at: location, "dst '\(text)' \(error.reason)")
        }
        return trimmed
    }

    private func readFile(_ path: String, entry: ContentEntry) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SpecError(.input, at: entry.location, "cannot read '\(path)': \(error.localizedDescription)")
        }
    }

    private func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        try Encoders.compress(bytes, .gzip(level: 9))
    }

    private func expandFile(_ path: String, entry: ContentEntry) throws -> [UInt8] {
        Array(try Template.expandFile(path, in: scope, namedAt: entry.location).utf8)
    }

    /// Visits a folder's entries sorted bytewise; the visitor returns false to skip a folder's contents. Anything
    /// that cannot be listed or examined is an error naming it, never skipped.
    private func walk(_ directory: String, relative: String, entry: ContentEntry,
                      _ visit: (String, String, stat) throws -> Bool) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SpecError(.input, at: entry.location, "cannot list the folder '\(directory)'")
        }
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = directory + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else {
                throw SpecError(.input, at: entry.location, "cannot examine '\(path)': \(String(cString: strerror(errno)))")
            }
            let descend = try visit(childRelative, path, info)
            if descend && (info.st_mode & S_IFMT) == S_IFDIR {
                try walk(path, relative: childRelative, entry: entry, visit)
            }
        }
    }

    private func readLink(_ path: String, entry: ContentEntry) throws -> String {
        do {
            return try FileManager.default.destinationOfSymbolicLink(atPath: path)
        } catch {
            throw SpecError(.input, at: entry.location, "cannot read the symlink '\(path)'")
        }
    }
}
