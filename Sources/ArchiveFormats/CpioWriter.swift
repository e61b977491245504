import ByteIO

/// SVR4 "newc" cpio as rpm writes its payload (`lib/cpio.c`): `070701`, thirteen 8-digit lowercase hex fields,
/// the NUL-terminated name, padding to 4, the data, padding to 4, and a `TRAILER!!!` entry. A symlink's data
/// is its target. Files of 4 GiB or more do not fit the 8-digit size field; rpm then writes every entry in the
/// stripped `07070X` form, which carries only the file's index into the package header.
public final class CpioWriter {
    public enum Format: Sendable {
        case newc
        /// rpm's large-file form: entries are `07070X` plus the header index; metadata lives in the rpm header.
        case stripped
    }

    public static let maximumNewcFileSize: UInt64 = 0xFFFF_FFFF

    public let format: Format
    public let namePrefix: String
    private let sink: SegmentSink
    private var offset: UInt64 = 0
    private var nextInode: UInt32 = 1
    private var finished = false

    /// - Parameter namePrefix: prepended to every entry path; rpm expects `./`.
    public init(sink: SegmentSink, format: Format = .newc, namePrefix: String = "./") {
        self.sink = sink
        self.format = format
        self.namePrefix = namePrefix
    }

    /// Appends a newc entry. Inodes count up from 1 unless given; an entry whose data belongs to a later
    /// member of a hardlink set passes `withData: false`, as rpm does.
    public func add(_ entry: ArchiveEntry, inode: UInt32? = nil, nlink: UInt32 = 1, withData: Bool = true) throws {
        precondition(format == .newc, "use addStripped(index:data:) for the stripped form")
        if case .hardlink = entry.type {
            throw ArchiveError.unsupported(format: "cpio newc", path: entry.path,
                                           reason: "hard links are regular entries sharing an inode (pass inode:)")
        }
        let data = entryData(entry)
        let size = withData ? data.size : 0
        guard size <= Self.maximumNewcFileSize else {
            throw ArchiveError.unsupported(format: "cpio newc", path: entry.path,
                                           reason: "files of 4 GiB or more need the stripped 07070X form")
        }
        let ino = inode ?? nextInode
        nextInode = max(nextInode, ino + 1)
        let name = namePrefix + entry.path
        let header = Self.newcHeader(
            inode: ino, mode: entry.mode, uid: entry.owner.uid, gid: entry.owner.gid, nlink: nlink,
            mtime: UInt32(truncatingIfNeeded: entry.mtime), fileSize: UInt32(size), name: name)
        try emit(header)
        try pad()
        if withData { try emit(data) }
        try pad()
    }

    /// Appends a stripped entry: `07070X`, the 8-digit hex index of the file in the rpm header, padding, data.
    public func addStripped(index: Int, data: ArchiveEntry.Contents?) throws {
        precondition(format == .stripped, "addStripped needs the stripped format")
        var header = Array("07070X".utf8)
        header += Self.hex(UInt32(index))
        try emit(.bytes(header))
        try pad()
        if let data { try emit(data) }
        try pad()
    }

    /// Writes the trailer entry. Returns the archive's total size (rpm's PAYLOADSIZE).
    @discardableResult
    public func finish() throws -> UInt64 {
        precondition(!finished, "cpio archive finished twice")
        finished = true
        let trailer = Self.newcHeader(
            inode: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, fileSize: 0, name: "TRAILER!!!")
        try emit(trailer)
        try pad()
        return offset
    }

    /// Header and name of one newc entry, without padding.
    public static func newcHeader(
        inode: UInt32, mode: UInt32, uid: UInt32, gid: UInt32, nlink: UInt32, mtime: UInt32, fileSize: UInt32,
        name: String
    ) -> ArchiveEntry.Contents {
        var bytes = Array("070701".utf8)
        let nameBytes = Array(name.utf8)
        // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
        for value in [inode, mode, uid, gid, nlink, mtime, fileSize, 0, 0, 0, 0, UInt32(nameBytes.count + 1), 0] {
            bytes += hex(value)
        }
        bytes += nameBytes
        bytes.append(0)
        return .bytes(bytes)
    }

    static func hex(_ value: UInt32) -> [UInt8] {
        let digits = Array(String(value, radix: 16).utf8)
        return Array(repeating: UInt8(ascii: "0"), count: 8 - digits.count) + digits
    }

    private func entryData(_ entry: ArchiveEntry) -> ArchiveEntry.Contents {
        switch entry.type {
        case .regular(let contents): contents
        case .symlink(let target): .bytes(Array(target.utf8))
        case .directory, .hardlink: .bytes([])
        }
    }

    private func emit(_ contents: ArchiveEntry.Contents) throws {
        switch contents {
        case .bytes(let bytes): try sink.literal(bytes)
        case .file(let file): try sink.content(file)
        }
        offset += contents.size
    }

    private func pad() throws {
        let count = Int((4 - offset % 4) % 4)
        if count > 0 { try emit(.bytes([UInt8](repeating: 0, count: count))) }
    }
}
