import ByteIO
import Codecs
import FormatSeam
import Foundation
import PackageModel
import TarballFormat
import Testing
import TestSupport

/// Tarballs in every codec, judged by GNU tar and bsdtar, and read back by the format itself.
@Suite struct TarballFormatTests {
    static let epoch: Int64 = 1_620_345_600

    func package(in dir: TemporaryDirectory) throws -> Package {
        let program = try dir.write("src/falco", SampleData.bytes(count: 2 << 20, seed: 9), mode: 0o755)
        let files = [
            PackageFile(path: "/falco-1.0/usr/bin/falco", type: .regular(source: program), permissions: 0o755),
            PackageFile(path: "/falco-1.0/INSTALL", type: .generated(Array("make install\n".utf8)), permissions: 0o644),
            PackageFile(path: "/falco-1.0/usr/bin/falco-link", type: .symlink(target: "falco"), permissions: 0o777),
        ]
        let metadata = PackageMetadata(name: "falco", version: PackageVersion(upstream: "1.0"), architecture: .x86_64,
                                       maintainer: "M <m@example.org>", summary: "s")
        return Package(metadata: metadata, files: files)
    }

    @Test(arguments: [(Codec.gzip(level: 6), "gz"), (.xz(preset: 1, extreme: false), "xz"), (.zstd(level: 3), "zst")])
    func gnuTarAndBsdtarListTheSameEntries(codec: Codec, suffix: String) throws {
        let dir = try TemporaryDirectory()
        let format = TarballFormat()
        let path = try writeArtifact(format, try package(in: dir), codec: codec, to: dir.file("falco-1.0.tar.\(suffix)"),
                                     sourceDateEpoch: Self.epoch, scratch: dir.path)
        #expect(format.suffix(of: path) == ".tar.\(suffix)")
        let gnu = try runChecked(["tar", "-tvf", path]).output
        let bsd = try runChecked(["bsdtar", "-tf", path]).output
        #expect(bsd == "falco-1.0/\nfalco-1.0/INSTALL\nfalco-1.0/usr/\nfalco-1.0/usr/bin/\nfalco-1.0/usr/bin/falco\nfalco-1.0/usr/bin/falco-link\n")
        #expect(gnu.contains("-rwxr-xr-x root/root   2097152 2021-05-07 00:00 falco-1.0/usr/bin/falco"), "\(gnu)")
        let extracted = dir.file("x")
        try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
        try runChecked(["tar", "-xf", path, "-C", extracted])
        #expect(try dir.read("x/falco-1.0/usr/bin/falco") == (try dir.read("src/falco")))
        let inspection = try format.inspect(path: path, scratch: ScratchFolder(path: dir.path))
        #expect(inspection.files.map(\.path).contains("falco-1.0/usr/bin/falco-link"))
        #expect(inspection.identity == nil)
    }

    @Test func hardLinksAreRefusedBeforeWriting() throws {
        let dir = try TemporaryDirectory()
        var package = try package(in: dir)
        package.files.append(PackageFile(path: "/falco-1.0/usr/bin/again", type: .hardlink(target: "/falco-1.0/usr/bin/falco"),
                                         permissions: 0o755))
        let violation = #expect(throws: FormatViolation.self) {
            try TarballFormat().validate(Artifact(package: package, codec: .defaultGzip))
        }
        #expect(violation?.description == "tar file '/falco-1.0/usr/bin/again': hard links are not supported in tarballs")
    }
}
