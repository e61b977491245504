import ByteIO
import Foundation
import Glibc

/// An output under its final name only once it is whole: written to a temporary file beside `path` and renamed
/// into place on `commit()`. Released without a commit, the temporary file is removed, so a failed or interrupted
/// build never leaves a half-written artifact under the name a user or a client would take.
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

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// An output folder under its final name only once it is whole: filled under a temporary name beside it and renamed
/// into place on `commit()`, replacing an earlier one; released without a commit, the temporary folder is removed.
final class OutputFolder {
    let path: String
    let temporaryPath: String
    private var committed = false

    init(path: String) throws {
        self.path = path
        var template = Array("\(OutputFile.directory(of: path))/.\(OutputFile.basename(of: path)).XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw IOError("create a temporary folder for", path: path, errno: errno, writing: true)
        }
        temporaryPath = String(cString: created)
        chmod(temporaryPath, 0o755)
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    /// Renames the folder into place. An earlier folder of that name is moved aside first and removed after, so the
    /// name holds one whole folder or the other at every moment but the instant between two renames.
    func commit() throws {
        var aside: String?
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            let old = temporaryPath + ".old"
            try retryingSyscall("move the earlier folder aside", path: path, writing: true) { rename(path, old) }
            aside = old
        }
        try retryingSyscall("rename into place", path: path, writing: true) { rename(temporaryPath, path) }
        committed = true
        if let aside { try? FileManager.default.removeItem(atPath: aside) }
    }
}
