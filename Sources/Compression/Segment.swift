import Foundation
import Crypto

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

/// What a container writer emits: literal bytes (headers, padding, generated files) and file contents.
public protocol SegmentSink: AnyObject {
    func literal(_ bytes: UnsafeRawBufferPointer) throws
    func content(_ file: FileContent) throws
}

extension SegmentSink {
    public func literal(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try literal($0) }
    }
}

/// Streams file contents in chunks; throws if the file no longer has the size it was measured with.
func forEachChunk(of file: FileContent, offset: UInt64 = 0, length: UInt64? = nil,
                  _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
    let length = length ?? file.size - offset
    guard length > 0 else { return }
    try FileReader(path: file.path).forEachChunk(offset: offset, length: length, body)
}

/// Segments written out as plain bytes: the container without compression (an ar archive, a tar to inspect).
public final class PlainSegmentSink: SegmentSink {
    private let sink: ByteSink

    public init(_ sink: ByteSink) {
        self.sink = sink
    }

    public func literal(_ bytes: UnsafeRawBufferPointer) throws {
        try sink.write(bytes)
    }

    public func content(_ file: FileContent) throws {
        try forEachChunk(of: file) { try sink.write($0) }
    }
}

/// Segments compressed as one ordinary stream (a single gzip member, xz block or zstd frame), for readers
/// that accept nothing else, such as dpkg for a deb's zstd member.
public final class StreamCompressor: SegmentSink {
    private let encoder: StreamCodec

    public init(codec: Codec, sink: ByteSink) throws {
        encoder = try Encoders.make(codec, sink: sink)
    }

    public func literal(_ bytes: UnsafeRawBufferPointer) throws {
        try encoder.write(bytes)
    }

    public func content(_ file: FileContent) throws {
        try forEachChunk(of: file) { try encoder.write($0) }
    }

    public func finish() throws {
        try encoder.finish()
        encoder.close()
    }
}

/// Hashes the bytes of a segment stream (SHA-256) and counts them on the way to another segment sink.
/// File contents are read once more for the digest: the next sink may never read them (a unit cache). They
/// are handed on first, so the read overlaps the compression of the file's units.
public final class HashingSegmentSink: SegmentSink {
    private let next: SegmentSink
    private var hasher = SHA256()
    public private(set) var size: UInt64 = 0

    public init(_ next: SegmentSink) {
        self.next = next
    }

    public func literal(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        size += UInt64(bytes.count)
        try next.literal(bytes)
    }

    public func content(_ file: FileContent) throws {
        try next.content(file)
        try forEachChunk(of: file) {
            hasher.update(bufferPointer: $0)
            size += UInt64($0.count)
        }
    }

    /// SHA-256 of everything passed through so far, in lowercase hex.
    public var sha256Hex: String { Array(hasher.finalize()).hexString }
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
