import ByteIO
import CFileShim
import Foundation
import Glibc

/// Where a repository publish puts files before they go live. A file no client can reach yet (a new pool file, an
/// index named by its digest) is placed under its final name at once, through a temporary name; a file clients
/// read by name is written beside its final name and renamed into place only when the publish commits.
public final class StagingArea: @unchecked Sendable {
    public private(set) var renames: [(from: String, to: String)] = []
    /// Files placed under their final names that were not there before: what a publish that fails removes, so
    /// the repository is left as it was found.
    public private(set) var placed: [String] = []

    public init() {}

    /// Prefix of every temporary name, so a publish that was killed leaves files the next one can sweep.
    public static let temporaryPrefix = ".falcopack-stage."

    /// `bytes` as `path` once the publish commits.
    public func stage(_ bytes: [UInt8], as path: String) throws {
        let temporary = try Self.write(bytes, beside: path)
        renames.append((temporary, path))
    }

    /// `bytes` under `path` now; a file already there with the same bytes is left as it is.
    public func place(_ bytes: [UInt8], at path: String) throws {
        let existing = FileReader.contents(of: path, limit: 1 << 30)
        if let existing, Array(existing) == bytes { return }
        let temporary = try Self.write(bytes, beside: path)
        try Self.rename(temporary, path)
        if existing == nil { placed.append(path) }
    }

    /// `source` under `path` now: a hard link where the two share a file system, as aptly publishes, else a copy.
    /// falcopack never writes a file in place (always a new file, then a rename), so building into the release
    /// folder again or removing it leaves the repository's files as they were.
    public func placeFile(_ source: String, at path: String) throws {
        // A new name is linked straight into place, one call: a link appears whole and cannot replace a file.
        // A name already there (the same package published again) or another file system goes through a
        // temporary name.
        if link(source, path) == 0 || (errno == ENOENT && (try? Self.makeFolder(of: path)) != nil && link(source, path) == 0) {
            placed.append(path)
            return
        }
        let existed = FileManager.default.fileExists(atPath: path)
        try Self.rename(try Self.copy(source, beside: path), path)
        if !existed { placed.append(path) }
    }

    /// A new file under `path` now, written by `write` to a temporary name beside it, then renamed: a file signed
    /// again under a name no index gives yet. A file already there is left as it is.
    public func placeNew(at path: String, _ write: (String) throws -> Void) throws {
        if FileManager.default.fileExists(atPath: path) { return }
        try Self.makeFolder(of: path)
        let temporary = Self.temporaryName(beside: path)
        do {
            try write(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        try Self.rename(temporary, path)
        placed.append(path)
    }

    /// Removes every file placed that was not there before: for a publish that fails before it commits.
    public func discardPlaced() {
        for path in placed.reversed() { unlink(path) }
        placed = []
    }

    /// `source` as `path` once the publish commits (a package replacing one of the same name).
    public func stageFile(_ source: String, as path: String) throws {
        renames.append((try Self.copy(source, beside: path), path))
    }

    static func copy(_ source: String, beside path: String) throws -> String {
        try makeFolder(of: path)
        let temporary = temporaryName(beside: path)
        try FileLinks.linkOrCopy(source, to: temporary)
        return temporary
    }

    /// `source` as `path` in a folder this publish made, which clients cannot see until it is renamed into place
    /// whole, and which is swept if it never is: straight under its name, no temporary name of its own.
    public static func fillNewFolder(_ path: String, from source: String) throws {
        try FileLinks.linkOrCopy(source, to: path)
    }

    /// `bytes` as `path` in a folder this publish made (as `fillNewFolder(_:from:)`).
    public static func fillNewFolder(_ path: String, with bytes: [UInt8]) throws {
        try FileLinks.fill(path) { try $0.write(bytes) }
    }

    /// Every file under `folder` of the repository at `path`, relative to `path`; what a run left under temporary
    /// names is not counted.
    public static func files(under path: String, folder: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            for (name, isFolder) in FolderEntries.list(path + "/" + relative, followingLinks: false) ?? []
                where !name.hasPrefix(temporaryPrefix) {
                if isFolder { walk(relative + "/" + name) } else { found.append(relative + "/" + name) }
            }
        }
        walk(folder)
        return found
    }

    /// Removes what a publish that never committed left behind, under `folder`. Walks with readdir, which a
    /// repository of thousands of packages makes worth it on every publish.
    public static func sweep(_ folder: String) {
        guard let entries = FolderEntries.list(folder, followingLinks: false) else { return }
        for (name, isFolder) in entries {
            let path = folder + "/" + name
            if name.hasPrefix(temporaryPrefix) {
                try? FileManager.default.removeItem(atPath: path)
            } else if isFolder {
                sweep(path)
            }
        }
    }

    /// Whether `folder` is what a first publish killed before its top index left: no `index` yet, and nothing
    /// but the folders a publish writes. Such a folder is published into as a new one; any other folder without
    /// its index is not a repository falcopack may add to.
    public static func isFirstPublishCutShort(_ folder: String, folders: Set<String>, index: String) -> Bool {
        guard !FileManager.default.fileExists(atPath: index),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
        return entries.allSatisfy { folders.contains($0) || $0.hasPrefix(temporaryPrefix) }
    }

    /// Renames `path` out of the way, to a temporary name the next run sweeps, and returns that name: a folder
    /// goes from its own name in one step, so a run stopped while its files are removed never leaves it half
    /// emptied where a reader would take it for whole.
    public static func retire(_ path: String) throws -> String {
        let temporary = temporaryName(beside: path)
        try rename(path, temporary)
        return temporary
    }

    static func temporaryName(beside path: String) -> String {
        OutputFile.directory(of: path) + "/" + temporaryPrefix + OutputFile.basename(of: path) + "." + uniqueSuffix()
    }

    private static let counter = Counter()

    /// Unique among temporary names: the process and a count. Two publishes never share a folder (the lock), and
    /// a killed one's names are swept before the next begins.
    public static func uniqueSuffix() -> String {
        "\(getpid())-\(counter.next())"
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()

        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    static func makeFolder(of path: String) throws {
        let folder = OutputFile.directory(of: path)
        // Most files of a publish go into folders that are already there: one stat, not one per component.
        var info = stat()
        if stat(folder, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    static func write(_ bytes: [UInt8], beside path: String) throws -> String {
        try makeFolder(of: path)
        let temporary = temporaryName(beside: path)
        try FileLinks.fill(temporary) { try $0.write(bytes) }
        return temporary
    }

    /// Swaps `a` and `b` in one step where the file system can (a release folder replaced whole, never absent);
    /// else `b` moves aside to `a`'s name through a third, then `a` into place.
    public static func exchange(_ a: String, _ b: String) throws {
        if fp_exchange(a, b) == 0 { return }
        let aside = temporaryName(beside: b)
        try rename(b, aside)
        try rename(a, b)
        try rename(aside, a)
    }

    public static func rename(_ from: String, _ to: String) throws {
        // rename(2) does nothing when both names are links to one file (a package a stopped run already linked
        // from the same release folder): the temporary name is dropped instead, or it would stay beside it.
        var source = stat(), target = stat()
        if lstat(from, &source) == 0, lstat(to, &target) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
            guard unlink(from) == 0 else { throw IOError("unlink", path: from, errno: errno) }
            return
        }
        try retryingSyscall("rename into place", path: to, writing: true) { Glibc.rename(from, to) }
    }
}
