import Compression

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

    public enum Kind: Hashable, Sendable {
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

        public init(uid: UInt32, gid: UInt32, user: String, group: String) {
            self.uid = uid
            self.gid = gid
            self.user = user
            self.group = group
        }
    }

    /// Relative path inside the archive, without a leading `./` or `/`; empty for the root directory.
    public let path: String
    public var kind: Kind
    /// Permission bits including setuid, setgid and sticky (0o7777).
    public var permissions: UInt32
    /// Seconds since the epoch, normally SOURCE_DATE_EPOCH.
    public var mtime: Int64
    public var owner: Owner

    public init(path: String, kind: Kind, permissions: UInt32, mtime: Int64, owner: Owner = .root) throws {
        try ArchivePath.validate(path, allowRoot: kind == .directory)
        if case .symlink(let target) = kind, target.isEmpty || target.utf8.contains(0) {
            throw ArchiveError.invalidEntry(path: path, reason: "symlink target must be non-empty and contain no NUL")
        }
        if case .hardlink(let target) = kind {
            try ArchivePath.validate(target, allowRoot: false)
        }
        guard permissions & ~0o7777 == 0 else {
            throw ArchiveError.invalidEntry(path: path, reason: "mode \(String(permissions, radix: 8)) has bits beyond 07777")
        }
        self.path = path
        self.kind = kind
        self.permissions = permissions
        self.mtime = mtime
        self.owner = owner
    }

    /// The `st_mode` file-type bits of this entry.
    public var fileTypeBits: UInt32 {
        switch kind {
        case .regular, .hardlink: 0o100000
        case .directory: 0o040000
        case .symlink: 0o120000
        }
    }

    /// The full `st_mode`: type and permissions.
    public var mode: UInt32 { fileTypeBits | permissions }
}

/// Archive paths are relative and stay inside the archive's root.
public enum ArchivePath {
    public static func validate(_ path: String, allowRoot: Bool) throws {
        if path.isEmpty {
            if allowRoot { return }
            throw ArchiveError.invalidEntry(path: path, reason: "empty path")
        }
        if path.utf8.contains(0) {
            throw ArchiveError.invalidEntry(path: path, reason: "path contains a NUL byte")
        }
        if path.hasPrefix("/") {
            throw ArchiveError.invalidEntry(path: path, reason: "path must be relative to the archive root")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "..":
                throw ArchiveError.invalidEntry(path: path, reason: "path escapes the archive root through '..'")
            case ".", "":
                throw ArchiveError.invalidEntry(path: path, reason: "path has an empty or '.' component")
            default:
                continue
            }
        }
    }
}
