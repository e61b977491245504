import ByteIO
import CLZMAShim

/// Owns one `lzma_stream` and runs `lzma_code` over input, draining output into a sink.
final class LZMAHandle {
    private(set) var stream: UnsafeMutablePointer<lzma_stream>?
    let output = OutputBuffer()

    /// - Parameter hugePages: for encoders, which walk their tables at random. A decoder writes its dictionary in
    ///   order and often decodes far less than it: a 2 MiB page would be cleared for a few KiB of a deb's control.
    init(hugePages: Bool) {
        let stream = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
        stream.initialize(to: fp_lzma_stream_init())
        if hugePages { stream.pointee.allocator = UnsafePointer(HugePages.lzmaAllocator) }
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
