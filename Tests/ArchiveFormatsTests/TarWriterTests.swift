import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

/// Tar members judged by GNU tar and bsdtar: names up to 255 bytes, UTF-8 names, symlinks, hard links,
/// directories, modes, root ownership and SOURCE_DATE_EPOCH mtimes.
@Suite struct TarWriterTests {
    static let epoch: Int64 = 1_617_235_200   // 2021-04-01 00:00:00 UTC
    static let longPath = "usr/share/falco/" + String(repeating: "d", count: 100) + "/" + String(repeating: "f", count: 255 - 117)
    static let utf8Path = "usr/share/falco/café/naïve-ünïcode.txt"

    struct Sample {
        let dir: TemporaryDirectory
        let binary: [UInt8]
        let entries: [ArchiveEntry]

        init() throws {
            dir = try TemporaryDirectory()
            binary = SampleData.bytes(count: 1_500_000, seed: 11)
            let content = try FileContent(path: try dir.write("in/falco", binary))
            let e = TarWriterTests.epoch
            func directory(_ path: String) throws -> ArchiveEntry {
                try ArchiveEntry(path: path, type: .directory, permissions: 0o755, mtime: e)
            }
            entries = [
                try directory(""),
                try directory("usr"), try directory("usr/bin"), try directory("usr/share"), try directory("usr/share/falco"),
                try directory("usr/share/falco/" + String(repeating: "d", count: 100)),
                try directory("usr/share/falco/café"),
                try ArchiveEntry(path: "usr/bin/falco", type: .regular(.file(content)), permissions: 0o755, mtime: e),
                try ArchiveEntry(path: "usr/bin/falco-hard", type: .hardlink(target: "usr/bin/falco"), permissions: 0o755, mtime: e),
                try ArchiveEntry(path: "usr/bin/falco-suid", type: .regular(.bytes(Array("#!/bin/sh\n".utf8))), permissions: 0o4755, mtime: e),
                try ArchiveEntry(path: "usr/bin/falco-link", type: .symlink(target: "falco"), permissions: 0o777, mtime: e),
                try ArchiveEntry(path: TarWriterTests.longPath, type: .regular(.bytes(Array("long\n".utf8))), permissions: 0o644, mtime: e),
                try ArchiveEntry(path: TarWriterTests.utf8Path, type: .regular(.bytes(Array("ü\n".utf8))), permissions: 0o644, mtime: e),
                try ArchiveEntry(path: "usr/share/falco/empty", type: .regular(.bytes([])), permissions: 0o600, mtime: e),
            ]
        }

        func write(_ format: TarWriter.Format, codec: Codec? = nil, name: String) throws -> String {
            let box = FileSinkBox(path: dir.file(name))
            let file = try box.sink()
            if let codec {
                let compressor = try BlockCompressor(codec: codec, sink: file)
                try writeEntries(format, into: compressor)
                try compressor.finish()
            } else {
                try writeEntries(format, into: PlainSegmentSink(file))
            }
            try box.commit()
            return dir.file(name)
        }

        private func writeEntries(_ format: TarWriter.Format, into sink: SegmentSink) throws {
            let writer = try TarWriter(sink: sink, format: format)
            for entry in entries { try writer.add(entry) }
            try writer.finish()
        }
    }

    static let expectedNames = [
        "./", "./usr/", "./usr/bin/", "./usr/share/", "./usr/share/falco/",
        "./usr/share/falco/" + String(repeating: "d", count: 100) + "/", "./usr/share/falco/café/",
        "./usr/bin/falco", "./usr/bin/falco-hard", "./usr/bin/falco-suid", "./usr/bin/falco-link",
        "./" + longPath, "./" + utf8Path, "./usr/share/falco/empty",
    ]

    @Test(arguments: [TarWriter.Format.gnu, .pax])
    func gnuTarAndBsdtarListEveryEntry(format: TarWriter.Format) throws {
        let sample = try Sample()
        let path = try sample.write(format, name: "test.tar")
        #expect(Self.longPath.utf8.count == 255)

        let gnuNames = try runChecked(["tar", "-tf", path]).output.split(separator: "\n").map(String.init)
        #expect(gnuNames == Self.expectedNames)
        let bsdNames = try runChecked(["bsdtar", "-tf", path]).output.split(separator: "\n").map(String.init)
        #expect(bsdNames == Self.expectedNames)

        let listing = try run(["tar", "--numeric-owner", "--full-time", "-tvf", path], environment: ["TZ": "UTC"])
        #expect(listing.status == 0)
        let lines = listing.output.split(separator: "\n")
        #expect(lines.count == Self.expectedNames.count)
        for line in lines {
            #expect(line.contains(" 0/0 "), "owner of \(line)")
            #expect(line.contains("2021-04-01 00:00:00"), "mtime of \(line)")
        }
        #expect(lines[7].hasPrefix("-rwxr-xr-x 0/0         1500000 "))
        #expect(lines[8].hasSuffix("./usr/bin/falco-hard link to ./usr/bin/falco"))
        #expect(lines[9].hasPrefix("-rwsr-xr-x 0/0"))
        #expect(lines[10].hasPrefix("lrwxrwxrwx 0/0") && lines[10].hasSuffix("./usr/bin/falco-link -> falco"))
        #expect(lines[13].hasPrefix("-rw------- 0/0"))
        let named = try runChecked(["tar", "-tvf", path]).output
        #expect(named.split(separator: "\n").allSatisfy { $0.contains(" root/root ") })
    }

    @Test(arguments: [TarWriter.Format.gnu, .pax])
    func gnuTarExtractsTheExactFiles(format: TarWriter.Format) throws {
        let sample = try Sample()
        let path = try sample.write(format, name: "test.tar")
        let out = sample.dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try runChecked(["tar", "-xf", path, "-C", out])
        #expect(try sample.dir.read("out/usr/bin/falco") == sample.binary)
        #expect(try sample.dir.read("out/usr/bin/falco-hard") == sample.binary)
        #expect(try sample.dir.read("out/" + Self.utf8Path) == Array("ü\n".utf8))
        #expect(try sample.dir.read("out/" + Self.longPath) == Array("long\n".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/usr/bin/falco-link") == "falco")
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/usr/bin/falco")
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect((attributes[.modificationDate] as? Date) == Date(timeIntervalSince1970: TimeInterval(Self.epoch)))
    }

    @Test func gnuFormatHasNoPaxHeaders() throws {
        let sample = try Sample()
        let bytes = try sample.dir.read(String(try sample.write(.gnu, name: "gnu.tar").split(separator: "/").last!))
        // ustar magic of GNU tar: "ustar  \0" at offset 257; no 'x' or 'g' typeflag anywhere at a header.
        #expect(Array(bytes[257..<265]) == Array("ustar  \0".utf8))
        var offset = 0
        var typeflags: Set<UInt8> = []
        while offset + 512 <= bytes.count, bytes[offset] != 0 {
            let flag = bytes[offset + 156]
            typeflags.insert(flag)
            let sizeField = String(decoding: bytes[(offset + 124)..<(offset + 135)], as: UTF8.self)
            let size = Int(sizeField.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\0"))), radix: 8) ?? 0
            offset += 512 + (size + 511) / 512 * 512
        }
        #expect(!typeflags.contains(UInt8(ascii: "x")) && !typeflags.contains(UInt8(ascii: "g")))
        #expect(typeflags.contains(UInt8(ascii: "L")))   // the 255-byte name goes through ././@LongLink
    }

    @Test(arguments: [(Codec.gzip(level: 9), "gzip"), (.xz(preset: 1, extreme: false), "xz"), (.zstd(level: 3), "zstd")])
    func compressedTarballIsReadByBothTars(codec: Codec, tool: String) throws {
        let sample = try Sample()
        let path = try sample.write(.pax, codec: codec, name: "test.tar.\(codec.fileExtension)")
        try runChecked([tool, "-t", path])
        let gnuNames = try runChecked(["tar", "-tf", path]).output.split(separator: "\n").map(String.init)
        #expect(gnuNames == Self.expectedNames)
        let bsdNames = try runChecked(["bsdtar", "-tf", path]).output.split(separator: "\n").map(String.init)
        #expect(bsdNames == Self.expectedNames)
    }

    @Test func sameEntriesSameBytes() throws {
        let sample = try Sample()
        for format in [TarWriter.Format.gnu, .pax] {
            let first = try sample.dir.read(String(try sample.write(format, codec: .gzip(level: 9), name: "a.tgz").split(separator: "/").last!))
            let second = try sample.dir.read(String(try sample.write(format, codec: .gzip(level: 9), name: "b.tgz").split(separator: "/").last!))
            #expect(first == second)
            #expect(Array(first[4..<8]) == [0, 0, 0, 0] && first[9] == 3)
        }
    }

    @Test func sinkFailureSurfacesAsAnError() throws {
        final class FailingSink: SegmentSink {
            struct Full: Error {}
            func literal(_ bytes: UnsafeRawBufferPointer) throws { throw Full() }
            func content(_ file: FileContent) throws { throw Full() }
        }
        let writer = try TarWriter(sink: FailingSink(), format: .gnu)
        #expect(throws: FailingSink.Full.self) {
            try writer.add(try ArchiveEntry(path: "x", type: .regular(.bytes([1])), permissions: 0o644, mtime: 0))
        }
    }

    @Test func closeIsIdempotent() throws {
        weak var released: TarWriter?
        do {
            let writer = try TarWriter(sink: PlainSegmentSink(BufferSink()), format: .pax)
            released = writer
            writer.close()
            writer.close()
            #expect(writer.isClosed)
            #expect(throws: ArchiveError.self) {
                try writer.add(try ArchiveEntry(path: "x", type: .directory, permissions: 0o755, mtime: 0))
            }
        }
        #expect(released == nil)
    }
}
