import Foundation
import Testing
import TestSupport

/// Broken specs (Fixtures/) and broken inputs: each gives one error line naming the file, line, key or flag,
/// a documented exit code, and nothing under a final name in the output folder.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var status: Int32
        var message: String
        var testDescription: String { name }
    }

    static let fixtures = "Tests/falcopackTests/Fixtures/"

    static func spec(_ name: String) -> [String] { ["--spec", fixtures + name] }

    static let cases: [Case] = [
        Case(name: "unknown key", arguments: ["all"] + spec("unknown-key.yaml"), status: 65,
             message: "unknown-key.yaml:9: pakage: unknown key 'pakage' (known here: spec-version,"),
        Case(name: "bad YAML", arguments: ["all"] + spec("bad-yaml.yaml"), status: 65,
             message: "bad-yaml.yaml:18: YAML syntax:"),
        Case(name: "wrong type", arguments: ["all"] + spec("wrong-type.yaml"), status: 65,
             message: "wrong-type.yaml:19: contents[0].mode: 'rwxr-xr-x' is not an octal mode"),
        Case(name: "missing key", arguments: ["all"] + spec("missing-key.yaml"), status: 65,
             message: "missing-key.yaml:10: package: missing required key 'maintainer'"),
        Case(name: "undefined variable", arguments: ["all"] + spec("undefined-variable.yaml"), status: 65,
             message: "undefined-variable.yaml:18: contents[0].dst: undefined variable 'binary-name' (defined: "),
        Case(name: "path escaping the root", arguments: ["all"] + spec("path-escape.yaml"), status: 65,
             message: "path-escape.yaml:18: contents[0].dst: dst '/usr/../../etc/falco' escapes the root through '..'"),
        Case(name: "tarball path escaping its folder", arguments: ["tar"] + spec("tarball-escape.yaml"), status: 65,
             message: "tarball-escape.yaml:38: tarballs.kinds.src.contents[0].dst: dst '../driver' escapes the root"),
        // What a format refuses is found while planning, at the spec line that put it there.
        Case(name: "maintainer without an address", arguments: ["all"] + spec("bad-maintainer.yaml"), status: 65,
             message: "bad-maintainer.yaml:13: package.maintainer: deb field Maintainer 'nobody': must read 'Full Name <address@example.org>'"),
        Case(name: "a version rpm refuses", arguments: ["rpm"] + spec("rpm-version.yaml"), status: 65,
             message: "rpm-version.yaml:4: inputs.version: rpm field Version '1.0!2-1': version '1.0!2' may hold only letters, digits and . _ + ~ ^"),
        Case(name: "a relation deb cannot express", arguments: ["deb"] + spec("deb-supplements.yaml"), status: 65,
             message: "deb-supplements.yaml:24: variants.module.supplements[0]: deb field Supplements 'falco-plugins': deb has no Supplements field"),
        Case(name: "a script for the wrong format", arguments: ["deb"] + spec("wrong-format-script.yaml"), status: 65,
             message: "wrong-format-script.yaml:30: deb.scripts.pre-transaction: deb field pre-transaction '#!/bin/sh': deb has no transaction scripts; set them for rpm only"),
        Case(name: "missing input", arguments: ["all", "--falco-bin", "/nonexistent/falco"], status: 66,
             message: "--falco-bin: input 'falco-bin' (--falco-bin): '/nonexistent/falco' does not exist (pass --falco-bin [ARCH=]PATH)"),
        Case(name: "version with a space", arguments: ["all", "--version", "1.0 beta"], status: 66,
             message: "--version: the version '1.0 beta' holds a space or a control character; every file name carries the version"),
        Case(name: "version with a slash", arguments: ["deb", "--version", "1.0/2"], status: 66,
             message: "--version: the version '1.0/2' holds a '/'; every file name carries the version"),
        Case(name: "version deb refuses", arguments: ["deb", "--version", "1.0_2"], status: 66,
             message: "--version: deb field Version '1.0_2': the upstream version may hold only letters, digits and . + ~ - (no spaces, slashes or colons)"),
        Case(name: "driver version that contradicts the sources", arguments: ["rpm", "--driver-version", "9.9"], status: 66,
             message: "dkms.conf: PACKAGE_VERSION is '0.1.1dev+git20220316.e5c53d64' but --driver-version says '9.9'"),
        Case(name: "unknown input flag", arguments: ["all", "--falco-binary", "x"], status: 64,
             message: "--falco-binary: unknown option; Specs/falco.yaml declares the inputs --version, --falco-bin,"),
        Case(name: "unknown driver", arguments: ["deb", "--driver", "kmod"], status: 64,
             message: "--driver: 'kmod' is not a variant of Specs/falco.yaml (variants: module, bpf)"),
        Case(name: "missing spec", arguments: ["all", "--spec", "Specs/nope.yaml"], status: 66,
             message: "Specs/nope.yaml: cannot read the spec (pass --spec PATH to name another)"),
    ]

    @Test(arguments: cases) func rejected(_ bad: Case) throws {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        let result = try run([falcopackExecutable()] + bad.arguments + ["--out", out], in: repositoryRoot())
        #expect(result.status == bad.status, "\(result.stderr)")
        #expect(result.stderr.hasSuffix("\n") && result.stderr.dropLast().split(separator: "\n").count == 1,
                "one line: \(result.stderr)")
        #expect(result.stderr.hasPrefix("falcopack: error: "), "\(result.stderr)")
        #expect(result.stderr.contains(bad.message), "\(result.stderr)")
        #expect(result.output.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out), "\(out) was created")
    }

    @Test func binaryInTheSourceTreeListsEachFile() throws {
        let work = try TemporaryDirectory()
        let sources = work.file("driver")
        try runChecked(["cp", "-r", repositoryRoot() + "/.cache/scap/driver", sources])
        try runChecked(["gcc", "-c", "-x", "c", "/dev/null", "-o", sources + "/leftover.o"])
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: sources + "/bpf/tool.txt")
        let out = work.file("dist")
        let result = try run([falcopackExecutable(), "tar", "--src", "--driver-src", sources, "--out", out], in: repositoryRoot())
        #expect(result.status == 66)
        #expect(result.stderr.dropLast().split(separator: "\n").count == 1)
        #expect(result.stderr.contains("tarball 'src' must hold sources only; remove these binaries: "), "\(result.stderr)")
        #expect(result.stderr.contains("bpf/tool.txt (ELF shared object or executable)"))
        #expect(result.stderr.contains("leftover.o (ELF relocatable object)"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func outputFolderThatCannotBeCreated() throws {
        let work = try TemporaryDirectory()
        let blocker = try work.write("file", Array("not a folder".utf8))
        let result = try run([falcopackExecutable(), "all", "--out", blocker + "/dist"] + (try ImageBases.flags()),
                             in: repositoryRoot())
        #expect(result.status == 73)
        #expect(result.stderr == "falcopack: error: output folder '\(blocker)/dist': cannot be created (pass --out DIR)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["file"])
    }
}
