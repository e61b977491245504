import CLZMAShim

/// Owns one `lzma_stream` and runs `lzma_code` over input, draining output into a sink.
final class LZMAHandle {
    private(set) var stream: UnsafeMutablePointer<lzma_stream>?
    let output = OutputBuffer()

    init() {
        let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
        stream.initialize(to: fp_lzma_stream_init())
        stream.pointee.allocator = UnsafePointer(HugePages.lzmaAllocator)
        self.stream = stream
    }

    deinit { close() }

    func close() {
        guard let stream else { return }
        lzma_end(stream)
        stream.deallocate()
        self.stream = nil
    }

    /// Feeds `bytes`; with `LZMA_FINISH` runs until the stream ends.
    func code(_ bytes: UnsafeRawBufferPointer, action: lzma_action, into sink: ByteSink, operation: String) throws {
        guard let stream else { throw ClosedStreamError(codec: "xz") }
        stream.pointee.next_in = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = bytes.count
        defer { stream.pointee.next_in = nil }
        while true {
            stream.pointee.next_out = output.base
            stream.pointee.avail_out = OutputBuffer.size
            let ret = try lzmaCheck(lzma_code(stream, action), operation, accept: [LZMA_OK, LZMA_STREAM_END])
            try output.drain(OutputBuffer.size - stream.pointee.avail_out, to: sink)
            if ret == LZMA_STREAM_END { return }
            if action == LZMA_RUN && stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return }
        }
    }
}

/// The xz CLI's format: one .xz stream, LZMA2 with the preset's options, CRC64 check.
public final class XZEncoder: StreamCodec {
    private let handle = LZMAHandle()
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
    private let handle = LZMAHandle()
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
