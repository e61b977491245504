import ByteIO
import CLZMAShim

/// The xz CLI's format: one .xz stream, LZMA2 with the preset's options, CRC64 check.
public final class XZEncoder: StreamCodec {
    private let handle = LZMAHandle(hugePages: true)
    private let sink: ByteSink

    public init(preset: Int, extreme: Bool, sink: ByteSink) throws {
        self.sink = sink
        let flags = UInt32(preset) | (extreme ? fp_LZMA_PRESET_EXTREME : 0)
        try lzmaCheck(lzma_easy_encoder(handle.stream, flags, LZMA_CHECK_CRC64), "lzma_easy_encoder")
    }

    public var isClosed: Bool { handle.stream == nil }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try handle.code(bytes, action: LZMA_RUN, into: sink, operation: "lzma_code")
    }

    public func finish() throws {
        try handle.code(UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH, into: sink,
                        operation: "lzma_code")
    }

    public func close() { handle.close() }
}

/// Decodes .xz data, including several concatenated streams.
public final class XZDecoder: StreamCodec {
    private let handle = LZMAHandle(hugePages: false)
    private let sink: ByteSink

    public init(sink: ByteSink) throws {
        self.sink = sink
        try lzmaCheck(lzma_stream_decoder(handle.stream, UInt64.max, fp_LZMA_CONCATENATED), "lzma_stream_decoder")
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try handle.code(bytes, action: LZMA_RUN, into: sink, operation: "lzma_code (decode)")
    }

    public func finish() throws {
        try handle.code(UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH, into: sink,
                        operation: "lzma_code (decode)")
    }

    public func close() { handle.close() }
}
