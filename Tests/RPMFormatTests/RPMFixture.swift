import ByteIO
import Codecs
import Foundation
import PackageModel
import RPMFormat
import TestSupport

/// A small package built from files in a temporary directory, and a throwaway root for `rpm --root`.
struct RPMFixture {
    static let epoch: Int64 = 1_617_235_200
    static let name = "falcopack-test"

    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
    }

    /// Scriptlets that record each call as "<scriptlet> <$1>" in /calls.log inside the install root.
    static func recordingScript(_ name: String) -> String {
        "#!/bin/sh\necho \"\(name) $1\" >> /calls.log\n"
    }

    func package(version: String = "1.0.0-1", config: String = "setting: 1\n", scripts: Bool = false,
                 architecture: Architecture = .x86_64) throws -> Package {
        let program = try dir.write("src/\(version)/falcopack-test", Array("#!/bin/sh\necho falcopack-test \(version)\n".utf8), mode: 0o755)
        let data = try dir.write("src/\(version)/data.bin", SampleData.bytes(count: 300_000, seed: 31))
        let files: [PackageFile] = [
            PackageFile(path: "/usr/bin/\(Self.name)", type: .regular(source: program), permissions: 0o755),
            PackageFile(path: "/usr/bin/\(Self.name)-alias", type: .symlink(target: Self.name), permissions: 0o777),
            PackageFile(path: "/usr/share/\(Self.name)", type: .directory, permissions: 0o755),
            PackageFile(path: "/usr/share/\(Self.name)/data.bin", type: .regular(source: data), permissions: 0o644),
            PackageFile(path: "/etc/\(Self.name)", type: .directory, permissions: 0o755),
            PackageFile(path: "/etc/\(Self.name)/config.yaml", type: .generated(Array(config.utf8)), permissions: 0o644,
                        attributes: [.config, .noReplace]),
            PackageFile(path: "/usr/share/doc/\(Self.name)", type: .directory, permissions: 0o755),
            PackageFile(path: "/usr/share/doc/\(Self.name)/README", type: .generated(Array("Read me.\n".utf8)), permissions: 0o644,
                        attributes: .doc),
        ]
        let metadata = PackageMetadata(
            name: Self.name, version: try PackageVersion(parsing: version), architecture: architecture,
            maintainer: "Falcopack Maintainers <maintainers@example.org>",
            summary: "Test package for the falcopack rpm writer",
            description: "This package exercises the parts of an rpm that falcopack writes.",
            homepage: "https://falco.org", section: "Applications/System", license: "Apache-2.0",
            vendor: "Falco")
        let packageScripts = scripts
            ? PackageScripts([.preInstall: Self.recordingScript("pre"), .postInstall: Self.recordingScript("post"),
                              .preRemove: Self.recordingScript("preun"), .postRemove: Self.recordingScript("postun"),
                              .preTransaction: Self.recordingScript("pretrans"),
                              .postTransaction: Self.recordingScript("posttrans")])
            : PackageScripts()
        return Package(metadata: metadata, files: files, scripts: packageScripts)
    }

    /// Writes the package to out/<name>; the final name appears only on success.
    @discardableResult
    func build(_ package: Package, codec: Codec = .defaultXZ, name: String = "test.rpm") throws -> String {
        try writeArtifact(RPMFormat(), package, codec: codec, to: dir.file("out/" + name), sourceDateEpoch: Self.epoch,
                          scratch: dir.file("out"))
    }
}
