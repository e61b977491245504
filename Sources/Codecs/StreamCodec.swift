import ByteIO

/// A compressor or decompressor: bytes written in are transformed into its output sink.
/// `finish()` flushes and ends the stream; `close()` frees the C handle and is idempotent.
public protocol StreamCodec: ByteSink {
    func finish() throws
    func close()
}

/// Compressed streams from uncompressed bytes.
public enum Encoders {
    /// An encoder for `codec` writing one stream to `sink`. `pledgedSize`, when known, lets zstd record the
    /// content size in the frame header.
    public static func make(_ codec: Codec, sink: ByteSink, pledgedSize: UInt64? = nil) throws -> StreamCodec {
        switch codec {
        case .gzip(let level): try GzipEncoder(level: level, sink: sink)
        case .xz(let preset, let extreme): try XZEncoder(preset: preset, extreme: extreme, sink: sink)
        case .zstd(let level): try ZstdEncoder(level: level, sink: sink, pledgedSize: pledgedSize)
        }
    }
}

extension Encoders {
    /// `bytes` compressed whole as one stream of `codec`: small generated files (a gzipped manual page or changelog).
    public static func compress(_ bytes: [UInt8], _ codec: Codec) throws -> [UInt8] {
        let output = BufferSink()
        let encoder = try make(codec, sink: output)
        try encoder.write(bytes)
        try encoder.finish()
        return output.bytes
    }
}

/// Uncompressed bytes from compressed streams; each accepts concatenated members, blocks or frames.
public enum Decoders {
    public static func make(_ codec: Codec, sink: ByteSink) throws -> StreamCodec {
        switch codec {
        case .gzip: try GzipDecoder(sink: sink)
        case .xz: try XZDecoder(sink: sink)
        case .zstd: try ZstdDecoder(sink: sink)
        }
    }
}

/// A fixed output buffer that a codec fills and drains into a sink.
final class OutputBuffer {
    static let size = 1 << 20
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: OutputBuffer.size, alignment: 16)

    deinit { storage.deallocate() }

    var base: UnsafeMutablePointer<UInt8> { storage.baseAddress!.assumingMemoryBound(to: UInt8.self) }

    func drain(_ count: Int, to sink: ByteSink) throws {
        guard count > 0 else { return }
        try sink.write(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }
}

/// Raised when a codec is used after `finish()` or `close()`.
struct ClosedStreamError: Error, CustomStringConvertible {
    let codec: String
    var description: String { "\(codec) stream used after it was finished or closed" }
}

/// A compressed buffer decoded piece by piece as a reader asks for more, so a reader that finds what it wants
/// early leaves the rest undecoded: the control file of a deb comes before its scripts and file list.
public final class PieceDecoder {
    private let compressed: [UInt8]
    private var offset = 0
    /// nil for bytes handed over as they are.
    private let decoder: StreamCodec?
    private let sink = BufferSink()
    private var finished = false
    private var piece = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    /// Compressed input handed to the decoder at a time.
    static let step = 1024

    /// - Parameter codec: nil when `compressed` is not compressed (or in a form the reader detects itself): it is
    ///   handed over whole, once.
    public init(_ compressed: [UInt8], codec: Codec?) throws {
        self.compressed = compressed
        let sink = self.sink
        decoder = try codec.map { try Decoders.make($0, sink: sink) }
    }

    deinit {
        piece.deallocate()
        decoder?.close()
    }

    /// The next decoded bytes, valid until the next call; empty at the end.
    public func next() throws -> UnsafeRawBufferPointer {
        while sink.bytes.isEmpty && !finished {
            guard let decoder else {
                try compressed.withUnsafeBytes { try sink.write($0) }
                finished = true
                break
            }
            if offset < compressed.count {
                let end = min(offset + Self.step, compressed.count)
                try compressed[offset..<end].withUnsafeBytes { try decoder.write($0) }
                offset = end
            } else {
                try decoder.finish()
                finished = true
            }
        }
        let bytes = sink.take()
        if bytes.count > piece.count {
            piece.deallocate()
            piece = .allocate(byteCount: bytes.count, alignment: 16)
        }
        piece.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: piece[0..<bytes.count])
    }
}
