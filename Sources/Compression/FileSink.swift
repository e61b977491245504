import Glibc

/// Writes to a temporary file beside `path` and renames it into place on `commit()`, so a failed build
/// never leaves a half-written file under the final name. Without a commit, the temporary file is removed.
public final class FileSink: ByteSink {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0
    private var committed = false

    public init(path: String, mode: mode_t = 0o644) throws {
        self.path = path
        var template = Array("\(FileSink.directory(of: path))/.\(FileSink.basename(of: path)).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        if descriptor < 0 {
            throw IOError("create a temporary file for", path: path, errno: errno)
        }
        fd = descriptor
        temporaryPath = tempPath
        fchmod(fd, mode)
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
        buffer.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffered + bytes.count > buffer.count {
            try flush()
        }
        if bytes.count >= buffer.count {
            try writeFully(bytes)
        } else if bytes.count > 0 {
            (buffer.baseAddress! + buffered).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            buffered += bytes.count
        }
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        try flush()
        let descriptor = fd
        fd = -1
        if close(descriptor) != 0 {
            throw IOError("close", path: temporaryPath, errno: errno)
        }
        if rename(temporaryPath, path) != 0 {
            throw IOError("rename into place", path: path, errno: errno)
        }
        committed = true
    }

    private func flush() throws {
        guard buffered > 0 else { return }
        try writeFully(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]))
        buffered = 0
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try retryingSyscall("write", path: temporaryPath) {
                Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += written
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
