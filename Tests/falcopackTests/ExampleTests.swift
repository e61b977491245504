import Foundation
import Testing
import TestSupport

/// The specs in Specs/examples, each under 20 lines, built by `falcopack all` from the stand-ins `make dist`
/// prepares, signed, and judged by lintian, rpmlint, rpmkeys, GNU tar and bsdtar, dpkg in a Debian root, and runc.
@Suite(.serialized) struct ExampleTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var version: String
        var config: String
        var unit: String
        var testDescription: String { name }
    }

    static let examples = [
        Example(name: "falcoctl", version: "0.6.2", config: "/etc/falcoctl/falcoctl.yaml",
                unit: "falcoctl-artifact-follow.service"),
        Example(name: "falcosidekick", version: "2.28.0", config: "/etc/falcosidekick/config.yaml",
                unit: "falcosidekick.service"),
        Example(name: "falco-exporter", version: "0.8.3", config: "/etc/default/falco-exporter",
                unit: "falco-exporter.service"),
    ]

    @Test(arguments: examples) func buildsAReleaseTheRealToolsAccept(_ example: Example) throws {
        let spec = repositoryRoot() + "/Specs/examples/\(example.name).yaml"
        let lines = try String(contentsOfFile: spec, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 20, "\(spec) has \(lines.count) lines")
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        let key = try SigningKey.shared.get()
        try falcopack(["all", "--spec", spec, "--out", out] + key.flags)
        let (n, v) = (example.name, example.version)
        let names = ["\(n)_\(v)_amd64.deb", "\(n)_\(v)_arm64.deb", "\(n)-\(v)-1.x86_64.rpm", "\(n)-\(v)-1.aarch64.rpm",
                     "\(n)-\(v)-linux-amd64.tar.gz", "\(n)-\(v)-linux-arm64.tar.gz", "\(n)-\(v)-image.tar"]
        let present = try FileManager.default.contentsOfDirectory(atPath: out)
        for name in names { #expect(present.contains(name), "\(name) missing from \(present.sorted())") }
        #expect(try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: out).output.split(separator: "\n").count == names.count + 2)
        try runChecked(["gpgv", "--keyring", try key.gnupg.keyring(key.publicKey), "SHA256SUMS.asc", "SHA256SUMS"], in: out)

        // lintian: nothing but the signature member it does not know, and what the package overrides with a reason.
        for name in names where name.hasSuffix(".deb") {
            let result = try run(["lintian", "--allow-root", "--no-cfg", "--tag-display-limit", "0", "-E", "--pedantic",
                                  out + "/" + name])
            let reported = result.output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            #expect(reported.filter { !$0.contains(" misplaced-extra-member-in-deb _gpgorigin ") }.isEmpty,
                    "lintian \(name): \(result.output)")
        }
        let control = try runChecked(["dpkg-deb", "-f", out + "/" + names[0], "Package", "Version", "Section", "Priority"]).output
        #expect(control == "Package: \(n)\nVersion: \(v)\nSection: utils\nPriority: optional\n")
        #expect(try runChecked(["dpkg-deb", "--info", out + "/" + names[0], "conffiles"]).output == example.config + "\n")
        let changelog = try runChecked(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO ./usr/share/doc/\(n)/changelog.gz | zcat",
                                        "sh", out + "/" + names[0]]).output
        #expect(changelog.hasPrefix("\(n) (\(v)) unstable; urgency=medium\n\n  * Release \(v).\n\n -- The Falco Authors"))

        // rpm: signature and digests, rpmlint with the package's own filter file, the unit and the configuration.
        let database = try TemporaryDirectory()
        try runChecked(["rpmkeys", "--dbpath", database.path, "--import", key.publicKey])
        try "%_dbpath \(database.path)\n".write(toFile: database.path + "/.rpmmacros", atomically: true, encoding: .utf8)
        for name in names where name.hasSuffix(".rpm") {
            #expect(try runChecked(["rpmkeys", "--dbpath", database.path, "-K", out + "/" + name]).output
                        .hasSuffix("digests signatures OK\n"))
            let lint = try run(["rpmlint", "-r", repositoryRoot() + "/Specs/examples/\(n)/rpmlintrc", out + "/" + name],
                               environment: ["HOME": database.path])
            #expect(lint.output.contains(" 0 errors"), "rpmlint \(name): \(lint.output)")
        }
        let rpm = out + "/" + names[2]
        #expect(try runChecked(["rpm", "-qp", "--configfiles", rpm]).output == example.config + "\n")
        #expect(try runChecked(["rpm", "-qpl", rpm]).output.contains("/usr/lib/systemd/system/\(example.unit)\n"))
        #expect(try runChecked(["rpm", "-qp", "--changelog", rpm]).output.hasSuffix(" - \(v)-1\n- Release \(v).\n\n"))

        // The tarball: the same tree under one top folder, for GNU tar and bsdtar alike.
        for name in names where name.hasSuffix(".tar.gz") {
            let gnu = try runChecked(["tar", "-tzf", out + "/" + name]).output
            #expect(gnu == (try runChecked(["bsdtar", "-tf", out + "/" + name]).output))
            let top = String(name.dropLast(".tar.gz".count))
            #expect(gnu.contains("\(top)/usr/bin/\(n)\n") && gnu.contains("\(top)\(example.config)\n"))
            #expect(gnu.contains("\(top)/usr/share/doc/\(n)/copyright\n"))
        }

        // dpkg installs the deb in a Debian root; the program runs, the unit and configuration are where they go.
        let root = try DebianRoot()
        try FileManager.default.copyItem(atPath: out + "/" + names[0], toPath: root.root + "/tmp/" + names[0])
        let install = try root.apt(["dpkg", "-i", "/tmp/" + names[0]])
        #expect(install.status == 0, "dpkg -i: \(install.output)")
        #expect(try root.apt(["/usr/bin/" + n, "--version"]).output == "\(n) version \(v) (stand-in)\n")
        #expect(FileManager.default.fileExists(atPath: root.root + "/lib/systemd/system/" + example.unit))
        #expect(try root.apt(["dpkg", "--verify", n]).output.isEmpty)
        #expect(try root.apt(["dpkg", "-r", n]).status == 0)

        // The image, on scratch, runs its program under runc; it has both platforms.
        let layout = out + "/\(n)-\(v)-image"
        let image = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/\(n):\(v)")
        #expect(try image.entrypoint() == ["/usr/bin/" + n])
        let ran = try image.runc(["/usr/bin/" + n, "--version"])
        #expect(ran.status == 0 && ran.stdout == Data("\(n) version \(v) (stand-in)\n".utf8), "runc: \(ran.output)")
        for platform in ["amd64", "arm64"] {
            let inspected = try runChecked(["skopeo", "inspect", "--override-arch", platform, "oci:\(layout):falcosecurity/\(n):latest"])
            #expect(inspected.output.contains("\"Architecture\": \"\(platform)\""))
        }
    }
}
