import CArchiveShim
import ByteIO
import Glibc

/// Tar through libarchive. GNU format for deb members (dpkg's own reader rejects pax headers), restricted
/// pax for tarballs. libarchive writes headers and padding; file contents bypass it and go to the sink as
/// content segments, so the block compressor sees each file whole and nothing is copied twice.
public final class TarWriter {
    public enum Format: Sendable {
        /// `ustar  \0` with `././@LongLink` records: what dpkg-deb writes.
        case gnu
        /// ustar with pax extended headers only where needed (long or non-ASCII names).
        case pax
    }

    private var archive: OpaquePointer?
    private let sink: SegmentSink
    public let namePrefix: String
    /// While true, the write callback drops bytes: they are file contents already sent as a segment.
    private var passingContent = false
    private var passedBytes: UInt64 = 0
    private var callbackError: Error?

    private static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    /// libarchive 3.6 converts names through the C library's locale: in the C locale it drops or mangles
    /// non-ASCII names. Set once per process, before the first archive.
    static let ensureUTF8Locale: Bool = setlocale(LC_CTYPE, "C.UTF-8") != nil

    /// - Parameter namePrefix: prepended to every path; dpkg's convention is `./`, a tarball's is its top directory.
    public init(sink: SegmentSink, format: Format, namePrefix: String = "./") throws {
        _ = Self.ensureUTF8Locale
        self.sink = sink
        self.namePrefix = namePrefix
        guard let archive = archive_write_new() else {
            throw ArchiveError.libarchive(operation: "archive_write_new", path: nil, code: ARCHIVE_FATAL,
                                          message: "cannot allocate memory")
        }
        self.archive = archive
        switch format {
        case .gnu: try archiveCheck(archive_write_set_format_gnutar(archive), archive, "set_format_gnutar")
        case .pax: try archiveCheck(archive_write_set_format_pax_restricted(archive), archive, "set_format_pax_restricted")
        }
        // Unbuffered: every header, data and padding write reaches the callback at once, in order.
        try archiveCheck(archive_write_set_bytes_per_block(archive, 0), archive, "set_bytes_per_block")
        let client = Unmanaged.passUnretained(self).toOpaque()
        try archiveCheck(archive_write_open2(archive, client, nil, { _, client, buffer, length in
            let writer = Unmanaged<TarWriter>.fromOpaque(client!).takeUnretainedValue()
            return writer.receive(buffer, length)
        }, nil, nil), archive, "archive_write_open2")
    }

    deinit { close() }

    /// Frees the libarchive handle without finishing the archive. Idempotent.
    public func close() {
        guard let archive else { return }
        archive_write_free(archive)
        self.archive = nil
    }

    public var isClosed: Bool { archive == nil }

    public func add(_ entry: ArchiveEntry) throws {
        guard let archive else { throw ArchiveError.invalidEntry(path: entry.path, reason: "tar writer is closed") }
        let name = namePrefix + entry.path
        guard let e = archive_entry_new() else {
            throw ArchiveError.libarchive(operation: "archive_entry_new", path: name, code: ARCHIVE_FATAL,
                                          message: "cannot allocate memory")
        }
        defer { archive_entry_free(e) }
        archive_entry_set_pathname_utf8(e, entry.type == .directory && !name.hasSuffix("/") ? name + "/" : name)
        archive_entry_set_perm(e, mode_t(entry.permissions))
        archive_entry_set_uid(e, la_int64_t(entry.owner.uid))
        archive_entry_set_gid(e, la_int64_t(entry.owner.gid))
        archive_entry_set_uname_utf8(e, entry.owner.user)
        archive_entry_set_gname_utf8(e, entry.owner.group)
        archive_entry_set_mtime(e, time_t(entry.mtime), 0)
        switch entry.type {
        case .regular(let contents):
            archive_entry_set_filetype(e, fp_AE_IFREG)
            archive_entry_set_size(e, la_int64_t(contents.size))
        case .directory:
            archive_entry_set_filetype(e, fp_AE_IFDIR)
            archive_entry_set_size(e, 0)
        case .symlink(let target):
            archive_entry_set_filetype(e, fp_AE_IFLNK)
            archive_entry_set_symlink_utf8(e, target)
            archive_entry_set_size(e, 0)
        case .hardlink(let target):
            archive_entry_set_filetype(e, fp_AE_IFREG)
            archive_entry_set_hardlink_utf8(e, namePrefix + target)
            archive_entry_set_size(e, 0)
        }
        try call(archive_write_header(archive, e), "archive_write_header", name)
        if case .regular(let contents) = entry.type {
            try writeData(contents, name: name)
        }
    }

    /// Writes the end-of-archive blocks and frees the handle.
    public func finish() throws {
        guard let archive else { return }
        try call(archive_write_close(archive), "archive_write_close", nil)
        close()
    }

    private func writeData(_ contents: ArchiveEntry.Contents, name: String) throws {
        guard let archive else { return }
        switch contents {
        case .bytes(let bytes):
            try bytes.withUnsafeBytes { buffer in
                let written = archive_write_data(archive, buffer.baseAddress, buffer.count)
                try checkWritten(written, expected: buffer.count, name)
            }
        case .file(let file):
            guard file.size > 0 else { return }
            // libarchive counts the bytes and pads the entry; the callback drops them and the contents
            // go to the sink as one segment instead.
            passingContent = true
            passedBytes = 0
            defer { passingContent = false }
            var remaining = file.size
            while remaining > 0 {
                let count = Int(min(remaining, UInt64(Self.zeros.count)))
                let written = Self.zeros.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, count) }
                try checkWritten(written, expected: count, name)
                remaining -= UInt64(count)
            }
            guard passedBytes == file.size else {
                throw ArchiveError.libarchive(operation: "archive_write_data", path: name, code: ARCHIVE_FATAL,
                                              message: "libarchive buffered file data; expected unbuffered writes")
            }
            passingContent = false
            try sink.content(file)
        }
    }

    private func checkWritten(_ written: la_ssize_t, expected: Int, _ name: String) throws {
        if let callbackError { throw callbackError }
        if written != expected {
            try archiveCheck(written < 0 ? Int32(written) : ARCHIVE_FATAL, archive, "archive_write_data", path: name)
        }
    }

    private func call(_ rc: Int32, _ operation: String, _ name: String?) throws {
        if let callbackError { throw callbackError }
        try archiveCheck(rc, archive, operation, path: name)
    }

    private func receive(_ buffer: UnsafeRawPointer?, _ length: Int) -> la_ssize_t {
        if passingContent {
            passedBytes += UInt64(length)
            return la_ssize_t(length)
        }
        do {
            try sink.literal(UnsafeRawBufferPointer(start: buffer, count: length))
            return la_ssize_t(length)
        } catch {
            callbackError = error
            return -1
        }
    }
}
