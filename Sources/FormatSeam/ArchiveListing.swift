import ArchiveFormats

extension Inspection {
    /// The entries of any archive libarchive reads (tar, cpio, ar, under any codec), as inspected files.
    public static func listArchive(_ path: String) throws -> [File] {
        try ArchiveReader.list(path: path).map { entry in
            let type: String
            switch entry.type {
            case .directory: type = "directory"
            case .symlink: type = "symlink"
            case .hardlink: type = "hardlink"
            case .regular, .other: type = "file"
            }
            return File(path: entry.path, type: type, permissions: entry.permissions, size: entry.size,
                        linkTarget: entry.linkTarget)
        }
    }
}
