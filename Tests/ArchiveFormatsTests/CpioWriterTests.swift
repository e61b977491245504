import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

@Suite struct CpioWriterTests {
    static let epoch: Int64 = 1_617_235_200

    @Test func newcHeaderKnownAnswer() {
        let header = CpioWriter.newcHeader(
            inode: 1, mode: 0o100644, uid: 0, gid: 0, nlink: 1, mtime: 1_700_000_000, fileSize: 5, name: "./a")
        let fields = "070701" + "00000001" + "000081a4" + "00000000" + "00000000" + "00000001" + "6553f100"
            + "00000005" + "00000000" + "00000000" + "00000000" + "00000000" + "00000004" + "00000000"
        #expect(header == .bytes(Array(fields.utf8) + Array("./a".utf8) + [0]))
    }

    func writeSample(_ dir: TemporaryDirectory) throws -> (path: String, size: UInt64) {
        let payload = try FileContent(path: try dir.write("in/falco", SampleData.bytes(count: 100_001, seed: 9)))
        let sinkBox = FileSinkBox(path: dir.file("test.cpio"))
        let writer = CpioWriter(sink: PlainSegmentSink(try sinkBox.sink()))
        let e = Self.epoch
        try writer.add(try ArchiveEntry(path: "usr", type: .directory, permissions: 0o755, mtime: e))
        try writer.add(try ArchiveEntry(path: "usr/bin", type: .directory, permissions: 0o755, mtime: e))
        try writer.add(try ArchiveEntry(path: "usr/bin/falco", type: .regular(.file(payload)), permissions: 0o755, mtime: e))
        try writer.add(try ArchiveEntry(path: "usr/bin/falco-alias", type: .symlink(target: "falco"), permissions: 0o777, mtime: e))
        try writer.add(try ArchiveEntry(path: "usr/bin/note", type: .regular(.bytes(Array("abc".utf8))), permissions: 0o644, mtime: e))
        let size = try writer.finish()
        try sinkBox.commit()
        return (dir.file("test.cpio"), size)
    }

    @Test func gnuCpioAndBsdtarListAndExtract() throws {
        let dir = try TemporaryDirectory()
        let (path, size) = try writeSample(dir)
        let fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64
        #expect(size == fileSize)
        #expect(size % 4 == 0)

        let names = try runChecked(["sh", "-c", "cpio -it --quiet < '\(path)'"]).output
        #expect(names == "./usr\n./usr/bin\n./usr/bin/falco\n./usr/bin/falco-alias\n./usr/bin/note\n")
        let verbose = try runChecked(["sh", "-c", "TZ=UTC cpio -itv --quiet --numeric-uid-gid < '\(path)'"]).output
        let lines = verbose.split(separator: "\n")
        #expect(lines[2].hasPrefix("-rwxr-xr-x   1 0        0          100001 Apr  1  2021 ./usr/bin/falco"))
        #expect(lines[3].hasSuffix("./usr/bin/falco-alias -> falco"))
        let bsdtar = try runChecked(["bsdtar", "-tf", path]).output
        #expect(bsdtar == names)

        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try runChecked(["sh", "-c", "cpio -idm --quiet < '\(path)'"], in: out)
        #expect(try dir.read("out/usr/bin/falco") == (try dir.read("in/falco")))
        #expect(try dir.read("out/usr/bin/note") == Array("abc".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/usr/bin/falco-alias") == "falco")
    }

    @Test func inodesCountUpAndTrailerCloses() throws {
        let dir = try TemporaryDirectory()
        let (path, _) = try writeSample(dir)
        let bytes = try dir.read("test.cpio")
        // Entry 1 at offset 0: inode 1; the archive ends with the TRAILER!!! entry and padding only.
        #expect(Array(bytes[6..<14]) == Array("00000001".utf8))
        let tail = String(decoding: bytes.suffix(16), as: UTF8.self)
        #expect(tail.contains("TRAILER!!!"))
        _ = path
    }

    @Test func refusesFilesOf4GiBInNewc() throws {
        let huge = FileContent(path: "/dev/null", digests: FileDigests(
            size: 1 << 32, sha256: [], md5: nil))
        let writer = CpioWriter(sink: PlainSegmentSink(BufferSink()))
        let error = #expect(throws: ArchiveError.self) {
            try writer.add(try ArchiveEntry(path: "big", type: .regular(.file(huge)), permissions: 0o644, mtime: 0))
        }
        #expect(error?.description.contains("stripped 07070X form") == true)
    }

    @Test func strippedFormKnownAnswer() throws {
        let sink = BufferSink()
        let writer = CpioWriter(sink: PlainSegmentSink(sink), format: .stripped)
        try writer.addStripped(index: 0, data: .bytes(Array("hello".utf8)))
        try writer.addStripped(index: 10, data: nil)
        try writer.finish()
        var expected = Array("07070X00000000".utf8) + [0, 0] + Array("hello".utf8) + [0, 0, 0]
        expected += Array("07070X0000000a".utf8) + [0, 0]
        #expect(Array(sink.bytes.prefix(expected.count)) == expected)
        #expect(String(decoding: sink.bytes[expected.count..<(expected.count + 6)], as: UTF8.self) == "070701")
        #expect(sink.bytes.count % 4 == 0)
    }
}
