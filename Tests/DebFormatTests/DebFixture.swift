import ByteIO
import Codecs
import DebFormat
import FormatSeam
import Foundation
import PackageModel
import TestSupport

/// A small, well-formed package (lintian-clean layout) built from files in a temporary directory.
struct DebFixture {
    static let epoch: Int64 = 1_617_235_200
    static let name = "falcopack-test"

    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
    }

    /// Scripts that record each call as "<script> <args>" in /calls.log inside the install root; postinst
    /// also asks systemd to reload, through the root's recording stub.
    static func recordingScript(_ name: String) -> String {
        var body = "#!/bin/sh\nset -e\necho \"\(name) $*\" >> /calls.log\n"
        if name == "postinst" { body += "if command -v systemctl >/dev/null; then systemctl daemon-reload; fi\n" }
        return body
    }

    func package(version: String = "1.0.0-1", config: String = "setting: 1\n", scripts: Bool = true,
                 relations: Relations = Relations(), extraFields: [ExtraField] = []) throws -> Package {
        let program = try dir.write("src/\(version)/falcopack-test", Array("#!/bin/sh\necho falcopack-test \(version)\n".utf8), mode: 0o755)
        let data = try dir.write("src/\(version)/data.bin", SampleData.bytes(count: 300_000, seed: 21))
        let doc = "/usr/share/doc/\(Self.name)"
        let files: [PackageFile] = [
            PackageFile(path: "/usr/bin/\(Self.name)", type: .regular(source: program), permissions: 0o755),
            PackageFile(path: "/usr/bin/\(Self.name)-alias", type: .symlink(target: Self.name), permissions: 0o777),
            PackageFile(path: "/usr/share/\(Self.name)/data.bin", type: .regular(source: data), permissions: 0o644),
            PackageFile(path: "/usr/share/\(Self.name)/data-link.bin", type: .hardlink(target: "/usr/share/\(Self.name)/data.bin"), permissions: 0o644),
            PackageFile(path: "/etc/\(Self.name)/config.yaml", type: .generated(Array(config.utf8)), permissions: 0o644, attributes: .config),
            PackageFile(path: "\(doc)/copyright", type: .generated(Array(Self.copyright.utf8)), permissions: 0o644),
            PackageFile(path: "\(doc)/changelog.Debian.gz", type: .generated(try gzip(Self.changelog(version))), permissions: 0o644),
            PackageFile(path: "/usr/share/man/man1/\(Self.name).1.gz", type: .generated(try gzip(Self.manPage)), permissions: 0o644),
            PackageFile(path: "/usr/share/man/man1/\(Self.name)-alias.1.gz", type: .symlink(target: "\(Self.name).1.gz"), permissions: 0o777),
        ]
        var metadata = PackageMetadata(
            name: Self.name, version: try PackageVersion(parsing: version), architecture: .x86_64,
            maintainer: "Falcopack Maintainers <maintainers@example.org>",
            summary: "test package for the falcopack deb writer",
            description: "This package exercises every part of a deb that falcopack writes: regular files, "
                + "symbolic links, hard links, conffiles and maintainer scripts, so that dpkg and lintian can judge it.\n\n"
                + "It is built only by the tests.",
            homepage: "https://falco.org", section: "utils", priority: "optional", relations: relations)
        metadata.extraFields = extraFields
        let packageScripts = scripts
            ? PackageScripts([.preInstall: Self.recordingScript("preinst"), .postInstall: Self.recordingScript("postinst"),
                              .preRemove: Self.recordingScript("prerm"), .postRemove: Self.recordingScript("postrm")])
            : PackageScripts()
        return Package(metadata: metadata, files: files, scripts: packageScripts)
    }

    /// Writes the package to out/<name>; the final name appears only on success.
    @discardableResult
    func build(_ package: Package, codec: Codec = .defaultXZ, name: String = "test.deb") throws -> String {
        try writeArtifact(DebFormat(), package, codec: codec, to: dir.file("out/" + name), sourceDateEpoch: Self.epoch,
                          scratch: dir.file("out"))
    }

    func gzip(_ text: String) throws -> [UInt8] {
        let out = BufferSink()
        let encoder = try GzipEncoder(level: 9, sink: out)
        try encoder.write(Array(text.utf8))
        try encoder.finish()
        return out.bytes
    }

    static let copyright = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: falcopack-test
        Source: https://falco.org

        Files: *
        Copyright: 2026 The Falco Authors
        License: Apache-2.0
         On Debian systems, the full text of the Apache License 2.0 can be found
         in /usr/share/common-licenses/Apache-2.0.

        """

    static func changelog(_ version: String) -> String {
        """
        falcopack-test (\(version)) unstable; urgency=medium

          * Initial release. (Closes: #1000001)

         -- Falcopack Maintainers <maintainers@example.org>  Thu, 01 Apr 2021 00:00:00 +0000

        """
    }

    static let manPage = """
        .TH FALCOPACK-TEST 1
        .SH NAME
        falcopack-test \\- print the version of the falcopack test package
        .SH SYNOPSIS
        .B falcopack-test
        .SH DESCRIPTION
        Prints its version.

        """
}
