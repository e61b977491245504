import Foundation
import Testing
import TestSupport

/// A one-package spec with a value lintian, dpkg or rpm would refuse: one line naming the file, line and key, exit
/// 65, nothing written.
@Suite struct ShortSpecErrorTests {
    static let spec = """
        package:
          name: tool
          version: "1.0.0"
          maintainer: A Maintainer <a@example.org>
          description: |
            Does one thing
            tool does one thing well.
          license: Apache-2.0
        contents:
          - {src: tool, dst: /usr/bin/tool}
        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var from: String
        var to: String
        var message: String
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "a name dpkg refuses", from: "name: tool", to: "name: Tool_X",
             message: "t.yaml:2: package.name: deb field Package 'Tool_X'"),
        Case(name: "a version that is no version", from: "version: \"1.0.0\"", to: "version: \"one\"",
             message: "t.yaml:3: package.version: deb field Version 'one': the upstream version must start with a digit"),
        Case(name: "a maintainer without an address", from: "maintainer: A Maintainer <a@example.org>", to: "maintainer: nobody",
             message: "t.yaml:4: package.maintainer: deb field Maintainer 'nobody'"),
        Case(name: "a licence without text", from: "license: Apache-2.0", to: "license: Proprietary",
             message: "t.yaml:8: package.license: falcopack has no licence text for 'Proprietary'"),
        Case(name: "a description of one line", from: "    tool does one thing well.\n", to: "",
             message: "t.yaml:5: package.description: give a summary, or a description of two lines or more"),
        Case(name: "a relative install path", from: "dst: /usr/bin/tool", to: "dst: usr/bin/tool",
             message: "t.yaml:10: contents[0].dst: dst 'usr/bin/tool' must be an absolute install path"),
        Case(name: "a missing program", from: "src: tool,", to: "src: nothing,",
             message: "t.yaml:10: contents[0]: src '"),
        Case(name: "an unknown key", from: "license: Apache-2.0", to: "license: Apache-2.0\n  licence: MIT",
             message: "t.yaml:9: package.licence: unknown key 'licence'"),
    ]

    @Test(arguments: cases) func isOneLineAndNothingIsWritten(_ bad: Case) throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        try Self.spec.replacingOccurrences(of: bad.from, with: bad.to).write(toFile: work.file("t.yaml"), atomically: true, encoding: .utf8)
        let result = try run([falcopackExecutable(), "all", "--spec", "t.yaml", "--out", "dist"], in: work.path)
        #expect(result.status == (bad.name == "a missing program" ? 66 : 65), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("falcopack: error: " + bad.message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.file("dist")))
    }
}
