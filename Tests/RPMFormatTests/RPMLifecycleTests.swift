import ByteIO
import Codecs
import Foundation
import PackageModel
import RPMFormat
import Testing
import TestSupport

/// Install, upgrade and erase with the real rpm, scriptlets running in a busybox root.
@Suite(.serialized) struct RPMLifecycleTests {
    @Test func scriptletsGetTheRightArgument() throws {
        let fixture = try RPMFixture()
        let v1 = try fixture.build(try fixture.package(version: "1.0.0-1", scripts: true), name: "v1.rpm")
        let v2 = try fixture.build(try fixture.package(version: "2.0.0-1", scripts: true), name: "v2.rpm")
        let root = try RPMRoot(in: fixture.dir, shell: true)

        let install = try root.rpm(["-ivh", "--nodeps", v1])
        #expect(install.status == 0, "rpm -i: \(install.stderr)")
        #expect(root.calls() == ["pretrans 1", "pre 1", "post 1", "posttrans 1"])

        root.clearCalls()
        let upgrade = try root.rpm(["-Uvh", "--nodeps", v2])
        #expect(upgrade.status == 0, "rpm -U: \(upgrade.stderr)")
        #expect(root.calls() == ["pretrans 2", "pre 2", "post 2", "preun 1", "postun 1", "posttrans 2"])

        root.clearCalls()
        let erase = try root.rpm(["-e", "--nodeps", RPMFixture.name])
        #expect(erase.status == 0, "rpm -e: \(erase.stderr)")
        #expect(root.calls() == ["preun 0", "postun 0"])
    }

    @Test func editedConfigSurvivesUpgradeAndTheNewOneLandsAsRpmnew() throws {
        let fixture = try RPMFixture()
        let v1 = try fixture.build(try fixture.package(version: "1.0.0-1", config: "setting: 1\n"), name: "v1.rpm")
        let v2 = try fixture.build(try fixture.package(version: "2.0.0-1", config: "setting: 2\n"), name: "v2.rpm")
        let root = try RPMRoot(in: fixture.dir)
        #expect(try root.rpm(["-ivh", "--nodeps", "--noscripts", v1]).status == 0)
        try Data("setting: edited\n".utf8).write(to: URL(fileURLWithPath: root.path + "/etc/falcopack-test/config.yaml"))
        let upgrade = try root.rpm(["-Uvh", "--nodeps", "--noscripts", v2])
        #expect(upgrade.status == 0, "rpm -U: \(upgrade.stderr)")
        #expect(root.read("/etc/falcopack-test/config.yaml") == "setting: edited\n")
        #expect(root.read("/etc/falcopack-test/config.yaml.rpmnew") == "setting: 2\n")
        #expect(root.read("/usr/bin/falcopack-test") == "#!/bin/sh\necho falcopack-test 2.0.0-1\n")
        // -V reports the edited config (size, digest, mtime; c = config), and nothing else.
        let verify = try root.rpm(["-V", RPMFixture.name])
        #expect(verify.output == "S.5....T.  c /etc/falcopack-test/config.yaml\n")
    }

    @Test func rpmlintReportsNoErrors() throws {
        let fixture = try RPMFixture()
        let rpm = try fixture.build(try fixture.package(architecture: .all), name: "falcopack-test-1.0.0-1.noarch.rpm")
        let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("rpmlint.toml").path
        let result = try run(["rpmlint", "-c", config, rpm])
        #expect(result.status == 0, "rpmlint: \(result.output) \(result.stderr)")
        #expect(result.output.contains("0 errors, 0 warnings"), "rpmlint: \(result.output)")
    }

    @Test func createrepoIndexesIt() throws {
        let fixture = try RPMFixture()
        try FileManager.default.createDirectory(atPath: fixture.dir.file("repo"), withIntermediateDirectories: true)
        try fixture.build(try fixture.package(), name: "../repo/falcopack-test-1.0.0-1.x86_64.rpm")
        try runChecked(["createrepo_c", "--quiet", fixture.dir.file("repo")])
        let primary = try runChecked(["sh", "-c", "zcat '\(fixture.dir.file("repo"))'/repodata/*primary.xml.gz"]).output
        #expect(primary.contains("<name>falcopack-test</name>"))
        #expect(primary.contains("<version epoch=\"0\" ver=\"1.0.0\" rel=\"1\"/>"))
        #expect(primary.contains("<rpm:license>Apache-2.0</rpm:license>"))
    }
}

/// A file cut into several xz units, the later ones reaching back across the cuts, judged by rpm.
@Suite struct RPMXZUnitTests {
    @Test func fileCutIntoSeveralXZUnitsInstallsAndVerifies() throws {
        let fixture = try RPMFixture()
        var package = try fixture.package()
        let big = try fixture.dir.write("src/big.bin", SampleData.bytes(count: (7 << 20) / 2, seed: 32))
        package.files.append(PackageFile(path: "/usr/share/falcopack-test/big.bin", type: .regular(source: big), permissions: 0o644))
        // xz -0: 1 MiB units, each after the first preloaded with the 256 KiB before it.
        let rpm = try fixture.build(package, codec: .xz(preset: 0, extreme: false))
        let check = try run(["rpm", "-Kv", rpm])
        #expect(check.status == 0, "rpm -Kv: \(check.output)")
        let root = try RPMRoot(in: fixture.dir)
        let install = try root.rpm(["-ivh", "--nodeps", "--noscripts", rpm])
        #expect(install.status == 0, "rpm -i: \(install.stderr)")
        // rpm -V compares every file's SHA-256 with the header's.
        let verify = try root.rpm(["-V", RPMFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "rpm -V: \(verify.output) \(verify.stderr)")
        let erase = try root.rpm(["-e", "--nodeps", "--noscripts", RPMFixture.name])
        #expect(erase.status == 0, "rpm -e: \(erase.stderr)")
    }
}

/// A file past 4 GiB: LONGFILESIZES, rpmlib(LargeFiles) and the stripped 07070X payload, judged by rpm.
@Suite struct RPMLargeFileTests {
    @Test func fileLargerThan4GiBInstallsAndVerifies() throws {
        let fixture = try RPMFixture()
        let big = fixture.dir.file("src/zeros.img")
        try FileManager.default.createDirectory(atPath: fixture.dir.file("src"), withIntermediateDirectories: true)
        try runChecked(["truncate", "-s", "\((UInt64(1) << 32) + 4096)", big])   // sparse: no disk until installed
        var package = try fixture.package()
        package.files.append(PackageFile(path: "/usr/share/falcopack-test/zeros.img", type: .regular(source: big), permissions: 0o644))
        let rpm = try fixture.build(package, codec: .zstd(level: 3))

        let check = try run(["rpm", "-Kv", rpm])
        #expect(check.status == 0, "rpm -Kv: \(check.output)")
        let requires = try runChecked(["rpm", "-qp", "--requires", rpm]).output
        #expect(requires.contains("rpmlib(LargeFiles) <= 4.12.0-1"))
        let size = try runChecked(["rpm", "-qp", "--qf", "[%{LONGFILESIZES} %{FILENAMES}\\n]", rpm]).output
        #expect(size.contains("4294971392 /usr/share/falcopack-test/zeros.img"))

        let root = try RPMRoot(in: fixture.dir)
        let install = try root.rpm(["-ivh", "--nodeps", "--noscripts", rpm])
        #expect(install.status == 0, "rpm -i: \(install.stderr)")
        let verify = try root.rpm(["-V", RPMFixture.name])
        #expect(verify.status == 0 && verify.output.isEmpty, "rpm -V: \(verify.output) \(verify.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: root.path + "/usr/share/falcopack-test/zeros.img")
        #expect((attributes[.size] as? UInt64) == (UInt64(1) << 32) + 4096)
    }
}
