import Crypto

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
        try file.forEachChunk { try sink.write($0) }
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
        try file.forEachChunk {
            hasher.update(bufferPointer: $0)
            size += UInt64($0.count)
        }
    }

    /// SHA-256 of everything passed through so far, in lowercase hex.
    public var sha256Hex: String { Array(hasher.finalize()).hexString }
}

