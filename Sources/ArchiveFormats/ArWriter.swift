import ByteIO

/// The Unix ar format as dpkg reads it (`lib/dpkg/ar.c`): the `!<arch>\n` magic, then for each member a
/// 60-byte ASCII header, the data, and a `\n` pad byte after odd-sized data. No long-name table: names are
/// 1-15 printable ASCII bytes, which covers every member of a deb.
public final class ArWriter {
    public static let magic = Array("!<arch>\n".utf8)

    public enum Data {
        case bytes([UInt8])
        case file(FileContent)

        var size: UInt64 {
            switch self {
            case .bytes(let bytes): UInt64(bytes.count)
            case .file(let file): file.size
            }
        }
    }

    private let sink: SegmentSink

    /// Starts the archive: writes the magic.
    public init(sink: SegmentSink) throws {
        self.sink = sink
        try sink.literal(Self.magic)
    }

    public func add(name: String, data: Data, mtime: Int64, mode: UInt32 = 0o100644, uid: UInt32 = 0, gid: UInt32 = 0) throws {
        try sink.literal(Self.header(name: name, size: data.size, mtime: mtime, mode: mode, uid: uid, gid: gid))
        switch data {
        case .bytes(let bytes): try sink.literal(bytes)
        case .file(let file): try sink.content(file)
        }
        if data.size % 2 == 1 {
            try sink.literal([0x0A])
        }
    }

    /// The 60-byte member header: name, mtime, uid, gid (decimal), mode (octal), size (decimal), "`\n".
    public static func header(name: String, size: UInt64, mtime: Int64, mode: UInt32, uid: UInt32, gid: UInt32) throws -> [UInt8] {
        let nameBytes = Array(name.utf8)
        guard (1...15).contains(nameBytes.count), nameBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x2F }) else {
            throw ArchiveError.invalidEntry(path: name, reason: "ar member names are 1-15 printable ASCII bytes without '/'")
        }
        var header: [UInt8] = []
        header.reserveCapacity(60)
        func field(_ text: String, width: Int) throws {
            let bytes = Array(text.utf8)
            guard bytes.count <= width else {
                throw ArchiveError.invalidEntry(path: name, reason: "ar header field '\(text)' exceeds \(width) bytes")
            }
            header += bytes
            header += repeatElement(0x20, count: width - bytes.count)
        }
        guard mtime >= 0 else {
            throw ArchiveError.invalidEntry(path: name, reason: "ar cannot store a negative mtime")
        }
        try field(name, width: 16)
        try field(String(mtime), width: 12)
        try field(String(uid), width: 6)
        try field(String(gid), width: 6)
        try field(String(mode, radix: 8), width: 8)
        try field(String(size), width: 10)
        header += [0x60, 0x0A]
        return header
    }
}
