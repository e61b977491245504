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

    static let cases = [
        BadEdit(name: "a name dpkg refuses", from: "name: tool", to: "name: Tool_X",
             message: "t.yaml:2: package.name: deb field Package 'Tool_X'"),
        BadEdit(name: "a version that is no version", from: "version: \"1.0.0\"", to: "version: \"one\"",
             message: "t.yaml:3: package.version: deb field Version 'one': the upstream version must start with a digit"),
        BadEdit(name: "a maintainer without an address", from: "maintainer: A Maintainer <a@example.org>", to: "maintainer: nobody",
             message: "t.yaml:4: package.maintainer: deb field Maintainer 'nobody'"),
        BadEdit(name: "a licence without text", from: "license: Apache-2.0", to: "license: Proprietary",
             message: "t.yaml:8: package.license: falcopack has no licence text for 'Proprietary'"),
        BadEdit(name: "a description of one line", from: "    tool does one thing well.\n", to: "",
             message: "t.yaml:5: package.description: give a summary, or a description of two lines or more"),
        BadEdit(name: "a relative install path", from: "dst: /usr/bin/tool", to: "dst: usr/bin/tool",
             message: "t.yaml:10: contents[0].dst: dst 'usr/bin/tool' must be an absolute install path"),
        BadEdit(name: "a missing program", from: "src: tool,", to: "src: nothing,", status: 66,
             message: "t.yaml:10: contents[0]: src '"),
        BadEdit(name: "an unknown key", from: "license: Apache-2.0", to: "license: Apache-2.0\n  licence: MIT",
             message: "t.yaml:9: package.licence: unknown key 'licence'"),
    ]

    @Test(arguments: cases) func isOneLineAndNothingIsWritten(_ bad: BadEdit) throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        try bad.applied(to: Self.spec).write(toFile: work.file("t.yaml"), atomically: true, encoding: .utf8)
        bad.expectRefused(try run([falcopackExecutable(), "all", "--spec", "t.yaml", "--out", "dist"], in: work.path),
                          output: work.file("dist"))
    }
}

/// The documents a one-package spec gets: the changelog named as lintian wants it, from the spec's entries.
@Suite struct ShortSpecDocumentTests {
    @Test func aDebianRevisionGetsChangelogDebianFromTheSpecsEntries() throws {
        let work = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        let spec = ShortSpecErrorTests.spec.replacingOccurrences(of: "  license: Apache-2.0", with: "  license: Apache-2.0\n  release: \"2\"")
            + "\nchangelog:\n  - {version: 1.0.0, date: 2024-05-01, changes: [Faster, Smaller]}\n  - {version: 0.9.0, date: 2024-04-01, changes: [First]}\n"
        try spec.write(toFile: work.file("t.yaml"), atomically: true, encoding: .utf8)
        let built = try run([falcopackExecutable(), "deb", "--spec", "t.yaml", "--out", "dist"], in: work.path)
        #expect(built.status == 0, "\(built.stderr)")
        let deb = work.file("dist/tool_1.0.0-2_amd64.deb")
        let listing = try runChecked(["dpkg-deb", "-c", deb]).output
        #expect(listing.contains("./usr/share/doc/tool/changelog.Debian.gz") && !listing.contains("changelog.gz\n"))
        let text = try runChecked(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO ./usr/share/doc/tool/changelog.Debian.gz | zcat",
                                   "sh", deb]).output
        #expect(text == """
            tool (1.0.0-2) unstable; urgency=medium

              * Faster
              * Smaller

             -- A Maintainer <a@example.org>  Wed, 01 May 2024 00:00:00 +0000

            tool (0.9.0-2) unstable; urgency=medium

              * First

             -- A Maintainer <a@example.org>  Mon, 01 Apr 2024 00:00:00 +0000

            """)
        // dpkg-parsechangelog, Debian's own reader, takes it.
        try text.write(toFile: work.file("changelog"), atomically: true, encoding: .utf8)
        let parsed = try runChecked(["dpkg-parsechangelog", "-l", work.file("changelog"), "-S", "Version"]).output
        #expect(parsed == "1.0.0-2\n")
    }
}
