import Foundation
import Testing
import TestSupport

/// The executable as a user runs it.
@Suite struct CommandLineTests {
    /// Its version, and those of the C libraries that decide its bytes, as Debian's bsdtar reports the same ones.
    @Test func printsItsVersionAndItsLibraries() throws {
        let lines = try runChecked([falcopackExecutable(), "--version"]).output.split(separator: "\n")
        #expect(lines.first == "falcopack 0.1.0")
        let names = lines.dropFirst().map { $0.split(separator: " ")[0] }
        #expect(names == ["libarchive", "zlib", "liblzma", "libzstd"])
        let bsdtar = try runChecked(["bsdtar", "--version"]).output
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            let spelled = parts[0] == "libarchive" ? "libarchive \(parts[1])" : "\(parts[0])/\(parts[1])"
            #expect(bsdtar.contains(spelled), "\(line) against \(bsdtar)")
        }
    }

    @Test func helpDescribesTheTool() throws {
        let result = try runChecked([falcopackExecutable(), "--help"])
        #expect(result.output.contains("USAGE: falcopack"))
        #expect(result.output.contains("deb, rpm and tar.gz release artifacts and container"))
    }

    @Test func unknownFlagFailsWithAMessage() throws {
        let result = try run([falcopackExecutable(), "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--no-such-flag'"))
    }

    @Test func helpDocumentsTheExitCodesAndCommands() throws {
        let result = try runChecked([falcopackExecutable(), "--help"])
        for command in ["deb", "rpm", "tar", "image", "all", "inspect", "verify", "schema"] {
            #expect(result.output.contains("  \(command) "), "\(command)")
        }
        let text = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("65 the spec is wrong; 66 an input is missing or wrong"))
        let deb = try runChecked([falcopackExecutable(), "deb", "--help"]).output
        #expect(deb.contains("--driver <driver>") && deb.contains("--falco-bin PATH") && deb.contains("--compression"))
    }

    @Test func schemaPrintsJSON() throws {
        let result = try runChecked([falcopackExecutable(), "schema"])
        let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        #expect(object?["title"] as? String == "falcopack spec")
    }

    /// Under a terminal (util-linux `script` gives one) the build shows a progress line on stderr.
    @Test func showsProgressOnATerminal() throws {
        let work = try TemporaryDirectory()
        let command = "\(falcopackExecutable()) tar --bpf-src --out \(work.path)/dist"
        let result = try run(["script", "-qec", command, "/dev/null"], in: repositoryRoot())
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("writing falco-0.28.1-bpf-src-x86.tar.gz"))
        #expect(result.output.contains("[1/1]"))
    }
}

/// falcopack run where no checkout is: Falco's spec and payloads copied elsewhere, its demo inputs absent.
@Suite struct OutsideACheckoutTests {
    /// The spec and payloads as the package installs them, under /usr/share/falcopack of a folder.
    static func installedSpec(_ work: TemporaryDirectory) throws -> String {
        try runChecked(["mkdir", "-p", work.file("share/Specs")])
        try runChecked(["cp", repositoryRoot() + "/Specs/falco.yaml", work.file("share/Specs/falco.yaml")])
        try runChecked(["cp", "-r", repositoryRoot() + "/Payloads", work.file("share/Payloads")])
        return work.file("share/Specs/falco.yaml")
    }

    @Test func everyMissingInputIsNamedInOneLine() throws {
        let work = try TemporaryDirectory()
        let spec = try Self.installedSpec(work)
        let all = try run([falcopackExecutable(), "all", "--spec", spec, "--out", work.file("dist")], in: work.path)
        #expect(all.status == 66)
        let lines = all.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(all.stderr)")
        #expect(all.stderr.hasPrefix("falcopack: error: \(spec): 7 inputs are missing: --falco-bin x86_64=PATH ("))
        for flag in ["--falco-bin aarch64=PATH", "--driver-src DIR", "--falco-base IMAGE", "--no-driver-base IMAGE",
                     "--tester-base IMAGE", "--builder-base IMAGE", "`falcopack all --no-images` leaves the images out"] {
            #expect(all.stderr.contains(flag), "\(flag)")
        }
        // falcopack-bin is not among them: its default is the falcopack running.
        #expect(!all.stderr.contains("--falcopack-bin"))
        #expect(!FileManager.default.fileExists(atPath: work.file("dist")))
        // A deb needs neither an image base nor the aarch64 binary when only x86_64 is asked for.
        let deb = try run([falcopackExecutable(), "deb", "--arch", "amd64", "--spec", spec, "--out", work.file("dist")], in: work.path)
        #expect(deb.status == 66)
        #expect(deb.stderr.contains("2 inputs are missing: --falco-bin x86_64=PATH (") && deb.stderr.contains("--driver-src DIR ("),
                "\(deb.stderr)")
        #expect(!deb.stderr.contains("IMAGE") && !deb.stderr.contains("aarch64"))
    }

    /// `all --no-images` needs no base; verify and the checksums know the release was asked for without them, and
    /// a release whose SHA256SUMS lists an image archive it does not hold is still one missing it.
    @Test func aReleaseWithoutImagesIsOneFlagAwayAndVerifyKnowsIt() throws {
        let work = try TemporaryDirectory()
        let spec = try Self.installedSpec(work)
        let dist = work.file("dist")
        let inputs = ["--falco-bin", repositoryRoot() + "/.cache/demo/x86_64/falco",
                      "--falco-bin", "arm64=" + repositoryRoot() + "/.cache/demo/aarch64/falco",
                      "--driver-src", repositoryRoot() + "/.cache/scap/driver"]
        let built = try run([falcopackExecutable(), "all", "--no-images", "--spec", spec, "--out", dist] + inputs, in: work.path)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dist + "/falco-0.28.1-images.tar"))
        let verified = try run([falcopackExecutable(), "verify", "--spec", spec, dist] + inputs, in: work.path)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.output.contains("17 artifacts follow the convention for version 0.28.1, without images (built with --no-images)"))
        let sums = dist + "/SHA256SUMS"
        let listed = try String(contentsOfFile: sums, encoding: .utf8)
        try (listed + String(repeating: "0", count: 64) + "  falco-0.28.1-images.tar\n").write(toFile: sums, atomically: true, encoding: .utf8)
        let damaged = try run([falcopackExecutable(), "verify", "--spec", spec, dist] + inputs, in: work.path)
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("falco-0.28.1-images.tar: missing"), "\(damaged.stderr)")
    }
}

/// `falcopack init` writes a short spec a build takes as it is.
@Suite struct InitTests {
    @Test func writesASpecFromFlagsThatBuildsLintianClean() throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        try "key: value\n".write(toFile: work.file("tool.conf"), atomically: true, encoding: .utf8)
        let made = try run([falcopackExecutable(), "init", "--binary", "tool", "--version", "1.0.0",
                            "--maintainer", "A Maintainer <a@example.org>", "--summary", "does one thing",
                            "--description", "tool does one thing \"well\": it says so.", "--license", "MIT",
                            "--config", "tool.conf", "--homepage", "https://example.org/tool"], in: work.path)
        #expect(made.status == 0, "\(made.stderr)")
        let spec = try String(contentsOfFile: work.file("tool.yaml"), encoding: .utf8)
        #expect(spec.contains("  - {src: \"tool\", dst: \"/usr/bin/tool\"}\n"))
        #expect(spec.split(separator: "\n").count <= 20)
        let built = try run([falcopackExecutable(), "deb", "--spec", "tool.yaml", "--out", "dist"], in: work.path)
        #expect(built.status == 0, "\(built.stderr)")
        let deb = work.file("dist/tool_1.0.0_amd64.deb")
        let lintian = try run(["lintian", "--allow-root", "--no-cfg", "-E", "--pedantic", deb])
        // A statically linked stand-in without a manual page: the two tags a Go program's own overrides file names.
        let reported = lintian.output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            .filter { !$0.contains(" statically-linked-binary ") && !$0.contains(" no-manual-page ") }
        #expect(reported.isEmpty, "\(lintian.output)")
        #expect(try runChecked(["dpkg-deb", "-f", deb, "Description"]).output
                == "does one thing\n tool does one thing \"well\": it says so.\n")
        #expect(try runChecked(["dpkg-deb", "--info", deb, "conffiles"]).output == "/etc/tool/tool.conf\n")
    }

    @Test func missingValuesAreNamedAndAnExistingSpecKept() throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        let missing = try run([falcopackExecutable(), "init", "--binary", "tool"], in: work.path)
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("give --version, --maintainer, --summary, --description"), "\(missing.stderr)")
        try "mine\n".write(toFile: work.file("tool.yaml"), atomically: true, encoding: .utf8)
        let flags = ["init", "--binary", "tool", "--version", "1", "--maintainer", "A <a@example.org>", "--summary", "s",
                     "--description", "d"]
        let kept = try run([falcopackExecutable()] + flags, in: work.path)
        #expect(kept.status == 64 && kept.stderr.contains("tool.yaml exists; pass --force"))
        #expect(try String(contentsOfFile: work.file("tool.yaml"), encoding: .utf8) == "mine\n")
        // A value the spec would refuse: nothing is written, the build's own error says why.
        let refused = try run([falcopackExecutable()] + flags + ["--license", "BUSL-1.1", "--output", "other.yaml"], in: work.path)
        #expect(refused.status == 65 && refused.stderr.contains("no licence text for 'BUSL-1.1'"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted() == ["tool", "tool.yaml"])
        // A program that cannot be read (a folder) is named, not taken for this machine's.
        try FileManager.default.createDirectory(atPath: work.file("folder"), withIntermediateDirectories: false)
        let unreadable = try run([falcopackExecutable(), "init", "--binary", "folder", "--version", "1", "--maintainer", "A <a@example.org>",
                                  "--summary", "s", "--description", "d", "--output", "other.yaml"], in: work.path)
        #expect(unreadable.status == 66 && unreadable.stderr.contains("--binary: 'folder' cannot be read"), "\(unreadable.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.file("other.yaml")))
    }

    /// On a terminal (util-linux `script` gives one), the values not given are asked for.
    @Test func asksOnATerminal() throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        // The name's default (the program's file name) taken, then the version and the rest.
        let answers = "\n2.0\nA Maintainer <a@example.org>\ndoes one thing\nIt does it well.\n\n\n\n\n"
        try answers.write(toFile: work.file("answers"), atomically: true, encoding: .utf8)
        let result = try run(["sh", "-c", "script -qec '\(falcopackExecutable()) init --binary tool' /dev/null < answers"], in: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Package name [tool]: ") && result.output.contains("Licence (SPDX identifier) [Apache-2.0]: "))
        let spec = try String(contentsOfFile: work.file("tool.yaml"), encoding: .utf8)
        #expect(spec.contains("  version: \"2.0\"\n") && spec.contains("  license: \"Apache-2.0\"\n"), "\(spec)")
    }
}
