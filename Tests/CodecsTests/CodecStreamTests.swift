import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

/// Each encoder's output is judged by the codec's own command-line tool, and each decoder reads what the
/// tool wrote.
@Suite struct CodecStreamTests {
    static let codecs: [(Codec, tool: String)] = [
        (.gzip(level: 9), "gzip"), (.gzip(level: 1), "gzip"),
        (.xz(preset: 6, extreme: false), "xz"), (.xz(preset: 0, extreme: true), "xz"),
        (.zstd(level: 19), "zstd"), (.zstd(level: 1), "zstd"),
    ]

    static let input = SampleData.bytes(count: 3 << 20)

    func encode(_ codec: Codec, _ bytes: [UInt8], chunk: Int = 100_000) throws -> [UInt8] {
        let out = BufferSink()
        let encoder = try Encoders.make(codec, sink: out)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            try encoder.write(bytes[offset..<end])
            offset = end
        }
        try encoder.finish()
        return out.bytes
    }

    func decode(_ codec: Codec, _ bytes: [UInt8]) throws -> [UInt8] {
        let out = BufferSink()
        let decoder = try Decoders.make(codec, sink: out)
        try decoder.write(bytes)
        try decoder.finish()
        return out.bytes
    }

    @Test(arguments: codecs)
    func toolAcceptsAndRestoresOurStream(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let compressed = try encode(codec, Self.input)
        let file = try dir.write("data.\(codec.fileExtension)", compressed)
        try runChecked([tool, "-t", file])
        let restored = try runChecked([tool, "-d", "-c", file])
        #expect([UInt8](restored.stdout) == Self.input)
    }

    @Test(arguments: codecs)
    func ourDecoderReadsTheTool(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let plain = try dir.write("plain", Self.input)
        let compressed = try runChecked([tool, "-c", "-6", plain])
        #expect(try decode(codec, [UInt8](compressed.stdout)) == Self.input)
    }

    @Test(arguments: codecs)
    func emptyInputIsAValidStream(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("empty.\(codec.fileExtension)", try encode(codec, []))
        try runChecked([tool, "-t", file])
        #expect(try runChecked([tool, "-d", "-c", file]).stdout.isEmpty)
    }

    @Test func gzipHeaderIsReproducible() throws {
        // 1F 8B, deflate, no flags, MTIME 0, XFL 2 (level 9), OS 3 (Unix): what `gzip -9n` writes.
        let bytes = try encode(.gzip(level: 9), Array("hello\n".utf8))
        #expect(Array(bytes.prefix(10)) == [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0x03])
        let dir = try TemporaryDirectory()
        let plain = try dir.write("hello", Array("hello\n".utf8))
        let reference = try runChecked(["gzip", "-9n", "-c", plain])
        #expect(bytes == [UInt8](reference.stdout))
    }

    @Test func gzipTrailerCarriesCRC32AndSize() throws {
        // CRC-32 of "123456789" is 0xCBF43926 (the standard check value), then ISIZE 9, both little-endian.
        let bytes = try encode(.gzip(level: 6), Array("123456789".utf8))
        #expect(Array(bytes.suffix(8)) == [0x26, 0x39, 0xF4, 0xCB, 9, 0, 0, 0])
    }

    @Test func sameInputSameBytes() throws {
        for (codec, _) in Self.codecs {
            #expect(try encode(codec, Self.input, chunk: 4096) == encode(codec, Self.input, chunk: 1 << 20))
        }
    }

    @Test func parsesCompressionFlags() throws {
        #expect(try Codec(parsing: "xz") == .xz(preset: 6, extreme: false))
        #expect(try Codec(parsing: "xz:9e") == .xz(preset: 9, extreme: true))
        #expect(try Codec(parsing: "gzip") == .gzip(level: 9))
        #expect(try Codec(parsing: "zstd:3") == .zstd(level: 3))
        #expect(Codec.xz(preset: 9, extreme: true).description == "xz:9e")
        let unknown = #expect(throws: Codec.ParseError.self) { try Codec(parsing: "lz4") }
        #expect(unknown?.description.contains("unknown codec 'lz4'") == true)
        let level = #expect(throws: Codec.ParseError.self) { try Codec(parsing: "gzip:10") }
        #expect(level?.description.contains("level must be 1-9") == true)
        #expect(throws: Codec.ParseError.self) { try Codec(parsing: "zstd:20") }
    }

    /// A stream the tool wrote, decoded piece by piece: the pieces make the whole, the first is only the start
    /// (a reader that stops there leaves the rest undecoded), and a damaged stream is an error, not a short read.
    @Test(arguments: codecs)
    func pieceDecoderHandsOverTheStreamInPieces(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let plain = try dir.write("plain", Self.input)
        let compressed = [UInt8](try runChecked([tool, "-c", "-6", plain]).stdout)
        let pieces = try PieceDecoder(compressed, codec: codec)
        var whole: [UInt8] = []
        var first: Int?
        while true {
            let piece = try pieces.next()
            if piece.isEmpty { break }
            first = first ?? piece.count
            whole += piece
        }
        #expect(whole == Self.input)
        #expect((first ?? 0) > 0 && (first ?? 0) < Self.input.count)

        // Without a codec the bytes are handed over whole, once.
        let uncompressed = try PieceDecoder(Self.input, codec: nil)
        #expect([UInt8](try uncompressed.next()) == Self.input)
        #expect(try uncompressed.next().isEmpty)

        var damaged = compressed
        damaged[damaged.count / 2] ^= 0xFF
        let broken = try PieceDecoder(damaged, codec: codec)
        #expect(throws: (any Error).self) {
            while try !broken.next().isEmpty {}
        }
    }
}
