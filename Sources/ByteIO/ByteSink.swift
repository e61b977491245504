import Crypto

/// Where a writer's bytes go. Writers stream into a sink and never choose a path themselves.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Collects everything in memory; for small outputs (headers, control members) and tests.
public final class BufferSink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Reserves room up front, so a large output is not copied as it grows.
    public init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }

    /// The bytes, handed over without a copy; the sink is left empty.
    public func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }
}

/// SHA-256 and size of bytes on their way to another sink, so a written file's digest costs no second read:
/// what a finished artifact, a compressed member or an rpm payload needs.
public final class SHA256Sink: ByteSink {
    private var hasher = SHA256()
    private let next: ByteSink
    public private(set) var size: UInt64 = 0

    public init(_ next: ByteSink) {
        self.next = next
    }

    /// Hashes on from `hasher`, for a digest over what came before these bytes as well.
    public init(_ next: ByteSink, continuing hasher: SHA256) {
        self.next = next
        self.hasher = hasher
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        size += UInt64(bytes.count)
        try next.write(bytes)
    }

    /// The running hash of everything written so far, for a signature to continue from: what it signs is hashed
    /// once, as it is written.
    public var state: SHA256 { hasher }

    /// SHA-256 of everything written so far, in lowercase hex.
    public var sha256Hex: String { Array(hasher.finalize()).hexString }

    /// What was written, as digests of the file it went to (no MD5: nothing lists such a file in md5sums).
    public var digests: FileDigests { FileDigests(size: size, sha256: Array(hasher.finalize()), md5: nil) }
}
