import ByteIO
import Codecs
import Testing

/// A failing C call becomes a typed error naming the library, the call and the library's own message.
@Suite struct CodecErrorTests {
    let garbage: [UInt8] = Array("this is not compressed data at all, not even close".utf8)

    @Test func gzipGarbage() throws {
        let decoder = try GzipDecoder(sink: BufferSink())
        let error = #expect(throws: CompressionError.self) { try decoder.write(garbage) }
        #expect(error?.library == .zlib)
        #expect(error?.operation == "inflate")
        #expect(error?.description.contains("incorrect header check") == true)
    }

    @Test func xzGarbage() throws {
        let decoder = try XZDecoder(sink: BufferSink())
        let error = #expect(throws: CompressionError.self) { try decoder.write(garbage) }
        #expect(error?.library == .liblzma)
        #expect(error?.message == "file format not recognized")
    }

    @Test func zstdGarbage() throws {
        let decoder = try ZstdDecoder(sink: BufferSink())
        let error = #expect(throws: CompressionError.self) { try decoder.write(garbage) }
        #expect(error?.library == .libzstd)
        #expect(error?.description.contains("ZSTD_decompressStream") == true)
    }

    @Test(arguments: [Codec.gzip(level: 6), .xz(preset: 1, extreme: false), .zstd(level: 3)])
    func truncatedStreamIsAnError(codec: Codec) throws {
        let compressed = BufferSink()
        let encoder = try Encoders.make(codec, sink: compressed)
        try encoder.write(Array(repeating: 7, count: 100_000) + Array(0..<255))
        try encoder.finish()
        let decoder = try Decoders.make(codec, sink: BufferSink())
        try decoder.write(compressed.bytes.dropLast(6))
        #expect(throws: CompressionError.self) { try decoder.finish() }
    }

    @Test func invalidLevelIsReportedByTheLibrary() throws {
        let error = #expect(throws: CompressionError.self) { _ = try GzipEncoder(level: 42, sink: BufferSink()) }
        #expect(error?.library == .zlib)
        #expect(error?.operation == "deflateInit2")
    }
}
