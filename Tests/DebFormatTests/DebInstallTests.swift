import ByteIO
import Codecs
import DebFormat
import Foundation
import PackageModel
import Testing
import TestSupport

/// Packages judged by dpkg itself: its own tar reader at install time, its database, its scripts.
@Suite(.serialized) struct DebInstallTests {
    @Test(arguments: [Codec.xz(preset: 6, extreme: false), .gzip(level: 9), .zstd(level: 19)])
    func installsVerifiesAndPurges(codec: Codec) throws {
        let fixture = try DebFixture()
        let deb = try fixture.build(try fixture.package(scripts: false), codec: codec)
        let root = try DpkgRoot(in: fixture.dir)
        let install = try root.dpkg(["-i", deb])
        #expect(install.status == 0, "dpkg -i: \(install.stderr)")
        let status = try root.dpkg(["-s", DebFixture.name])
        #expect(status.output.contains("Status: install ok installed"))
        let verify = try root.dpkg(["-V", DebFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "dpkg -V: \(verify.output) \(verify.stderr)")
        #expect(root.read("/usr/bin/\(DebFixture.name)") == "#!/bin/sh\necho falcopack-test 1.0.0-1\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/usr/bin/\(DebFixture.name)-alias") == DebFixture.name)
        let original = try FileManager.default.attributesOfItem(atPath: root.path + "/usr/share/\(DebFixture.name)/data.bin")
        let link = try FileManager.default.attributesOfItem(atPath: root.path + "/usr/share/\(DebFixture.name)/data-link.bin")
        #expect(original[.systemFileNumber] as? Int == link[.systemFileNumber] as? Int)
        #expect(root.read("/etc/\(DebFixture.name)/config.yaml") == "setting: 1\n")

        let purge = try root.dpkg(["--purge", DebFixture.name])
        #expect(purge.status == 0, "dpkg --purge: \(purge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.path + "/usr/bin/\(DebFixture.name)"))
        #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/\(DebFixture.name)/config.yaml"))
    }

    @Test func fileCutIntoSeveralXZUnitsInstalls() throws {
        // xz -0 cuts every 1 MiB and preloads the 256 KiB before each cut: dpkg's own reader has to follow the
        // later units' matches back across the cuts, and md5sums (dpkg -V) proves every byte came back.
        let fixture = try DebFixture()
        var package = try fixture.package(scripts: false)
        let big = try fixture.dir.write("src/big.bin", SampleData.bytes(count: (7 << 20) / 2, seed: 22))
        package.files.append(PackageFile(path: "/usr/share/\(DebFixture.name)/big.bin", type: .regular(source: big), permissions: 0o644))
        let deb = try fixture.build(package, codec: .xz(preset: 0, extreme: false))
        let root = try DpkgRoot(in: fixture.dir)
        let install = try root.dpkg(["-i", deb])
        #expect(install.status == 0, "dpkg -i: \(install.stderr)")
        let verify = try root.dpkg(["-V", DebFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "dpkg -V: \(verify.output) \(verify.stderr)")
        #expect(FileManager.default.contents(atPath: root.path + "/usr/share/\(DebFixture.name)/big.bin")
            == FileManager.default.contents(atPath: big))
    }

    @Test func scriptsRunAtInstallUpgradeRemoveAndPurge() throws {
        let fixture = try DebFixture()
        let v1 = try fixture.build(try fixture.package(version: "1.0.0-1"), name: "v1.deb")
        let v2 = try fixture.build(try fixture.package(version: "2.0.0-1"), name: "v2.deb")
        let root = try DpkgRoot(in: fixture.dir)

        #expect(try root.dpkg(["-i", v1]).status == 0)
        #expect(root.calls() == ["preinst install", "postinst configure ", "systemctl daemon-reload"])

        root.clearCalls()
        #expect(try root.dpkg(["-i", v2]).status == 0)
        let upgradeCalls = root.calls()
        // dpkg 1.21 passes the new version to preinst as well.
        #expect(upgradeCalls == ["prerm upgrade 2.0.0-1", "preinst upgrade 1.0.0-1 2.0.0-1",
                                 "postrm upgrade 2.0.0-1", "postinst configure 1.0.0-1", "systemctl daemon-reload"])

        root.clearCalls()
        #expect(try root.dpkg(["--remove", DebFixture.name]).status == 0)
        #expect(root.calls() == ["prerm remove", "postrm remove"])

        root.clearCalls()
        #expect(try root.dpkg(["--purge", DebFixture.name]).status == 0)
        #expect(root.calls() == ["postrm purge"])
    }

    @Test func editedConffileSurvivesUpgrade() throws {
        let fixture = try DebFixture()
        let v1 = try fixture.build(try fixture.package(version: "1.0.0-1", config: "setting: 1\n", scripts: false), name: "v1.deb")
        let v2 = try fixture.build(try fixture.package(version: "2.0.0-1", config: "setting: 2\n", scripts: false), name: "v2.deb")
        let root = try DpkgRoot(in: fixture.dir)
        #expect(try root.dpkg(["-i", v1]).status == 0)
        let config = root.path + "/etc/\(DebFixture.name)/config.yaml"
        try Data("setting: edited\n".utf8).write(to: URL(fileURLWithPath: config))
        let upgrade = try root.dpkg(["--force-confold", "-i", v2])
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(root.read("/etc/\(DebFixture.name)/config.yaml") == "setting: edited\n")
        #expect(root.read("/usr/bin/\(DebFixture.name)") == "#!/bin/sh\necho falcopack-test 2.0.0-1\n")
        #expect(try root.dpkg(["-s", DebFixture.name]).output.contains("Version: 2.0.0-1"))
    }
}
