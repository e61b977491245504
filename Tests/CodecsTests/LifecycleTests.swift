import ByteIO
import Codecs
import Testing

/// Each C handle is owned by one object: freed by `close()` (idempotent) or by `deinit`, never used after.
@Suite struct LifecycleTests {
    @Test(arguments: [Codec.gzip(level: 6), .xz(preset: 1, extreme: false), .zstd(level: 3)])
    func encoderIsReleasedAndCloseIsIdempotent(codec: Codec) throws {
        weak var released: StreamCodec?
        do {
            let encoder = try Encoders.make(codec, sink: BufferSink())
            released = encoder
            try encoder.write(Array("payload".utf8))
            try encoder.finish()
            encoder.close()
            encoder.close()
            #expect(throws: (any Error).self) { try encoder.write(Array("late".utf8)) }
        }
        #expect(released == nil)
    }

    @Test(arguments: [Codec.gzip(level: 6), .xz(preset: 1, extreme: false), .zstd(level: 3)])
    func decoderIsReleasedWithoutClose(codec: Codec) throws {
        weak var released: StreamCodec?
        do {
            let decoder = try Decoders.make(codec, sink: BufferSink())
            released = decoder
        }
        #expect(released == nil)
    }

    @Test func closedStateIsVisible() throws {
        let gzip = try GzipEncoder(level: 1, sink: BufferSink())
        let xz = try XZEncoder(preset: 0, extreme: false, sink: BufferSink())
        let zstd = try ZstdEncoder(level: 1, sink: BufferSink())
        #expect(!gzip.isClosed && !xz.isClosed && !zstd.isClosed)
        gzip.close(); xz.close(); zstd.close()
        #expect(gzip.isClosed && xz.isClosed && zstd.isClosed)
    }
}
