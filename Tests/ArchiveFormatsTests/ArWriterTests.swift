import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

@Suite struct ArWriterTests {
    @Test func headerKnownAnswer() throws {
        let header = try ArWriter.header(name: "debian-binary", size: 4, mtime: 1_700_000_000, mode: 0o100644, uid: 0, gid: 0)
        let expected = "debian-binary   " + "1700000000  " + "0     " + "0     " + "100644  " + "4         " + "`\n"
        #expect(header == Array(expected.utf8))
        #expect(header.count == 60)
    }

    @Test func binutilsListsAndExtractsEveryMember() throws {
        let dir = try TemporaryDirectory()
        let odd = SampleData.bytes(count: 12_345, seed: 7)          // odd size: needs the pad byte
        let fromDisk = try FileContent(path: try dir.write("member", SampleData.bytes(count: 70_000, seed: 8)))
        let sink = FileSinkBox(path: dir.file("test.ar"))
        let writer = try ArWriter(sink: PlainSegmentSink(try sink.sink()))
        try writer.add(name: "debian-binary", data: .bytes(Array("2.0\n".utf8)), mtime: 1_617_235_200)
        try writer.add(name: "control.tar.xz", data: .bytes(odd), mtime: 1_617_235_200)
        try writer.add(name: "data.tar.xz", data: .file(fromDisk), mtime: 1_617_235_200)
        try sink.commit()

        let names = try runChecked(["ar", "t", dir.file("test.ar")]).output
        #expect(names == "debian-binary\ncontrol.tar.xz\ndata.tar.xz\n")
        #expect([UInt8](try runChecked(["ar", "p", dir.file("test.ar"), "debian-binary"]).stdout) == Array("2.0\n".utf8))
        #expect([UInt8](try runChecked(["ar", "p", dir.file("test.ar"), "control.tar.xz"]).stdout) == odd)
        #expect([UInt8](try runChecked(["ar", "p", dir.file("test.ar"), "data.tar.xz"]).stdout) == (try dir.read("member")))
        let verbose = try runChecked(["ar", "tvO", dir.file("test.ar")], in: dir.path).output
        #expect(verbose.contains("rw-r--r-- 0/0  12345"))
    }

    @Test(arguments: ["", "a-name-longer-than-15", "has space", "slash/", "naïve"])
    func rejectsNamesDpkgCannotRead(name: String) {
        let error = #expect(throws: ArchiveError.self) {
            _ = try ArWriter.header(name: name, size: 0, mtime: 0, mode: 0o100644, uid: 0, gid: 0)
        }
        #expect(error?.description.contains("ar member names are 1-15 printable ASCII") == true)
    }
}

/// A file writer made lazily, so a test can name the path before writing.
final class FileSinkBox {
    let path: String
    private var made: FileWriter?

    init(path: String) { self.path = path }

    func sink() throws -> FileWriter {
        if let made { return made }
        unlink(path)
        let sink = try FileWriter(creating: path)
        made = sink
        return sink
    }

    func commit() throws { try made?.close() }
}
