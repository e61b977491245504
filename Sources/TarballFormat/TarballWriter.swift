import ArchiveFormats
import Compression
import PackageModel

/// Writes a release tarball: a pax (restricted) tar under one top folder, compressed as independent units
/// (gzip members by default), sorted bytewise with parents first, owned by root, every mtime the build's.
public struct TarballWriter: Sendable {
    public let codec: Codec

    public init(codec: Codec = .gzip(level: 9)) {
        self.codec = codec
    }

    /// - Parameters:
    ///   - files: paths are absolute and taken as relative to `topDirectory` (`/usr/bin/falco` becomes
    ///     `TOP/usr/bin/falco`).
    ///   - topDirectory: one path component, usually the file name without `.tar.gz`.
    public func write(_ files: [PackageFile], topDirectory: String, context: BuildContext, to sink: ByteSink,
                      engine: UnitEngine = .serial) throws {
        guard !topDirectory.isEmpty, !topDirectory.contains("/"), topDirectory != ".", topDirectory != ".." else {
            throw TarballError.invalidTopDirectory(topDirectory)
        }
        let tree: InstallTree
        do {
            tree = try InstallTree(files.map { file in
                var file = file
                file.path = "/" + topDirectory + "/" + file.path.drop(while: { $0 == "/" })
                return file
            })
        } catch let error as InstallTree.InvalidPath {
            throw TarballError.invalidFile(path: error.path, reason: error.reason)
        }

        let owner = ArchiveEntry.Owner(uid: 0, gid: 0, user: context.owner, group: context.group)
        let compressor = try BlockCompressor(codec: codec, sink: sink, engine: engine)
        let tar = try TarWriter(sink: compressor, format: .pax, namePrefix: "")
        for file in tree.entries {
            let kind: ArchiveEntry.Kind
            switch file.kind {
            case .regular(let source):
                do {
                    kind = .regular(.file(try FileContent(path: source)))
                } catch {
                    throw TarballError.invalidFile(path: file.path, reason: "cannot read \(source): \(error)")
                }
            case .generated(let bytes): kind = .regular(.bytes(bytes))
            case .directory: kind = .directory
            case .symlink(let target): kind = .symlink(target: target)
            case .hardlink:
                throw TarballError.invalidFile(path: file.path, reason: "hard links are not supported in tarballs")
            }
            try tar.add(try ArchiveEntry(path: file.path, kind: kind, permissions: file.mode,
                                         mtime: context.timestamp, owner: owner))
        }
        try tar.finish()
        try compressor.finish()
    }
}

public enum TarballError: Error, CustomStringConvertible, Sendable {
    case invalidTopDirectory(String)
    case invalidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidTopDirectory(let name): "tarball top folder '\(name)' must be one path component"
        case .invalidFile(let path, let reason): "tarball file '\(path)': \(reason)"
        }
    }
}
