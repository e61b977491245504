import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Foundation
import Testing
import TestSupport

/// The reader against archives the real tools wrote.
@Suite struct ArchiveReaderTests {
    @Test func readsWhatGnuTarWrote() throws {
        let dir = try TemporaryDirectory()
        try dir.write("tree/usr/bin/falco", Array("binary".utf8), mode: 0o755)
        try FileManager.default.createSymbolicLink(atPath: dir.file("tree/usr/bin/alias"), withDestinationPath: "falco")
        try runChecked(["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@1617235200",
                        "-cJf", dir.file("t.tar.xz"), "-C", dir.file("tree"), "."])
        let entries = try ArchiveReader.readAll(path: dir.file("t.tar.xz"))
        #expect(entries.map(\.entry.path) == ["./", "./usr/", "./usr/bin/", "./usr/bin/alias", "./usr/bin/falco"])
        let falco = try #require(entries.first { $0.entry.path == "./usr/bin/falco" })
        #expect(falco.data == Array("binary".utf8))
        #expect(falco.entry.permissions == 0o755 && falco.entry.uid == 0 && falco.entry.mtime == 1_617_235_200)
        let alias = try #require(entries.first { $0.entry.path == "./usr/bin/alias" })
        #expect(alias.entry.type == .symlink && alias.entry.linkTarget == "falco")
    }

    @Test func readsWhatBinutilsArAndGnuCpioWrote() throws {
        let dir = try TemporaryDirectory()
        try dir.write("debian-binary", Array("2.0\n".utf8))
        try dir.write("notes", Array("x".utf8))
        try runChecked(["ar", "rcD", dir.file("t.ar"), "debian-binary", "notes"], in: dir.path)
        let ar = try ArchiveReader.readAll(path: dir.file("t.ar"))
        #expect(ar.map(\.entry.path) == ["debian-binary", "notes"])
        #expect(ar[0].data == Array("2.0\n".utf8))

        try runChecked(["sh", "-c", "printf 'notes\\n' | cpio -o -H newc --quiet > t.cpio"], in: dir.path)
        let cpio = try ArchiveReader.readAll(path: dir.file("t.cpio"))
        #expect(cpio.map(\.entry.path) == ["notes"])
        #expect(cpio[0].data == Array("x".utf8))
    }

    @Test func extractsAndRefusesEscapes() throws {
        let dir = try TemporaryDirectory()
        try dir.write("tree/ok", Array("fine".utf8))
        try runChecked(["tar", "-cf", dir.file("ok.tar"), "-C", dir.file("tree"), "ok"])
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        try ArchiveReader.extract(path: dir.file("ok.tar"), to: dir.file("out"))
        #expect(try dir.read("out/ok") == Array("fine".utf8))

        try runChecked(["tar", "-cf", dir.file("evil.tar"), "-C", dir.file("tree"), "--transform=s,^,../,", "ok"])
        #expect(throws: ArchiveError.self) { try ArchiveReader.extract(path: dir.file("evil.tar"), to: dir.file("out")) }
    }

    @Test func missingFileIsANamedError() {
        let error = #expect(throws: ArchiveError.self) { _ = try ArchiveReader(path: "/nonexistent.deb") }
        #expect(error?.description.contains("/nonexistent.deb") == true)
    }
}
