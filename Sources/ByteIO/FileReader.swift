import Glibc

/// Reads a file in chunks through one reusable buffer, so memory stays bounded whatever the file's size.
public final class FileReader {
    public static let chunkSize = 1 << 20

    public let path: String
    /// The file's size when it was opened.
    public let size: UInt64
    private var fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer

    public init(path: String) throws {
        self.path = path
        fd = try retryingSyscall("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        // No larger than the file: a publish reads thousands of small files, and a 1 MiB buffer each is that
        // much memory to map, fault in and give back.
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = IOError("stat", path: path, errno: errno)
            close(fd)
            throw error
        }
        size = UInt64(info.st_size)
        buffer = .allocate(byteCount: min(FileReader.chunkSize, max(Int(info.st_size), 4096)), alignment: 16)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Calls `body` with consecutive chunks of `length` bytes starting at `offset`.
    /// Throws if the file is shorter than asked: it changed since it was measured.
    public func forEachChunk(
        offset: UInt64 = 0, length: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var position = offset
        var remaining = length
        while remaining > 0 {
            let want = Int(min(UInt64(buffer.count), remaining))
            let got = try retryingSyscall("read", path: path) {
                pread(fd, buffer.baseAddress, want, off_t(position))
            }
            if got == 0 {
                throw IOError("read (file shrank while packaging)", path: path, errno: EIO)
            }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            position += UInt64(got)
            remaining -= UInt64(got)
        }
    }

    /// The chunk at `offset`, empty at the end of the file; valid until the next read.
    public func chunk(at offset: UInt64) throws -> UnsafeRawBufferPointer {
        let got = try retryingSyscall("read", path: path) { pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
        return UnsafeRawBufferPointer(rebasing: buffer[0..<got])
    }

    /// `count` bytes at `offset`, or fewer where the file ends first; read straight into the array returned. No
    /// more is allocated than the file held when opened, whatever a length field in it asks for.
    public func bytes(at offset: UInt64, count: Int) throws -> [UInt8] {
        let count = offset >= size ? 0 : Int(min(UInt64(max(count, 0)), size - offset))
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try out.withUnsafeMutableBytes { raw in
                try retryingSyscall("read", path: path) {
                    pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                }
            }
            if got == 0 { break }
            filled += got
        }
        out.removeSubrange(filled...)
        return out
    }

    /// The whole of a small file, or nil when it cannot be read: one open, fstat and read, for the signatures and
    /// lists a publish reads by the thousand. Files over `limit` bytes are refused.
    public static func contents(of path: String, limit: Int = 64 << 20) -> [UInt8]? {
        guard let reader = try? FileReader(path: path), reader.size <= UInt64(limit),
              let bytes = try? reader.bytes(at: 0, count: Int(reader.size)) else { return nil }
        return bytes
    }

    /// The first `count` bytes, or the whole file if it is shorter.
    public func prefix(_ count: Int) throws -> [UInt8] {
        let want = min(count, buffer.count)
        let got = try retryingSyscall("read", path: path) { pread(fd, buffer.baseAddress, want, 0) }
        return Array(buffer[0..<got])
    }

    /// The whole file, chunk by chunk, until end of file.
    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var position: UInt64 = 0
        while true {
            let got = try retryingSyscall("read", path: path) {
                pread(fd, buffer.baseAddress, buffer.count, off_t(position))
            }
            if got == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            position += UInt64(got)
        }
    }
}
