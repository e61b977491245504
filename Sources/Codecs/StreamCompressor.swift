import ByteIO

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
        try file.forEachChunk { try encoder.write($0) }
    }

    public func finish() throws {
        try encoder.finish()
        encoder.close()
    }
}
