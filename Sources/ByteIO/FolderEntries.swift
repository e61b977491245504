import Glibc

/// A folder's entries and which of them are folders, from one `readdir` walk: the kind comes with each entry,
/// so listing a release of twenty files costs no stat per file.
public enum FolderEntries {
    /// nil when `folder` cannot be opened. "." and ".." are left out.
    /// - Parameter followingLinks: whether a symbolic link to a folder counts as a folder.
    public static func list(_ folder: String, followingLinks: Bool) -> [(name: String, isFolder: Bool)]? {
        guard let stream = opendir(folder) else { return nil }
        defer { closedir(stream) }
        var entries: [(name: String, isFolder: Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            var isFolder = type == UInt8(DT_DIR)
            if type == UInt8(DT_UNKNOWN) || (followingLinks && type == UInt8(DT_LNK)) {
                var info = stat()
                let found = followingLinks ? stat(folder + "/" + name, &info) : lstat(folder + "/" + name, &info)
                isFolder = found == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append((name, isFolder))
        }
        return entries
    }
}
