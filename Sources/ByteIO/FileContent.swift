import Foundation

/// The bytes of one regular file on disk, identified by its digests. Container writers refer to file
/// contents through this instead of copying them, so the block compressor can treat them as units.
public struct FileContent: Hashable, Sendable {
    public let path: String
    public let digests: FileDigests

    public init(path: String, digests: FileDigests) {
        self.path = path
        self.digests = digests
    }

    /// Measures and hashes the file at `path`, once per process: every artifact holding the same unchanged
    /// file gets the digests of the first read.
    public init(path: String) throws {
        self.init(path: path, digests: try DigestMemo.shared.digests(path: path))
    }

    public var size: UInt64 { digests.size }
}

extension FileContent {
    /// Streams the contents in chunks; throws if the file no longer has the size it was measured with.
    public func forEachChunk(offset: UInt64 = 0, length: UInt64? = nil,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let length = length ?? size - offset
        guard length > 0 else { return }
        try FileReader(path: path).forEachChunk(offset: offset, length: length, body)
    }
}

/// Digests of the files read so far, keyed by path and what stat says of the file (device, inode, size,
/// modification and change times), so an edited file is hashed again. Concurrent requests for one file wait for
/// the first reader.
final class DigestMemo: @unchecked Sendable {
    static let shared = DigestMemo()

    private let lock = NSLock()
    private var entries: [String: Promise<FileDigests>] = [:]

    func digests(path: String) throws -> FileDigests {
        var info = stat()
        guard stat(path, &info) == 0 else { return try FileDigests.compute(path: path) }
        let key = "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) "
            + "\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec) \(path)"
        let (entry, first) = lock.withLock { () -> (Promise<FileDigests>, Bool) in
            if let entry = entries[key] { return (entry, false) }
            let entry = Promise<FileDigests>()
            entries[key] = entry
            return (entry, true)
        }
        if first { entry.fulfil(Result { try FileDigests.compute(path: path) }) }
        return try entry.wait()
    }
}
