import Glibc

/// An output under its final name only once it is whole: written to a temporary file beside `path` and renamed
/// into place on `commit()`. Released without a commit, the temporary file is removed, so a failed or interrupted
/// build never leaves a half-written artifact under the name a user or a client would take. Artifacts, signatures,
/// keys and cached units are all written through it.
public final class OutputFile: ByteSink {
    public let path: String
    private let writer: FileWriter
    private var committed = false

    public init(path: String, permissions: mode_t = 0o644) throws {
        self.path = path
        var template = Array("\(Self.directory(of: path))/.\(Self.basename(of: path)).XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if descriptor < 0 {
            throw IOError("create a temporary file for", path: path, errno: errno, writing: true)
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(descriptor, permissions)
        writer = FileWriter(descriptor: descriptor, path: temporaryPath)
    }

    deinit {
        if !committed { unlink(writer.path) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writer.write(bytes)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws {
        try writer.close()
        try retryingSyscall("rename into place", path: path, writing: true) { rename(writer.path, path) }
        committed = true
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
