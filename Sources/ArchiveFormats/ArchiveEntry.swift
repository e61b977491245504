import ByteIO
import PackageModel

/// One entry of a container archive, independent of the container: the tar, cpio and ar writers all take it.
public struct ArchiveEntry: Hashable, Sendable {
    public enum Contents: Hashable, Sendable {
        /// A file on disk, measured and hashed.
        case file(FileContent)
        /// Bytes generated in memory (control files, templates).
        case bytes([UInt8])

        public var size: UInt64 {
            switch self {
            case .file(let file): file.size
            case .bytes(let bytes): UInt64(bytes.count)
            }
        }
    }

    public enum FileType: Hashable, Sendable {
        case regular(Contents)
        case directory
        case symlink(target: String)
        /// A second name for the regular file at `target` (a relative archive path).
        case hardlink(target: String)
    }

    public struct Owner: Hashable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public var user: String
        public var group: String

        public static let root = Owner(uid: 0, gid: 0, user: "root", group: "root")

        /// The build's owner and group by name, with uid and gid 0.
        public init(_ build: BuildContext) {
            self.init(uid: 0, gid: 0, user: build.owner, group: build.group)
        }

        public init(uid: UInt32, gid: UInt32, user: String, group: String) {
            self.uid = uid
            self.gid = gid
            self.user = user
            self.group = group
        }
    }

    /// Relative path inside the archive, without a leading `./` or `/`; empty for the root directory.
    public let path: String
    public var type: FileType
    /// Permission bits including setuid, setgid and sticky (0o7777).
    public var permissions: UInt32
    /// Seconds since the epoch, normally SOURCE_DATE_EPOCH.
    public var mtime: Int64
    public var owner: Owner

    public init(path: String, type: FileType, permissions: UInt32, mtime: Int64, owner: Owner = .root) throws {
        do {
            // The root folder alone may be named by the empty path.
            if !(path.isEmpty && type == .directory) { try PackagePath.validate(path) }
            if case .hardlink(let target) = type { try PackagePath.validate(target) }
        } catch let error as PackagePath.Invalid {
            throw ArchiveError.invalidEntry(path: path, reason: error.description)
        }
        if case .symlink(let target) = type, target.isEmpty || target.utf8.contains(0) {
            throw ArchiveError.invalidEntry(path: path, reason: "symlink target must be non-empty and contain no NUL")
        }
        guard permissions & ~0o7777 == 0 else {
            throw ArchiveError.invalidEntry(path: path, reason: "permissions \(String(permissions, radix: 8)) have bits beyond 07777")
        }
        self.path = path
        self.type = type
        self.permissions = permissions
        self.mtime = mtime
        self.owner = owner
    }

    /// The `st_mode` file-type bits of this entry.
    public var fileTypeBits: UInt32 {
        switch type {
        case .regular, .hardlink: 0o100000
        case .directory: 0o040000
        case .symlink: 0o120000
        }
    }

    /// The full `st_mode`: type and permissions.
    public var mode: UInt32 { fileTypeBits | permissions }
}

extension ArchiveEntry {
    /// An entry of an install tree (its path relative) as an archive entry: owned by the build's owner, stamped with
    /// the build's time, a regular file's contents left on disk, measured and hashed once.
    public init(_ file: PackageFile, build: BuildContext) throws {
        let type: FileType
        switch file.type {
        case .regular(let source): type = .regular(.file(try FileContent(path: source)))
        case .generated(let bytes): type = .regular(.bytes(bytes))
        case .directory: type = .directory
        case .symlink(let target): type = .symlink(target: target)
        case .hardlink(let target): type = .hardlink(target: target)
        }
        try self.init(path: file.path, type: type, permissions: file.permissions, mtime: build.sourceDateEpoch,
                      owner: Owner(build))
    }
}
