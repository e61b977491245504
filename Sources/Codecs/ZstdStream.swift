import ByteIO
import CZstdShim

/// libzstd frames with a content checksum, as the zstd CLI writes them.
public final class ZstdEncoder: StreamCodec {
    private var context: OpaquePointer?
    private let output = OutputBuffer()
    private var sink: ByteSink
    private let level: Int

    public init(level: Int, sink: ByteSink, pledgedSize: UInt64? = nil) throws {
        self.sink = sink
        self.level = level
        guard let context = ZSTD_createCCtx() else {
            throw CompressionError(library: .libzstd, operation: "ZSTD_createCCtx", code: 0,
                                   message: "cannot allocate memory")
        }
        self.context = context
        try configure(pledgedSize: pledgedSize)
    }

    deinit { close() }

    public var isClosed: Bool { context == nil }

    /// Starts a new frame into `sink`, reusing the allocated context.
    public func restart(into sink: ByteSink, pledgedSize: UInt64?) throws {
        guard let context else { throw ClosedStreamError(codec: "zstd") }
        self.sink = sink
        try zstdCheck(ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters), "ZSTD_CCtx_reset")
        try configure(pledgedSize: pledgedSize)
    }

    private func configure(pledgedSize: UInt64?) throws {
        try zstdCheck(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), "ZSTD_c_compressionLevel")
        try zstdCheck(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "ZSTD_c_checksumFlag")
        if let pledgedSize {
            try zstdCheck(ZSTD_CCtx_setPledgedSrcSize(context, pledgedSize), "ZSTD_CCtx_setPledgedSrcSize")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try run(bytes, directive: ZSTD_e_continue)
    }

    public func finish() throws {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_end)
    }

    public func close() {
        guard let context else { return }
        ZSTD_freeCCtx(context)
        self.context = nil
    }

    private func run(_ bytes: UnsafeRawBufferPointer, directive: ZSTD_EndDirective) throws {
        guard let context else { throw ClosedStreamError(codec: "zstd") }
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while true {
            var out = ZSTD_outBuffer(dst: output.base, size: OutputBuffer.size, pos: 0)
            let remaining = try zstdCheck(ZSTD_compressStream2(context, &out, &input, directive), "ZSTD_compressStream2")
            try output.drain(out.pos, to: sink)
            if directive == ZSTD_e_end ? remaining == 0 : input.pos == input.size { return }
        }
    }
}

/// Decodes zstd data, frame after frame.
public final class ZstdDecoder: StreamCodec {
    private var context: OpaquePointer?
    private let output = OutputBuffer()
    private let sink: ByteSink
    /// The last hint from ZSTD_decompressStream: 0 means a frame just ended.
    private var pending = 0

    public init(sink: ByteSink) throws {
        self.sink = sink
        guard let context = ZSTD_createDCtx() else {
            throw CompressionError(library: .libzstd, operation: "ZSTD_createDCtx", code: 0,
                                   message: "cannot allocate memory")
        }
        self.context = context
    }

    deinit { close() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let context else { throw ClosedStreamError(codec: "zstd") }
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        var outputFull = false
        // Run until the input is consumed and the decoder no longer fills the whole output buffer.
        while input.pos < input.size || outputFull {
            var out = ZSTD_outBuffer(dst: output.base, size: OutputBuffer.size, pos: 0)
            let consumedBefore = input.pos
            let hint = try zstdCheck(ZSTD_decompressStream(context, &out, &input), "ZSTD_decompressStream")
            try output.drain(out.pos, to: sink)
            if input.pos > consumedBefore || out.pos > 0 { pending = hint }
            outputFull = out.pos == out.size
        }
    }

    public func finish() throws {
        guard context != nil else { throw ClosedStreamError(codec: "zstd") }
        if pending != 0 {
            throw CompressionError(library: .libzstd, operation: "ZSTD_decompressStream", code: 0,
                                   message: "the zstd stream is truncated")
        }
    }

    public func close() {
        guard let context else { return }
        ZSTD_freeDCtx(context)
        self.context = nil
    }
}
