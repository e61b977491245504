import Glibc

/// Writes a new file through a 1 MiB buffer. It never chooses where: callers that place outputs (the pipeline's
/// temporary-then-rename output files, a writer's scratch files) hand it the path.
public final class FileWriter: ByteSink {
    public let path: String
    private var fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var buffered = 0

    /// Creates `path`, which must not exist yet.
    public convenience init(creating path: String, permissions: mode_t = 0o644) throws {
        let fd = try retryingSyscall("create", path: path, writing: true) {
            open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        }
        self.init(descriptor: fd, path: path)
    }

    /// Takes over an open descriptor, such as one from `mkstemp`.
    public init(descriptor: Int32, path: String) {
        fd = descriptor
        self.path = path
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
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

    /// Flushes and closes the file; a close that fails (a full disk on NFS, say) is an error, not a lost write.
    public func close() throws {
        guard fd >= 0 else { return }
        try flush()
        let descriptor = fd
        fd = -1
        if Glibc.close(descriptor) != 0 {
            throw IOError("close", path: path, errno: errno, writing: true)
        }
    }

    private func flush() throws {
        guard buffered > 0 else { return }
        try writeFully(UnsafeRawBufferPointer(rebasing: buffer[0..<buffered]))
        buffered = 0
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try retryingSyscall("write", path: path, writing: true) {
                Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            }
            offset += written
        }
    }
}
