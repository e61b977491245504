import Foundation
import PackageModel
import SpecFile
import Testing

/// A spec without variants describes one package, and what it leaves out comes from each format's conventions.
@Suite struct OnePackageSpecTests {
    static let formats: [(name: String, conventions: FormatConventions)] = [
        ("deb", FormatConventions(kind: .package, fileName: "{{ package }}_{{ package-version }}_{{ arch }}.deb",
                                  unitDirectory: "/lib/systemd/system")),
        ("rpm", FormatConventions(kind: .package, fileName: "{{ package }}-{{ package-version }}.{{ arch }}.rpm",
                                  unitDirectory: "/usr/lib/systemd/system")),
        ("tar", FormatConventions(kind: .tarball, fileName: "{{ package }}-{{ version }}-linux-{{ arch }}.tar.gz")),
        ("oci", FormatConventions(kind: .images, fileName: "{{ package }}-{{ version }}-image.tar",
                                  folder: "{{ package }}-{{ version }}-image")),
    ]

    static let short = """
        package:
          name: tool
          version: "1.2.3"
          maintainer: A Maintainer <a@example.org>
          description: |
            Does one thing well
            tool does one thing, and does it well.
          license: Apache-2.0
        contents:
          - {src: bin/tool, dst: /usr/bin/tool}
          - {src: tool.yaml, dst: /etc/tool/tool.yaml}
        systemd-units: [tool.service]
        """

    func completed(_ text: String, date: Int64 = 1_700_000_000) throws -> Spec {
        try Spec.parse(text, file: "tool.yaml", formats: Self.formats.map(\.name)).completed(formats: Self.formats, date: date)
    }

    @Test func theDescriptionsFirstLineIsTheSummaryAndTheMachinesArchitectureTheDefault() throws {
        let spec = try completed(Self.short)
        #expect(spec.isOnePackage)
        #expect(spec.package.summary.text == "Does one thing well")
        #expect(spec.package.description.text == "tool does one thing, and does it well.")
        #expect(spec.package.architectures == [Architecture.building])
        #expect(spec.variants.map(\.name) == ["default"] && spec.variants[0].isDefault)
        #expect(spec.package.section?.text == "utils" && spec.package.priority?.text == "optional")
    }

    @Test func everyFormatGetsItsConventionalNameAndUnitFolder() throws {
        let spec = try completed(Self.short)
        #expect(spec.formats["deb"]?.file?.text == "{{ package }}_{{ package-version }}_{{ arch }}.deb")
        #expect(spec.formats["deb"]?.contents.map(\.destination.text) == ["/lib/systemd/system/tool.service"])
        #expect(spec.formats["rpm"]?.contents.map(\.destination.text) == ["/usr/lib/systemd/system/tool.service"])
        #expect(spec.tarballs?.kinds.map(\.file.text) == ["{{ package }}-{{ version }}-linux-{{ arch }}.tar.gz"])
        // The tarball holds the package's files under its top folder, the copyright among them.
        #expect(spec.tarballs?.kinds[0].contents.map(\.destination.text)
                == ["usr/bin/tool", "etc/tool/tool.yaml", "usr/share/doc/{{ package }}/copyright"])
        let image = try #require(spec.images?.images.first)
        #expect(image.name == "tool" && image.base.text == "scratch")
        #expect(image.entrypoint?.map(\.text) == ["/usr/bin/tool"])
        #expect(spec.images?.tags.first?.tags.map(\.text) == ["{{ version }}", "latest"])
        #expect(spec.sbom?.spdx?.text == "{{ name }}-{{ version }}.spdx.json")
        #expect(spec.signing?.key.text == "{{ signing-key }}")
        #expect(spec.inputs.map(\.name) == ["version", "signing-key"])
    }

    @Test func theCopyrightIsMachineReadableFromTheLicenceAndHolder() throws {
        let spec = try completed(Self.short)
        let copyright = try #require(spec.contents.first { $0.destination.text == "/usr/share/doc/{{ package }}/copyright" })
        let text = try #require(copyright.text?.text)
        #expect(text.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
        #expect(text.contains("Files: *\nCopyright: 2023 A Maintainer <a@example.org>\nLicense: Apache-2.0\n"))
        #expect(text.contains("/usr/share/common-licenses/Apache-2.0"))
        // MIT has no copy in common-licenses: its text is written out, under Debian's name for it.
        let mit = try completed(Self.short.replacingOccurrences(of: "Apache-2.0", with: "MIT"))
        #expect(mit.contents.last?.text?.text.contains("License: Expat\n Permission is hereby granted") == true)
    }

    @Test func aLicenceWithoutKnownTextOrNoneIsAnErrorAtItsLine() throws {
        #expect {
            try completed(Self.short.replacingOccurrences(of: "Apache-2.0", with: "BUSL-1.1"))
        } throws: { error in
            "\(error)".hasPrefix("tool.yaml:8: package.license: falcopack has no licence text for 'BUSL-1.1'")
        }
        #expect {
            try completed(Self.short.replacingOccurrences(of: "  license: Apache-2.0\n", with: ""))
        } throws: { error in "\(error)".contains("package.license is missing") }
    }

    @Test func aOneLineDescriptionWithoutSummaryIsAnError() throws {
        let text = Self.short.replacingOccurrences(of: "    tool does one thing, and does it well.\n", with: "")
        #expect {
            try completed(text)
        } throws: { error in
            "\(error)".hasPrefix("tool.yaml:5: package.description: give a summary, or a description of two lines or more")
        }
    }

    @Test func theChangelogIsReadAndABadDateNamed() throws {
        let spec = try completed(Self.short + """

            changelog:
              - {version: 1.2.3, date: 2024-05-01, changes: [Faster, Smaller]}
              - {version: 1.2.2, date: 2024-04-01, changes: [First]}
            """)
        #expect(spec.changelog.map(\.version.text) == ["1.2.3", "1.2.2"])
        #expect(spec.changelog[0].date == 1_714_521_600)
        #expect(spec.changelog[0].changes.map(\.text) == ["Faster", "Smaller"])
        #expect {
            try completed(Self.short + "\nchangelog: [{version: 1.2.3, date: 2024-02-30, changes: [x]}]")
        } throws: { error in "\(error)".contains("'2024-02-30' is not a date YYYY-MM-DD") }
    }

    @Test func versionNameAndReleaseAreAlwaysDefined() throws {
        // A spec of variants keeps its formats as written, but {{ version }} and {{ name }} exist in it too.
        let spec = try completed("""
            package: {name: a, version: "2.0", architecture: x86_64, maintainer: m <m@x.org>, summary: s, description: d}
            variants: {one: {package: a}}
            deb: {file: "{{ name }}-{{ version }}.deb"}
            """)
        #expect(!spec.isOnePackage && spec.tarballs == nil && spec.images == nil && spec.formats["rpm"] == nil)
        #expect(spec.inputs.map(\.name) == ["version"] && spec.inputs[0].defaultValue?.text == "2.0")
        #expect(spec.variables.map(\.name) == ["name", "release"])
    }

    @Test func whatTheSpecSaysItselfIsKept() throws {
        let spec = try completed(Self.short + """

            image: {base: "oci:bases/alpine:3", repository: example, entrypoint: [/usr/bin/tool, serve], tags: ["{{ version }}"]}
            deb: {file: "tool.deb"}
            """)
        #expect(spec.formats["deb"]?.file?.text == "tool.deb")
        #expect(spec.images?.images[0].base.text == "oci:bases/alpine:3")
        #expect(spec.images?.repository.text == "example")
        #expect(spec.images?.images[0].entrypoint?.map(\.text) == ["/usr/bin/tool", "serve"])
        #expect(spec.images?.tags[0].tags.map(\.text) == ["{{ version }}"])
    }
}

/// A spec without `source-date-epoch` is dated by the last commit of the git repository holding it, else by the
/// file's modification time; with one, by it.
@Suite struct SpecDateTests {
    static let text = """
        package: {name: a, version: "1", maintainer: m <m@x.org>, summary: s, description: d, license: MIT}
        """

    @Test func theFilesTimeThenTheCommitsThenTheSpecs() throws {
        let folder = NSTemporaryDirectory() + "falcopack-date-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/a.yaml"
        try Self.text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_600_000_000)], ofItemAtPath: file)
        #expect(try Spec.load(path: file, formats: ["deb"]).sourceDateEpoch == 1_600_000_000)

        func git(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["-C", folder] + arguments
            process.environment = ["GIT_AUTHOR_DATE": "@1700000000 +0000", "GIT_COMMITTER_DATE": "@1700000000 +0000",
                                   "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x.org", "GIT_COMMITTER_NAME": "t",
                                   "GIT_COMMITTER_EMAIL": "t@x.org", "HOME": folder]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git(["init", "-q"])
        try git(["add", "a.yaml"])
        try git(["commit", "-q", "-m", "spec"])
        #expect(try Spec.load(path: file, formats: ["deb"]).sourceDateEpoch == 1_700_000_000)

        try (Self.text + "\nsource-date-epoch: 1500000000\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Spec.load(path: file, formats: ["deb"]).sourceDateEpoch == 1_500_000_000)
    }
}
