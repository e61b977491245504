import BlockCompression
import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

/// The block compressor's streams, judged by xz, gzip and zstd: they test clean, decompress to exactly the
/// segments' bytes, and are cut where the design says.
@Suite struct BlockCompressorTests {
    static let unitSize = 1 << 20

    /// Segments with two large files (cut out and split), a small file (joins the literal run) and literals.
    struct Fixture {
        let dir: TemporaryDirectory
        let segments: [Segment]
        let expected: [UInt8]

        enum Segment {
            case literal([UInt8])
            case content(FileContent)
        }

        init() throws {
            dir = try TemporaryDirectory()
            let big = SampleData.bytes(count: (5 << 20) / 2 + 777, seed: 1)      // 2.5 MiB: 3 units
            let exact = SampleData.bytes(count: 1 << 20, seed: 2)                // 1 MiB: 1 unit
            let small = SampleData.bytes(count: 300_000, seed: 3)                // joins literals
            let head = SampleData.bytes(count: 1500, seed: 4)
            let middle = SampleData.bytes(count: 900_000, seed: 5)
            let tail = SampleData.bytes(count: 512, seed: 6)
            let bigFile = try FileContent(path: try dir.write("big", big))
            let exactFile = try FileContent(path: try dir.write("exact", exact))
            let smallFile = try FileContent(path: try dir.write("small", small))
            segments = [.literal(head), .content(bigFile), .literal(middle), .content(smallFile),
                        .content(exactFile), .literal(tail)]
            expected = head + big + middle + small + exact + tail
        }

        /// head | big 1 MiB | big 1 MiB | big rest | middle+small (1,200,000 B > 1 MiB: cut at 1 MiB) | rest | exact | tail
        static let expectedUnits = 8

        func compress(_ codec: Codec) throws -> (bytes: [UInt8], units: Int) {
            let out = BufferSink()
            let compressor = try BlockCompressor(codec: codec, sink: out, unitSize: BlockCompressorTests.unitSize)
            for segment in segments {
                switch segment {
                case .literal(let bytes): try compressor.literal(bytes)
                case .content(let file): try compressor.content(file)
                }
            }
            try compressor.finish()
            return (out.bytes, compressor.units)
        }
    }

    @Test(arguments: [(Codec.xz(preset: 1, extreme: false), "xz"), (.gzip(level: 6), "gzip"), (.zstd(level: 3), "zstd")])
    func unitsDecompressToTheSegments(codec: Codec, tool: String) throws {
        let fixture = try Fixture()
        let (bytes, units) = try fixture.compress(codec)
        #expect(units == Fixture.expectedUnits)
        let file = try fixture.dir.write("stream.\(codec.fileExtension)", bytes)
        try runChecked([tool, "-t", file])
        #expect([UInt8](try runChecked([tool, "-d", "-c", file]).stdout) == fixture.expected)
        // Our own decoders accept the joined units too.
        let sink = BufferSink()
        let decoder = try Decoders.make(codec, sink: sink)
        try decoder.write(bytes)
        try decoder.finish()
        #expect(sink.bytes == fixture.expected)
    }

    @Test func xzUnitsShareOneBlock() throws {
        // As xz writes without threads: one stream, one block, whose check covers every unit's bytes.
        let fixture = try Fixture()
        let file = try fixture.dir.write("stream.xz", try fixture.compress(.xz(preset: 1, extreme: false)).bytes)
        let listing = try runChecked(["xz", "--robot", "-lvv", file]).output
        let fileLine = try #require(listing.split(separator: "\n").first { $0.hasPrefix("file\t") })
        let fields = fileLine.split(separator: "\t")
        #expect(fields[1] == "1")                              // streams
        #expect(fields[2] == "1")                              // blocks
        #expect(fields[4] == "\(fixture.expected.count)")      // uncompressed size
        let blocks = listing.split(separator: "\n").filter { $0.hasPrefix("block\t") }
        #expect(blocks.count == 1)
        #expect(blocks.first?.split(separator: "\t")[9] == "CRC64")
        try runChecked(["xz", "-t", file])
    }

    @Test func laterXZUnitsOfAFileReachBackIntoTheUnitBefore() throws {
        // A 600 KiB random run, four times over: only matches across the 1 MiB cuts can compress it, and xz
        // has to follow them back into the unit before to decode it.
        let dir = try TemporaryDirectory()
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let run = (0..<(600 << 10)).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let content = run + run + run + run
        let file = try FileContent(path: try dir.write("repeats", content))
        let out = BufferSink()
        let compressor = try BlockCompressor(codec: .xz(preset: 1, extreme: false), sink: out,
                                             unitSize: BlockCompressorTests.unitSize)
        try compressor.content(file)
        try compressor.finish()
        #expect(compressor.units == 3)
        // Each unit alone would hold at least one copy of the run: three copies' worth.
        #expect(out.bytes.count < 700 << 10)
        let stream = try dir.write("repeats.xz", out.bytes)
        #expect([UInt8](try runChecked(["xz", "-d", "-c", stream]).stdout) == content)
    }

    @Test func literalRunsAreCutAtEightMebibytes() throws {
        // Small files and headers wait in memory until their unit is compressed; at most 8 MiB of them at a time.
        // zstd's frames are its units: 24 MiB and 5 bytes of literals make four.
        let dir = try TemporaryDirectory()
        let out = BufferSink()
        let compressor = try BlockCompressor(codec: .zstd(level: 1), sink: out)
        #expect(compressor.unitSize > BlockCompressor.maximumLiteralRun)
        let literals = SampleData.bytes(count: (24 << 20) + 5, seed: 7)
        try compressor.literal(literals)
        try compressor.finish()
        #expect(compressor.units == 4)
        let file = try dir.write("literal.zst", out.bytes)
        #expect(try runChecked(["zstd", "-lv", file]).output.contains("# Zstandard Frames: 4"))
        #expect([UInt8](try runChecked(["zstd", "-d", "-c", file]).stdout) == literals)
    }

    @Test func xzBlockCheckIsCRC64() throws {
        // CRC-64/XZ of "123456789" is 0x995DC9BBDF1939FA (the standard check value).
        let dir = try TemporaryDirectory()
        let out = BufferSink()
        let compressor = try BlockCompressor(codec: .xz(preset: 0, extreme: false), sink: out)
        try compressor.literal(Array("123456789".utf8))
        try compressor.finish()
        let file = try dir.write("n.xz", out.bytes)
        let listing = try runChecked(["xz", "--robot", "-lvv", file]).output
        #expect(listing.contains("\tCRC64\t995dc9bbdf1939fa\t"))
    }

    @Test func zstdHasAFramePerUnit() throws {
        let fixture = try Fixture()
        let file = try fixture.dir.write("stream.zst", try fixture.compress(.zstd(level: 3)).bytes)
        let listing = try runChecked(["zstd", "-lv", file]).output
        #expect(listing.contains("# Zstandard Frames: \(Fixture.expectedUnits)"))
    }

    @Test func gzipMembersAreEachValid() throws {
        // gzip -l reads the last member only: walk the members with CPython's zlib, each decoded on its own.
        let fixture = try Fixture()
        let out = BufferSink()
        let large = SampleData.bytes(count: 1 << 20)
        let compressor = try BlockCompressor(codec: .gzip(level: 6), sink: out, unitSize: BlockCompressorTests.unitSize)
        try compressor.literal(Array("first".utf8))
        try compressor.content(try FileContent(path: try fixture.dir.write("large", large)))
        try compressor.finish()
        #expect(compressor.units == 2)
        let stream = try fixture.dir.write("stream.gz", out.bytes)
        let walk = try runChecked(["python3", "-c", """
            import sys, zlib
            data = open(sys.argv[1], 'rb').read()
            while data:
                member = zlib.decompressobj(wbits=31)
                plain = member.decompress(data)
                assert member.eof, 'a member is cut short'
                print(len(plain))
                data = member.unused_data
            """, stream]).output
        #expect(walk == "5\n\(large.count)\n")
        #expect([UInt8](try runChecked(["gzip", "-dc", stream]).stdout) == Array("first".utf8) + large)
    }

    @Test(arguments: [(Codec.xz(preset: 1, extreme: false), "xz"), (.gzip(level: 6), "gzip"), (.zstd(level: 3), "zstd")])
    func emptyStreamIsValid(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let out = BufferSink()
        let compressor = try BlockCompressor(codec: codec, sink: out)
        try compressor.finish()
        let file = try dir.write("empty.\(codec.fileExtension)", out.bytes)
        try runChecked([tool, "-t", file])
        #expect(try runChecked([tool, "-d", "-c", file]).stdout.isEmpty)
    }

    @Test func sameSegmentsSameBytes() throws {
        let fixture = try Fixture()
        for codec in [Codec.xz(preset: 1, extreme: false), .gzip(level: 9), .zstd(level: 5)] {
            #expect(try fixture.compress(codec).bytes == fixture.compress(codec).bytes)
        }
    }

    @Test func fileThatShrankIsAnError() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("shrinks", SampleData.bytes(count: 2 << 20))
        let content = try FileContent(path: path)
        try dir.write("shrinks", SampleData.bytes(count: 1000))
        let compressor = try BlockCompressor(codec: .gzip(level: 1), sink: BufferSink())
        let error = #expect(throws: IOError.self) { try compressor.content(content) }
        #expect(error?.description.contains(path) == true)
    }
}
