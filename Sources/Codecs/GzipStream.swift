import ByteIO
import CZlibShim

/// zlib deflate in gzip framing. The header is fixed for reproducibility: MTIME 0, OS 3 (Unix), no name.
public final class GzipEncoder: StreamCodec {
    private var stream: UnsafeMutablePointer<z_stream>?
    private let header: UnsafeMutablePointer<gz_header>
    private let output = OutputBuffer()
    private var sink: ByteSink

    public init(level: Int, sink: ByteSink) throws {
        self.sink = sink
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        header = .allocate(capacity: 1)
        header.initialize(to: gz_header())
        // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's and gzip's default.
        let rc = fp_deflateInit2(stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        if rc != Z_OK {
            // deinit still runs and releases `header`.
            stream.deallocate()
            try zlibCheck(rc, nil, "deflateInit2")
        }
        self.stream = stream
        try setHeader()
    }

    deinit {
        close()
        header.deallocate()
    }

    public var isClosed: Bool { stream == nil }

    /// Starts a new member into `sink`, reusing the allocated state.
    public func restart(into sink: ByteSink) throws {
        guard let stream else { throw ClosedStreamError(codec: "gzip") }
        self.sink = sink
        try zlibCheck(deflateReset(stream), stream, "deflateReset")
        try setHeader()
    }

    private func setHeader() throws {
        header.pointee = gz_header()
        header.pointee.os = 3
        try zlibCheck(deflateSetHeader(stream, header), stream, "deflateSetHeader")
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try run(bytes, flush: Z_NO_FLUSH)
    }

    public func finish() throws {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    public func close() {
        guard let stream else { return }
        deflateEnd(stream)
        stream.deallocate()
        self.stream = nil
    }

    private func run(_ bytes: UnsafeRawBufferPointer, flush: Int32) throws {
        guard let stream else { throw ClosedStreamError(codec: "gzip") }
        var remaining = bytes
        repeat {
            // avail_in is 32 bits wide: feed very large buffers in slices.
            let slice = UnsafeRawBufferPointer(rebasing: remaining.prefix(1 << 30))
            remaining = UnsafeRawBufferPointer(rebasing: remaining.dropFirst(slice.count))
            let lastSlice = remaining.isEmpty
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: slice.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(slice.count)
            defer { stream.pointee.next_in = nil }
            let mode = lastSlice ? flush : Z_NO_FLUSH
            while true {
                stream.pointee.next_out = output.base
                stream.pointee.avail_out = UInt32(OutputBuffer.size)
                let rc = try zlibCheck(deflate(stream, mode), stream, "deflate", accept: [Z_OK, Z_STREAM_END, Z_BUF_ERROR])
                try output.drain(OutputBuffer.size - Int(stream.pointee.avail_out), to: sink)
                if mode == Z_FINISH {
                    if rc == Z_STREAM_END { break }
                } else if stream.pointee.avail_out != 0 {
                    break
                }
            }
        } while !remaining.isEmpty
    }
}

/// Inflates gzip data, member after member, as `gzip -d` does for concatenated members.
public final class GzipDecoder: StreamCodec {
    private var stream: UnsafeMutablePointer<z_stream>?
    private let buffer = OutputBuffer()
    private let sink: ByteSink
    /// True between members: the stream may end here.
    private var atMemberBoundary = true
    /// Where each member ended so far: bytes read and bytes written, counted from the start.
    public private(set) var memberEnds: [(input: Int, output: Int)] = []
    private var input = 0, output = 0

    public init(sink: ByteSink) throws {
        self.sink = sink
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = fp_inflateInit2(stream, 15 + 16)
        if rc != Z_OK {
            stream.deallocate()
            try zlibCheck(rc, nil, "inflateInit2")
        }
        self.stream = stream
    }

    deinit { close() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let stream else { throw ClosedStreamError(codec: "gzip") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(count)
            defer { stream.pointee.next_in = nil }
            while stream.pointee.avail_in > 0 {
                atMemberBoundary = false
                stream.pointee.next_out = buffer.base
                stream.pointee.avail_out = UInt32(OutputBuffer.size)
                let before = Int(stream.pointee.avail_in)
                let rc = try zlibCheck(
                    inflate(stream, Z_NO_FLUSH), stream, "inflate", accept: [Z_OK, Z_STREAM_END, Z_BUF_ERROR])
                let produced = OutputBuffer.size - Int(stream.pointee.avail_out)
                input += before - Int(stream.pointee.avail_in)
                output += produced
                try buffer.drain(produced, to: sink)
                if rc == Z_STREAM_END {
                    memberEnds.append((input, output))
                    atMemberBoundary = true
                    try zlibCheck(inflateReset(stream), stream, "inflateReset")
                } else if rc == Z_BUF_ERROR && stream.pointee.avail_out != 0 {
                    break
                }
            }
            offset += count
        }
    }

    public func finish() throws {
        guard stream != nil else { throw ClosedStreamError(codec: "gzip") }
        if !atMemberBoundary {
            throw CompressionError(library: .zlib, operation: "inflate", code: Int(Z_BUF_ERROR),
                                   message: "the gzip stream is truncated")
        }
    }

    public func close() {
        guard let stream else { return }
        inflateEnd(stream)
        stream.deallocate()
        self.stream = nil
    }
}
