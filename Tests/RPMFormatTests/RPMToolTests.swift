import ByteIO
import Codecs
import Foundation
import PackageModel
import RPMFormat
import Testing
import TestSupport

/// Packages judged by rpm 4.18 itself: digests, queries, payload, install, verify, upgrade, erase.
@Suite(.serialized) struct RPMToolTests {
    @Test(arguments: [Codec.xz(preset: 6, extreme: false), .gzip(level: 9), .zstd(level: 19)])
    func digestsAreOKAndItInstallsVerifiesAndErases(codec: Codec) throws {
        let fixture = try RPMFixture()
        let rpm = try fixture.build(try fixture.package(), codec: codec)
        let check = try run(["rpm", "-Kv", rpm])
        #expect(check.status == 0, "rpm -Kv: \(check.output) \(check.stderr)")
        let checkLines = check.output.split(separator: "\n").dropFirst()
        #expect(checkLines.count >= 4)
        #expect(checkLines.allSatisfy { $0.hasSuffix(": OK") }, "\(check.output)")

        let root = try RPMRoot(in: fixture.dir)
        let install = try root.rpm(["-ivh", "--nodeps", "--noscripts", rpm])
        #expect(install.status == 0, "rpm -i: \(install.stderr)")
        let verify = try root.rpm(["-V", RPMFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "rpm -V: \(verify.output) \(verify.stderr)")
        #expect(root.read("/usr/bin/\(RPMFixture.name)") == "#!/bin/sh\necho falcopack-test 1.0.0-1\n")
        let erase = try root.rpm(["-e", "--noscripts", RPMFixture.name])
        #expect(erase.status == 0, "rpm -e: \(erase.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/usr/bin/\(RPMFixture.name)"))
    }

    @Test func rpm2cpioExtractsTheExactFiles() throws {
        let fixture = try RPMFixture()
        let rpm = try fixture.build(try fixture.package())
        let out = fixture.dir.file("x")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let listing = try runChecked(["sh", "-c", "rpm2cpio '\(rpm)' | cpio -idmv --quiet 2>&1"], in: out).output
        #expect(listing.split(separator: "\n").map(String.init) == [
            "./etc/falcopack-test", "./etc/falcopack-test/config.yaml", "./usr/bin/falcopack-test",
            "./usr/bin/falcopack-test-alias", "./usr/share/doc/falcopack-test", "./usr/share/doc/falcopack-test/README",
            "./usr/share/falcopack-test", "./usr/share/falcopack-test/data.bin",
        ])
        #expect(try fixture.dir.read("x/usr/share/falcopack-test/data.bin") == (try fixture.dir.read("src/1.0.0-1/data.bin")))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/usr/bin/falcopack-test-alias") == "falcopack-test")
    }

    @Test func queriesShowTheModel() throws {
        let fixture = try RPMFixture()
        let rpm = try fixture.build(try fixture.package())
        let info = try runChecked(["rpm", "-qpi", rpm]).output
        for line in ["Name        : falcopack-test", "Version     : 1.0.0", "Release     : 1", "Architecture: x86_64",
                     "License     : Apache-2.0", "Group       : Applications/System", "Vendor      : Falco",
                     "URL         : https://falco.org", "Summary     : Test package for the falcopack rpm writer",
                     "Packager    : Falcopack Maintainers <maintainers@example.org>"] {
            #expect(info.contains(line), "missing '\(line)' in\n\(info)")
        }
        let provides = try runChecked(["rpm", "-qp", "--provides", rpm]).output
        #expect(provides == "falcopack-test = 1.0.0-1\nfalcopack-test(x86-64) = 1.0.0-1\n")
        let requires = try runChecked(["rpm", "-qp", "--requires", rpm]).output
        #expect(requires.contains("rpmlib(PayloadIsXz) <= 5.2-1"))
        let format = try runChecked(["rpm", "-qp", "--qf", "%{PAYLOADCOMPRESSOR} %{FILEDIGESTALGO} %{BUILDTIME}\n", rpm]).output
        #expect(format == "xz 8 1617235200\n")
        let dump = try runChecked(["rpm", "-qp", "--dump", rpm]).output.split(separator: "\n")
        let config = try #require(dump.first { $0.hasPrefix("/etc/falcopack-test/config.yaml ") })
        // path size mtime digest mode owner group isconfig isdoc rdev symlink
        let fields = config.split(separator: " ")
        #expect(fields[1] == "11" && fields[2] == "1617235200" && fields[4] == "0100644")
        #expect(fields[5] == "root" && fields[6] == "root" && fields[7] == "1" && fields[8] == "0")
        let readme = try #require(dump.first { $0.hasPrefix("/usr/share/doc/falcopack-test/README ") })
        #expect(readme.split(separator: " ")[8] == "1")
    }

    @Test func sameInputSameBytes() throws {
        let fixture = try RPMFixture()
        for codec in [Codec.xz(preset: 6, extreme: false), .gzip(level: 9), .zstd(level: 19)] {
            try fixture.build(try fixture.package(), codec: codec, name: "a.rpm")
            try fixture.build(try fixture.package(), codec: codec, name: "b.rpm")
            #expect(try fixture.dir.read("out/a.rpm") == fixture.dir.read("out/b.rpm"), "\(codec)")
        }
    }
}

@Suite struct RPMFileKindTests {
    @Test func ghostLicenseAndMissingOKAreHonoured() throws {
        let fixture = try RPMFixture()
        var package = try fixture.package()
        package.files += [
            PackageFile(path: "/var/log/falcopack-test.log", type: .generated([]), permissions: 0o640, attributes: .ghost),
            PackageFile(path: "/usr/share/licenses/falcopack-test/LICENSE", type: .generated(Array("Apache-2.0\n".utf8)),
                        permissions: 0o644, attributes: .license),
            PackageFile(path: "/etc/falcopack-test/optional.yaml", type: .generated(Array("x: 1\n".utf8)), permissions: 0o644,
                        attributes: [.config, .missingOK]),
        ]
        let rpm = try fixture.build(package)
        let flags = try runChecked(["rpm", "-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\\n]", rpm]).output
        #expect(flags.contains("g /var/log/falcopack-test.log\n"))
        #expect(flags.contains("l /usr/share/licenses/falcopack-test/LICENSE\n"))
        #expect(flags.contains("cm /etc/falcopack-test/optional.yaml\n"))
        #expect(flags.contains("cn /etc/falcopack-test/config.yaml\n"))
        // A ghost is owned but not shipped: absent from the payload.
        let payload = try runChecked(["sh", "-c", "rpm2cpio '\(rpm)' | cpio -it --quiet"]).output
        #expect(!payload.contains("falcopack-test.log"))
        #expect(payload.contains("./usr/share/licenses/falcopack-test/LICENSE"))

        let root = try RPMRoot(in: fixture.dir)
        #expect(try root.rpm(["-ivh", "--nodeps", "--noscripts", rpm]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.path + "/var/log/falcopack-test.log"))
        try FileManager.default.removeItem(atPath: root.path + "/etc/falcopack-test/optional.yaml")
        // A missing %config(missingok) file and an absent %ghost are not verification failures.
        let verify = try root.rpm(["-V", RPMFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "rpm -V: \(verify.output)")
        #expect(try root.rpm(["-qf", "/var/log/falcopack-test.log"]).output == "falcopack-test-1.0.0-1.x86_64\n")
    }
}
