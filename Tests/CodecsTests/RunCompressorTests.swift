import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

/// Indexes compressed in runs: gzip members one after another and the blocks of one xz stream, which gzip, xz and
/// apt read back as one document; unchanged runs copied from the file being replaced; the same records making the
/// same bytes however the file was built up.
@Suite struct RunCompressorTests {
    static let codecs: [(Codec, tool: String)] = [(.gzip(level: 9), "gzip"), (.xz(preset: 6, extreme: false), "xz")]

    /// Records shaped like Packages stanzas: each about 600 bytes, keyed by a digest-like string.
    static func records(_ range: Range<Int>) -> [(key: String, bytes: [UInt8])] {
        range.map { index in
            let key = Array("\(index)-record".utf8).map { String(format: "%02x", $0) }.joined()
            let text = """
                Package: package-\(index % 7)
                Version: 1.\(index / 100).\(index % 100)
                Architecture: amd64
                SHA256: \(key)
                Description: record number \(index) of an index that grows by appending releases
                 \(String(repeating: "a line of description that repeats across records. ", count: 1 + index % 9))

                """
            return (key, Array(text.utf8))
        }
    }

    static func runs(_ records: [(key: String, bytes: [UInt8])], target: Int = 8 << 10) -> [[UInt8]] {
        RunCompressor.runs(sizes: records.map(\.bytes.count), keys: records.map(\.key), target: target).map { range in
            Array(records[range].map(\.bytes).joined())
        }
    }

    @Test(arguments: codecs)
    func theToolsAndAptReadEveryRunAsOneDocument(codec: Codec, tool: String) throws {
        let runs = Self.runs(Self.records(0..<300))
        #expect(runs.count > 5, "the test needs several runs")
        let plain = Array(runs.joined())
        let dir = try TemporaryDirectory()
        let file = try dir.write("Packages.\(codec.fileExtension)", try RunCompressor(codec: codec).compress(runs))
        try runChecked([tool, "-t", file])
        #expect(Array(try runChecked([tool, "-d", "-c", file]).stdout) == plain)
        // apt reads one xz stream only, and every gzip member: the runs must be blocks of a stream, and members.
        #expect(Array(try runChecked(["/usr/lib/apt/apt-helper", "cat-file", file]).stdout) == plain)
        if tool == "xz" {
            let listing = try runChecked(["xz", "--robot", "--list", file]).output
            let totals = listing.split(separator: "\n").first { $0.hasPrefix("totals") }?.split(separator: "\t")
            #expect(totals?[1] == "1", "one stream: \(listing)")
            #expect(totals?[2] == "\(runs.count)", "a block per run: \(listing)")
        }
    }

    @Test(arguments: codecs)
    func unchangedRunsAreCopiedFromTheFileReplaced(codec: Codec, tool: String) throws {
        let before = Self.runs(Self.records(0..<300))
        // The file replaced was written at another level: a run copied from it keeps that level's bytes.
        let other: Codec = tool == "xz" ? .xz(preset: 0, extreme: false) : .gzip(level: 1)
        let previous = try RunCompressor(codec: other).compress(before)
        var compressor = RunCompressor(codec: codec)
        #expect(try compressor.learn(previous) == Array(before.joined()))

        let after = Self.runs(Self.records(0..<310))
        let unchanged = zip(before, after).prefix { $0.0 == $0.1 }.count
        #expect(unchanged >= before.count - 1, "appending changes only the last run")
        let updated = try compressor.compress(after)
        let fresh = try RunCompressor(codec: codec).compress(after)
        #expect(updated != fresh, "unchanged runs come from the previous file, not compressed again")
        let firstPiece = try RunCompressor(codec: other).compress([before[0]])
        let offset = tool == "xz" ? 12 : 0
        let copied = tool == "xz" ? Array(firstPiece[12..<(firstPiece.count - 32)]) : firstPiece
        #expect(Array(updated[offset..<(offset + min(copied.count, 64))]) == Array(copied.prefix(64)))

        let dir = try TemporaryDirectory()
        let file = try dir.write("updated.\(codec.fileExtension)", updated)
        try runChecked([tool, "-t", file])
        #expect(Array(try runChecked([tool, "-d", "-c", file]).stdout) == Array(after.joined()))
    }

    @Test(arguments: codecs)
    func theSameRecordsMakeTheSameBytesWhateverCameBefore(codec: Codec, tool: String) throws {
        let all = Self.runs(Self.records(0..<400))
        var compressor = RunCompressor(codec: codec)
        _ = try compressor.learn(try RunCompressor(codec: codec).compress(Self.runs(Self.records(0..<250))))
        #expect(try compressor.compress(all) == (try RunCompressor(codec: codec).compress(all)))
    }

    @Test func aRecordInsertedChangesOnlyTheRunItFallsIn() throws {
        var records = Self.records(0..<400)
        let before = Self.runs(records)
        records.insert(Self.records(1000..<1001)[0], at: 200)
        let after = Self.runs(records)
        let changed = Set(after).subtracting(before)
        #expect(changed.count >= 1 && changed.count <= 2, "\(changed.count) runs changed")
        #expect(Set(before).subtracting(after).count == 1)
    }

    @Test(arguments: codecs)
    func aDamagedPreviousFileIsRefusedAndAForeignOneRead(codec: Codec, tool: String) throws {
        let plain = Array(Self.runs(Self.records(0..<50)).joined())
        var damaged = try RunCompressor(codec: codec).compress([plain])
        damaged[damaged.count / 2] ^= 0x55
        var compressor = RunCompressor(codec: codec)
        #expect(throws: (any Error).self) { _ = try compressor.learn(damaged) }

        let dir = try TemporaryDirectory()
        let foreign = try runChecked([tool, "-c", "-9", try dir.write("plain", plain)])
        #expect(try compressor.learn(Array(foreign.stdout)) == plain)
        let file = try dir.write("again.\(codec.fileExtension)", try compressor.compress([plain]))
        #expect(Array(try runChecked([tool, "-d", "-c", file]).stdout) == plain)
    }

    @Test(arguments: codecs)
    func aDocumentPastTheLimitIsRefused(codec: Codec, tool: String) throws {
        let file = try RunCompressor(codec: codec).compress([[UInt8](repeating: 0x41, count: 1 << 20)])
        var compressor = RunCompressor(codec: codec)
        #expect(throws: CompressionError.self) { _ = try compressor.learn(file, limit: 1 << 19) }
        #expect(try compressor.learn(file, limit: 1 << 20).count == 1 << 20)
    }

    @Test(arguments: codecs)
    func anEmptyDocumentIsAValidFile(codec: Codec, tool: String) throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("empty.\(codec.fileExtension)", try RunCompressor(codec: codec).compress([]))
        try runChecked([tool, "-t", file])
        #expect(try runChecked([tool, "-d", "-c", file]).stdout.isEmpty)
    }
}
