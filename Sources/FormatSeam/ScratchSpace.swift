import ByteIO
import Crypto
import Foundation
import Glibc

/// Where a writer keeps the files it needs while it writes (a deb's data member, whose size the ar header needs
/// first; an rpm's payload, which the header's digests cover). The caller decides where they live.
public protocol ScratchSpace: Sendable {
    /// A new, empty file; it is removed once released.
    func makeFile(named name: String) throws -> ScratchFile
}

/// A temporary file, hashed as it is written so that reading it back costs no second pass for its digest.
public final class ScratchFile: ByteSink {
    public let path: String
    private let writer: FileWriter
    private var hasher = SHA256()
    private var size: UInt64 = 0

    init(path: String) throws {
        self.path = path
        writer = try FileWriter(creating: path)
    }

    deinit { unlink(path) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        size += UInt64(bytes.count)
        try writer.write(bytes)
    }

    /// Closes the file and returns it as contents to put in an archive (SHA-256 only: no list holds its MD5).
    public func finish() throws -> FileContent {
        try writer.close()
        return FileContent(path: path, digests: FileDigests(size: size, sha256: Array(hasher.finalize()), md5: nil))
    }
}

/// Scratch files in one folder that the caller made and removes. Names get a counter in front, so two writers
/// asking for the same name never meet.
public final class ScratchFolder: ScratchSpace, @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var count = 0

    public init(path: String) {
        self.path = path
    }

    public func makeFile(named name: String) throws -> ScratchFile {
        let number = lock.withLock { () -> Int in
            count += 1
            return count
        }
        return try ScratchFile(path: "\(path)/\(number)-\(name)")
    }
}
