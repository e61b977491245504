import ByteIO
import Foundation
import Glibc

/// A folder a writer fills, such as an image layout. The caller chose where it is and places it under its final name
/// once whole; the writer only names files inside it.
public final class FolderOutput: @unchecked Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// A new file at `relative`, its folders made as needed.
    public func create(_ relative: String) throws -> FileWriter {
        let full = try place(relative)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        return try FileWriter(creating: full)
    }

    /// Moves a file inside the folder, replacing what `to` named.
    public func move(_ from: String, to: String) throws {
        let source = try place(from), target = try place(to)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try retryingSyscall("rename", path: target, writing: true) { rename(source, target) }
    }

    public func remove(_ relative: String) throws {
        let full = try place(relative)
        try retryingSyscall("unlink", path: full, writing: true) { unlink(full) }
    }

    /// Whether `relative` exists already.
    public func contains(_ relative: String) -> Bool {
        (try? place(relative)).map { FileManager.default.fileExists(atPath: $0) } ?? false
    }

    /// The full path of a file inside; a path that would leave the folder is refused.
    public func place(_ relative: String) throws -> String {
        guard !relative.hasPrefix("/"), !relative.split(separator: "/").contains("..") else {
            throw IOError("place '\(relative)' in", path: path, errno: EINVAL, writing: true)
        }
        return path + "/" + relative
    }
}
