import Foundation
import Testing
import TestSupport

/// The release described once: a spec whose names use `{{ arch }}` in the images' archive and a spec variable in
/// every file name builds, verifies and publishes, because build, verify and publish name artifacts in one scope;
/// the release's own rules stop a build at the flag or line that breaks them.
@Suite(.serialized) struct ReleaseLayoutTests {
    let key: SigningKey

    init() throws {
        key = try SigningKey.shared.get()
    }

    /// A small product of another name than Falco's, with every kind of artifact and no repository section.
    static func gadgetSpec(in work: TemporaryDirectory) throws -> String {
        let payload = try work.write("readme.txt", Array("a gadget\n".utf8))
        let text = """
            spec-version: 1
            source-date-epoch: 1700000000
            inputs:
              version: {help: version, default: "3.1.4"}
              signing-key: {help: key, required: false, env: FALCOPACK_SIGNING_KEY}
            variables:
              edition: community
            package:
              name: gadget
              version: "{{ version }}"
              architecture: x86_64
              maintainer: Gadget Makers <gadget@example.org>
              summary: a gadget for tests
              description: A gadget that tests the release layout.
              license: MIT
            contents:
              - src: \(payload)
                dst: /usr/share/gadget/readme.txt
            variants:
              plain: {package: gadget, default: true}
            deb:
              file: gadget-{{ version }}-{{ edition }}-{{ arch }}.deb
              alias: gadget-{{ version }}-{{ arch }}.deb
            rpm:
              file: gadget-{{ version }}-{{ edition }}-{{ arch }}.rpm
              release: "1"
            tarballs:
              kinds:
                bin:
                  file: gadget-{{ version }}-{{ edition }}-{{ arch }}.tar.gz
                  contents: [{src: \(payload), dst: readme.txt}]
            image-set:
              layout: gadget-{{ version }}-{{ edition }}-{{ arch }}-images
              archive: gadget-{{ version }}-{{ edition }}-{{ arch }}-images.tar
              repository: example
              tags:
                release: ["{{ version }}", latest]
            image-layers:
              readme:
                contents: [{src: \(payload), dst: /usr/share/gadget/readme.txt}]
            images:
              gadget:
                base: scratch
                layers: [readme]
                usage: "{{ reference }}: a gadget"
            signing:
              key: "{{ signing-key }}"
            sbom:
              spdx: gadget-{{ version }}-{{ edition }}.spdx.json
            """
        return try work.write("gadget.yaml", Array(text.utf8))
    }

    @Test func namesWithArchAndSpecVariablesBuildVerifyAndPublish() throws {
        let work = try TemporaryDirectory()
        let spec = try Self.gadgetSpec(in: work)
        let dist = work.file("dist")
        try falcopack(["all", "--spec", spec, "--out", dist] + key.flags)
        let names = try FileManager.default.contentsOfDirectory(atPath: dist).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == [
            "SHA256SUMS", "SHA256SUMS.asc", "gadget-3.1.4-amd64.deb", "gadget-3.1.4-community-amd64-images",
            "gadget-3.1.4-community-amd64-images.tar", "gadget-3.1.4-community-amd64-images.tar.asc",
            "gadget-3.1.4-community-amd64.deb", "gadget-3.1.4-community-x86_64.rpm",
            "gadget-3.1.4-community-x86_64.tar.gz", "gadget-3.1.4-community-x86_64.tar.gz.asc",
            "gadget-3.1.4-community.spdx.json", "gadget-3.1.4-community.spdx.json.asc",
        ], "\(names)")

        let verified = try falcopack(["verify", dist, "--spec", spec, "--public-key", key.publicKey])
        #expect(verified.output.contains("6 artifacts follow the convention for version 3.1.4"), "\(verified.output)")

        let repository = work.file("repo")
        try falcopack(["publish", dist, "--repo", repository, "--spec", spec] + key.flags)
        let packages = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        #expect(packages.contains("Package: gadget\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: repository + "/files/gadget/3.1.4").sorted()
        #expect(files.contains("gadget-3.1.4-community-amd64-images.tar") && files.contains("gadget-3.1.4-community.spdx.json.asc"),
                "\(files)")
        let page = try String(contentsOfFile: repository + "/index.html", encoding: .utf8)
        #expect(page.contains("sudo apt-get install -y gadget</pre>") && page.contains("<title>Gadget packages</title>"))
        #expect(FileManager.default.fileExists(atPath: repository + "/gadget.list"))

        // A name that verify cannot explain is reported, as before.
        try FileManager.default.copyItem(atPath: dist + "/gadget-3.1.4-community-amd64.deb", toPath: dist + "/gadget-3.1.4-other-amd64.deb")
        let stray = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec])
        #expect(stray.status == 1)
        #expect(stray.stderr.contains("gadget-3.1.4-other-amd64.deb: not a name the convention gives for version 3.1.4"), "\(stray.stderr)")
    }

    /// An input a name uses is read by `verify` and `publish` as a build reads it: from the environment variable the
    /// spec declares, or (for `verify`) the same flag, as given to the build by its flag.
    @Test func verifyNamesWithTheInputsTheBuildWasGiven() throws {
        let work = try TemporaryDirectory()
        let plain = try Self.gadgetSpec(in: work)
        let text = try String(contentsOfFile: plain, encoding: .utf8)
            .replacingOccurrences(of: "variables:\n  edition: community\n", with: "")
            .replacingOccurrences(of: "inputs:\n", with: "inputs:\n  edition: {help: edition, default: community, env: GADGET_EDITION}\n")
        let spec = try work.write("edition.yaml", Array(text.utf8))
        let dist = work.file("dist")
        try falcopack(["all", "--spec", spec, "--edition", "pro", "--out", dist] + key.flags)
        #expect(FileManager.default.fileExists(atPath: dist + "/gadget-3.1.4-pro-amd64.deb"))
        let given = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec],
                              environment: ["GADGET_EDITION": "pro"])
        #expect(given.status == 0, "\(given.stderr)")
        // Or by the same flag as the build, after the folder.
        let flagged = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec, "--edition", "pro"])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        let published = try runIn(repositoryRoot(), [falcopackExecutable(), "publish", dist, "--repo", work.file("repo"), "--spec", spec]
                                  + key.flags, environment: ["GADGET_EDITION": "pro"])
        #expect(published.status == 0, "\(published.stderr)")
        let defaulted = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec])
        #expect(defaulted.status == 1)
        #expect(defaulted.stderr.contains("gadget-3.1.4-community-amd64.deb: missing (expected for version 3.1.4)"), "\(defaulted.stderr)")
    }

    /// `verify` and `publish` report problems as data: printed as lines, and with `--json` as objects naming the
    /// artifact, the kind of problem and the message.
    @Test func problemsAreTypedWithJSON() throws {
        let work = try TemporaryDirectory()
        let spec = try Self.gadgetSpec(in: work)
        let dist = work.file("dist")
        try falcopack(["all", "--spec", spec, "--out", dist] + key.flags)
        try FileManager.default.removeItem(atPath: dist + "/gadget-3.1.4-community-x86_64.rpm")
        try Data("changed\n".utf8).write(to: URL(fileURLWithPath: dist + "/gadget-3.1.4-community-x86_64.tar.gz.asc"))

        let verify = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec, "--json",
                                                  "--public-key", key.publicKey])
        #expect(verify.status == 1)
        struct Report: Decodable {
            struct Problem: Decodable, Equatable {
                var artifact: String?
                var kind: String
                var message: String
            }
            var passed: Bool
            var problems: [Problem]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(verify.output.utf8))
        #expect(!report.passed)
        #expect(report.problems.contains(Report.Problem(artifact: "gadget-3.1.4-community-x86_64.rpm", kind: "missing",
                                                        message: "missing (expected for version 3.1.4)")), "\(report.problems)")
        #expect(report.problems.contains { $0.artifact == "gadget-3.1.4-community-x86_64.tar.gz.asc" && $0.kind == "signature" },
                "\(report.problems)")
        #expect(report.problems.contains { $0.artifact == "SHA256SUMS" && $0.kind == "checksums"
                    && $0.message.hasPrefix("lists 'gadget-3.1.4-community-x86_64.rpm', which cannot be read") },
                "\(report.problems)")
        // The same problems as lines, without --json.
        let lines = try runIn(repositoryRoot(), [falcopackExecutable(), "verify", dist, "--spec", spec, "--public-key", key.publicKey])
        #expect(lines.stderr.contains("falcopack: verify: gadget-3.1.4-community-x86_64.rpm: missing (expected for version 3.1.4)\n"))

        let repository = work.file("repo")
        let publish = try runIn(repositoryRoot(), [falcopackExecutable(), "publish", dist, "--repo", repository, "--spec", spec,
                                                   "--json"] + key.flags)
        #expect(publish.status == 66)
        #expect(publish.stderr.split(separator: "\n").count == 1, "\(publish.stderr)")
        #expect(publish.stderr.contains("does not verify, so it is not published: gadget-3.1.4-community-x86_64.rpm: missing"),
                "\(publish.stderr)")
        struct Refusal: Decodable { var problems: [Report.Problem] }
        let refusal = try JSONDecoder().decode(Refusal.self, from: Data(publish.output.utf8))
        #expect(refusal.problems.contains { $0.kind == "signature" && $0.artifact == "gadget-3.1.4-community-x86_64.tar.gz.asc" }
                || refusal.problems.contains { $0.kind == "signature" }, "\(refusal.problems)")
        #expect(!FileManager.default.fileExists(atPath: repository + "/deb"))
    }

    /// The release's rules, checked once for every artifact whatever its format: one line at the flag or spec line,
    /// the documented exit code, nothing written.
    @Test func releaseRulesStopTheBuildAtTheirOrigin() throws {
        let work = try TemporaryDirectory()
        let spec = try Self.gadgetSpec(in: work)
        struct Case {
            var arguments: [String]
            var status: Int32
            var message: String
            var edit: (String) -> String = { $0 }
        }
        let cases = [
            Case(arguments: ["tar", "--bin", "--version", "1.0 beta"], status: 66,
                 message: "--version: the version '1.0 beta' holds a space or a control character; every file name carries the version"),
            Case(arguments: ["tar", "--bin", "--version", "1/0"], status: 66,
                 message: "--version: the version '1/0' holds a '/'; every file name carries the version"),
            Case(arguments: ["tar", "--bin", "--version", ""], status: 66,
                 message: "--version: the version '' is empty; every file name carries the version"),
            Case(arguments: ["all", "--version", "1.0+git5"], status: 66,
                 message: "--version: gadget-1.0+git5-community-amd64-images.tar: the release tag '1.0+git5' is not an OCI tag"),
            Case(arguments: ["deb"], status: 65, message: "gadget.yaml:30: tarballs.kinds.bin.file: gadget-3.1.4-community-x86.tar.gz: two artifacts would both be named",
                 edit: { $0.replacingOccurrences(of: "file: gadget-{{ version }}-{{ edition }}-{{ arch }}.tar.gz",
                                                 with: "file: gadget-{{ version }}-{{ edition }}-x86.tar.gz")
                     .replacingOccurrences(of: "alias: gadget-{{ version }}-{{ arch }}.deb", with: "alias: gadget-{{ version }}-community-x86.tar.gz") }),
            Case(arguments: ["rpm"], status: 65, message: "gadget.yaml:25: rpm.file: gadget-community-x86_64.rpm: the name does not contain the version 3.1.4",
                 edit: { $0.replacingOccurrences(of: "file: gadget-{{ version }}-{{ edition }}-{{ arch }}.rpm",
                                                 with: "file: gadget-{{ edition }}-{{ arch }}.rpm") }),
            // Typed per-layer compression, checked by the image format when planned.
            Case(arguments: ["image"], status: 65,
                 message: "gadget.yaml:40: image-layers.readme.compression: oci field compression 'xz:6': a layer is gzip, zstd or none; xz is not a layer media type",
                 edit: { $0.replacingOccurrences(of: "  readme:\n", with: "  readme:\n    compression: xz\n") }),
        ]
        for (index, test) in cases.enumerated() {
            let specFile = work.file("case\(index).yaml")
            try test.edit(try String(contentsOfFile: spec, encoding: .utf8)).write(toFile: specFile, atomically: true, encoding: .utf8)
            let out = work.file("out\(index)")
            let result = try runIn(repositoryRoot(), [falcopackExecutable()] + test.arguments + ["--spec", specFile, "--out", out])
            let message = test.message.replacingOccurrences(of: "gadget.yaml", with: "case\(index).yaml")
            #expect(result.status == test.status, "\(test.arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(test.arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(written.isEmpty, "\(written)")
        }
    }
}
