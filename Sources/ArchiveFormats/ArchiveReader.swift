import CArchiveShim
import ByteIO
import Glibc

/// Reads any archive libarchive knows (tar, cpio, ar, ...) under any compression it knows, entry by entry.
/// Used by `inspect` and by tests; never by the writers.
public final class ArchiveReader {
    public struct Entry: Hashable, Sendable {
        public enum FileType: Hashable, Sendable {
            case regular, directory, symlink, hardlink, other
        }

        public var path: String
        public var type: FileType
        /// Permission bits (0o7777).
        public var permissions: UInt32
        public var size: Int64
        public var uid: Int64
        public var gid: Int64
        public var user: String?
        public var group: String?
        public var mtime: Int64
        /// Symlink or hardlink target.
        public var linkTarget: String?
    }

    public let path: String
    private var archive: OpaquePointer?
    private var current: Entry?
    private var source: ChunkSource?
    /// Where `readChunk` puts data; untouched pages cost nothing.
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    public init(path: String) throws {
        self.path = path
        let archive = try Self.makeArchive(path)
        self.archive = archive
        try archiveCheck(archive_read_open_filename(archive, path, 1 << 20), archive, "open", path: path)
    }

    /// Reads an archive from chunks `read` hands over one after another, an empty chunk at the end: so a caller
    /// that copies or hashes the bytes anyway sees every byte once. `name` names it in errors.
    public init(name: String, read: @escaping () throws -> UnsafeRawBufferPointer) throws {
        path = name
        let archive = try Self.makeArchive(name)
        self.archive = archive
        let source = ChunkSource(read)
        self.source = source
        let rc = archive_read_open(archive, Unmanaged.passUnretained(source).toOpaque(), nil, { _, client, buffer in
            let source = Unmanaged<ChunkSource>.fromOpaque(client!).takeUnretainedValue()
            do {
                let chunk = try source.read()
                buffer?.pointee = chunk.baseAddress
                return la_ssize_t(chunk.count)
            } catch {
                source.error = error
                return -1
            }
        }, nil)
        if let error = source.error { throw error }
        try archiveCheck(rc, archive, "open", path: name)
    }

    private static func makeArchive(_ name: String) throws -> OpaquePointer {
        _ = TarWriter.ensureUTF8Locale
        guard let archive = archive_read_new() else {
            throw ArchiveError.libarchive(operation: "archive_read_new", path: name, code: ARCHIVE_FATAL,
                                          message: "cannot allocate memory")
        }
        try archiveCheck(archive_read_support_filter_all(archive), archive, "support_filter_all")
        try archiveCheck(archive_read_support_format_all(archive), archive, "support_format_all")
        return archive
    }

    /// The caller's reading function, and the error it threw, which libarchive cannot carry.
    private final class ChunkSource {
        let read: () throws -> UnsafeRawBufferPointer
        var error: Error?
        init(_ read: @escaping () throws -> UnsafeRawBufferPointer) { self.read = read }
    }

    /// A reading error of the caller's own, else libarchive's.
    private func check(_ rc: Int32, _ operation: String, path: String?) throws {
        if let error = source?.error { throw error }
        try archiveCheck(rc, archive, operation, path: path)
    }

    deinit {
        close()
        chunk.deallocate()
    }

    public func close() {
        guard let archive else { return }
        archive_read_free(archive)
        self.archive = nil
    }

    /// The next entry's header, or nil at the end of the archive.
    public func next() throws -> Entry? {
        guard let archive else { return nil }
        var entryPointer: OpaquePointer?
        let rc = archive_read_next_header(archive, &entryPointer)
        if let error = source?.error { throw error }
        if rc == ARCHIVE_EOF { return nil }
        if rc != ARCHIVE_WARN { try check(rc, "read_next_header", path: path) }
        guard let e = entryPointer else { return nil }
        func string(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }
        let fileType = archive_entry_filetype(e)
        let hardlink = string(archive_entry_hardlink_utf8(e) ?? archive_entry_hardlink(e))
        let type: Entry.FileType =
            if hardlink != nil { .hardlink }
            else if fileType == fp_AE_IFREG { .regular }
            else if fileType == fp_AE_IFDIR { .directory }
            else if fileType == fp_AE_IFLNK { .symlink }
            else { .other }
        let entry = Entry(
            path: string(archive_entry_pathname_utf8(e) ?? archive_entry_pathname(e)) ?? "",
            type: type,
            permissions: UInt32(archive_entry_perm(e)) & 0o7777,
            size: archive_entry_size(e),
            uid: archive_entry_uid(e), gid: archive_entry_gid(e),
            user: string(archive_entry_uname_utf8(e) ?? archive_entry_uname(e)),
            group: string(archive_entry_gname_utf8(e) ?? archive_entry_gname(e)),
            mtime: Int64(archive_entry_mtime(e)),
            linkTarget: type == .symlink
                ? string(archive_entry_symlink_utf8(e) ?? archive_entry_symlink(e)) : hardlink)
        current = entry
        return entry
    }

    /// Streams the current entry's data into `sink`.
    public func readData(into sink: ByteSink) throws {
        guard let archive else { return }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, $0.count) }
            if count == 0 { return }
            if count < 0 { try check(Int32(count), "read_data", path: current?.path ?? path) }
            try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// The next chunk of the current entry's data, empty at its end; valid until the next call.
    public func readChunk() throws -> UnsafeRawBufferPointer {
        guard let archive else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let got = archive_read_data(archive, chunk.baseAddress, chunk.count)
        if got < 0 { try check(Int32(got), "read_data", path: current?.path ?? path) }
        return UnsafeRawBufferPointer(rebasing: chunk[0..<max(0, got)])
    }

    /// libarchive's version, as `--version` names it.
    public static var libraryVersion: String {
        String(cString: archive_version_string()).replacingOccurrences(of: "libarchive ", with: "")
    }

    /// One member's data, if the archive has it and it is at most `limit` bytes.
    public static func readMember(path: String, member: String, limit: Int) throws -> [UInt8]? {
        let reader = try ArchiveReader(path: path)
        while let entry = try reader.next() {
            if entry.path == member { return entry.size <= limit ? try reader.readData() : nil }
        }
        return nil
    }

    /// At most the first `count` bytes of the current entry's data.
    public func readData(upTo count: Int) throws -> [UInt8] {
        guard let archive else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes {
                archive_read_data(archive, $0.baseAddress! + filled, count - filled)
            }
            if got == 0 { break }
            if got < 0 { try check(Int32(got), "read_data", path: current?.path ?? path) }
            filled += got
        }
        return Array(buffer[0..<filled])
    }

    /// The current entry's data in memory; for small members such as control files.
    public func readData() throws -> [UInt8] {
        let sink = BufferSink()
        try readData(into: sink)
        return sink.bytes
    }

    /// Every entry header, in archive order.
    public static func list(path: String) throws -> [Entry] {
        let reader = try ArchiveReader(path: path)
        var entries: [Entry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }

    /// Every entry with its data; for tests and small archives.
    public static func readAll(path: String) throws -> [(entry: Entry, data: [UInt8])] {
        let reader = try ArchiveReader(path: path)
        var result: [(entry: Entry, data: [UInt8])] = []
        while let entry = try reader.next() {
            result.append((entry, try reader.readData()))
        }
        return result
    }

    /// Extracts the archive under `directory`, refusing entries that would escape it.
    public static func extract(path: String, to directory: String) throws {
        let reader = try ArchiveReader(path: path)
        guard let disk = archive_write_disk_new() else {
            throw ArchiveError.libarchive(operation: "archive_write_disk_new", path: directory, code: ARCHIVE_FATAL,
                                          message: "cannot allocate memory")
        }
        defer { archive_write_free(disk) }
        // Names are checked here and then prefixed with `directory`, so libarchive sees absolute paths.
        let flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT
            | ARCHIVE_EXTRACT_SECURE_SYMLINKS
        try archiveCheck(archive_write_disk_set_options(disk, flags), disk, "write_disk_set_options")
        guard let archive = reader.archive else { return }
        var entryPointer: OpaquePointer?
        while true {
            let rc = archive_read_next_header(archive, &entryPointer)
            if rc == ARCHIVE_EOF { break }
            try archiveCheck(rc, archive, "read_next_header", path: path)
            guard let e = entryPointer else { break }
            let name = String(cString: archive_entry_pathname(e))
            if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                throw ArchiveError.invalidEntry(path: name, reason: "refusing to extract outside \(directory)")
            }
            archive_entry_set_pathname(e, directory + "/" + name)
            if let link = archive_entry_hardlink(e) {
                archive_entry_set_hardlink(e, directory + "/" + String(cString: link))
            }
            try archiveCheck(archive_write_header(disk, e), disk, "extract", path: name)
            var block: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            while true {
                let r = archive_read_data_block(archive, &block, &size, &offset)
                if r == ARCHIVE_EOF { break }
                try archiveCheck(r, archive, "read_data_block", path: name)
                let w = archive_write_data_block(disk, block, size, offset)
                if w < 0 { try archiveCheck(Int32(w), disk, "extract data", path: name) }
            }
            try archiveCheck(archive_write_finish_entry(disk), disk, "finish_entry", path: name)
        }
    }
}
