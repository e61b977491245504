import Foundation
import Testing
import TestSupport

/// `falcopack all` on the demo inputs, judged by sha256sum, GNU tar, bsdtar, lintian, rpm and rpmlint.
@Suite(.serialized) struct ReleaseTests {
    let release: Release

    init() throws { release = try Release.shared.get() }

    @Test func writesTheArtifactsAndChecksumsThatSha256sumAccepts() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: release.dist).sorted()
        let v = Release.version
        let documents = ["falco-\(v).spdx.json", "falco-\(v).cdx.json"]
        // Packages are signed inside; every other file, the sums and the bills of materials beside them.
        let signatures = (release.names.filter { !$0.hasSuffix(".deb") && !$0.hasSuffix(".rpm") } + documents + ["SHA256SUMS"])
            .map { $0 + ".asc" }
        #expect(present == (release.names + documents + signatures + ["SHA256SUMS", "falco-\(v)-images"]).sorted())
        let check = try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: release.dist)
        #expect(check.output.split(separator: "\n").count == 20)
        #expect(!check.output.contains("FAILED"))
    }

    @Test func verifyPassesOnTheRelease() throws {
        let result = try falcopack(["verify", release.dist])
        #expect(result.output.contains("19 artifacts follow the convention for version \(Release.version)"))
    }

    @Test func aliasesAreHardLinksOfTheModulePackages() throws {
        let v = Release.version
        for (alias, target) in [("falco-\(v)-amd64.deb", "falco-\(v)-module-amd64.deb"),
                                ("falco-\(v)-x86_64.rpm", "falco-\(v)-module-x86_64.rpm"),
                                ("falco-\(v)-arm64.deb", "falco-\(v)-module-arm64.deb"),
                                ("falco-\(v)-aarch64.rpm", "falco-\(v)-module-aarch64.rpm")] {
            var a = stat(), b = stat()
            #expect(stat(release.path(alias), &a) == 0 && stat(release.path(target), &b) == 0)
            #expect(a.st_ino == b.st_ino)
            let cmp = try run(["cmp", release.path(alias), release.path(target)])
            #expect(cmp.status == 0, "\(alias) differs from \(target): \(cmp.output)")
        }
    }

    @Test func packagesCarryTheirVariantNamesAndRelations() throws {
        let v = Release.version
        let module = try runChecked(["dpkg-deb", "-f", release.path("falco-\(v)-module-amd64.deb"), "Package", "Version"]).output
        #expect(module == "Package: falco\nVersion: \(v)\n")
        let bpf = try runChecked(["dpkg-deb", "-f", release.path("falco-\(v)-bpf-amd64.deb"),
                                  "Package", "Provides", "Conflicts", "Replaces"]).output
        #expect(bpf == "Package: falco-bpf\nProvides: falco (= \(v))\nConflicts: falco\nReplaces: falco\n")
        let conffiles = try runChecked(["dpkg-deb", "--info", release.path("falco-\(v)-module-amd64.deb"), "conffiles"]).output
        #expect(conffiles.split(separator: "\n").sorted() == ["/etc/falco/falco.yaml", "/etc/falco/falco_rules.local.yaml",
                                                               "/etc/falco/falco_rules.yaml"])
        let rpm = try runChecked(["rpm", "-qp", "--qf", "%{NAME} %{VERSION} [%{PROVIDES} ][%{CONFLICTS} ][%{OBSOLETES} ]",
                                  release.path("falco-\(v)-bpf-x86_64.rpm")]).output
        #expect(rpm == "falco-bpf \(v) falco falco-bpf falco-bpf(x86-64) falco falco ")
        let configs = try runChecked(["rpm", "-qp", "--configfiles", release.path("falco-\(v)-module-x86_64.rpm")]).output
        #expect(configs.split(separator: "\n").sorted() == ["/etc/falco/falco.yaml", "/etc/falco/falco_rules.local.yaml",
                                                            "/etc/falco/falco_rules.yaml"])
        let flags = try runChecked(["rpm", "-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]",
                                    release.path("falco-\(v)-module-x86_64.rpm")]).output
        #expect(flags.contains("/etc/falco/falco.yaml cn\n"))
    }

    @Test func modulePackageInstallsTheDriverSourcesWithDkmsConf() throws {
        let v = Release.version
        let listing = try runChecked(["dpkg-deb", "-c", release.path("falco-\(v)-module-amd64.deb")]).output
        let src = "./usr/src/scap-\(Release.driverVersion)/"
        for file in ["main.c", "Makefile", "driver_config.h", "dkms.conf", "bpf/probe.c", "bpf/Makefile"] {
            #expect(listing.contains(src + file), "missing \(file)")
        }
        let extracted = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-x", release.path("falco-\(v)-module-amd64.deb"), extracted.path])
        let dkms = try String(contentsOfFile: extracted.path + "/usr/src/scap-\(Release.driverVersion)/dkms.conf", encoding: .utf8)
        #expect(dkms.contains("PACKAGE_NAME=\"scap\"\nPACKAGE_VERSION=\"\(Release.driverVersion)\""))
        let bpfListing = try runChecked(["dpkg-deb", "-c", release.path("falco-\(v)-bpf-amd64.deb")]).output
        #expect(bpfListing.contains(src + "bpf/probe.c"))
        #expect(!bpfListing.contains(src + "main.c"))
        #expect(!bpfListing.contains("dkms.conf"))
    }

    @Test func lintianFindsNoErrors() throws {
        let v = Release.version
        for name in ["falco-\(v)-module-amd64.deb", "falco-\(v)-bpf-amd64.deb"] {
            let result = try run(["lintian", "--allow-root", "--no-cfg", "--tag-display-limit", "0", "-E", "--pedantic",
                                  release.path(name)])
            let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            // lintian allows no member beyond the three, so it reports the origin signature of every signed deb.
            // Nothing else may be reported.
            let unexpected = lines.filter { !$0.contains(" misplaced-extra-member-in-deb _gpgorigin ") }
            #expect(unexpected.isEmpty, "lintian \(name): \(result.output)")
        }
    }

    @Test func rpmAcceptsDigestsAndRpmlintFindsNoErrors() throws {
        let v = Release.version
        let database = try TemporaryDirectory()
        try runChecked(["rpmkeys", "--dbpath", database.path, "--import", try SigningKey.shared.get().publicKey])
        for name in ["falco-\(v)-module-x86_64.rpm", "falco-\(v)-bpf-x86_64.rpm"] {
            let check = try runChecked(["rpmkeys", "--dbpath", database.path, "-K", release.path(name)])
            #expect(check.output.hasSuffix("digests signatures OK\n"))
            // rpmlint checks the signature against rpm's database: the one holding the key, through ~/.rpmmacros.
            try "%_dbpath \(database.path)\n".write(toFile: database.path + "/.rpmmacros", atomically: true, encoding: .utf8)
            let lint = try run(["rpmlint", "-c", repositoryRoot() + "/Tests/falcopackTests/rpmlint.toml", release.path(name)],
                               environment: ["HOME": database.path])
            #expect(lint.output.contains(" 0 errors"), "rpmlint \(name): \(lint.output)")
        }
    }

    @Test func tarballsListWithGnuTarAndBsdtarUnderOneTopFolder() throws {
        for name in release.names where name.hasSuffix(".tar.gz") {
            let top = String(name.dropLast(".tar.gz".count))
            let gnu = try runChecked(["tar", "-tzf", release.path(name)]).output.split(separator: "\n")
            let bsd = try runChecked(["bsdtar", "-tf", release.path(name)]).output.split(separator: "\n")
            #expect(gnu == bsd)
            #expect(gnu.first == "\(top)/")
            #expect(gnu.allSatisfy { $0.hasPrefix(top + "/") }, "\(name)")
            #expect(gnu.contains("\(top)/INSTALL"))
            try runChecked(["gzip", "-t", release.path(name)])
        }
        let v = Release.version
        let module = try runChecked(["tar", "-tzf", release.path("falco-\(v)-module-src-x86.tar.gz")]).output
        #expect(module.contains("/Makefile\n") && module.contains("/dkms.conf\n") && module.contains("/main.c\n"))
        #expect(!module.contains("/bpf/"))
        let bpf = try runChecked(["tar", "-tzf", release.path("falco-\(v)-bpf-src-x86.tar.gz")]).output
        #expect(bpf.contains("-bpf-src-x86/probe.c\n") && bpf.contains("-bpf-src-x86/Makefile\n"))
    }

    @Test func sameInputsGiveTheSameBytesWhateverTheJobCount() throws {
        let again = try TemporaryDirectory()
        try falcopack(["all", "--version", Release.version, "--falco-bin", release.falcoBinary,
                       "--falco-bin", "aarch64=" + release.falcoBinaryArm64, "--out", again.path, "--jobs", "1"] + (try ImageBases.flags()) + (try SigningKey.shared.get().flags))
        let first = try String(contentsOfFile: release.path("SHA256SUMS"), encoding: .utf8)
        let second = try String(contentsOfFile: again.path + "/SHA256SUMS", encoding: .utf8)
        #expect(first == second)
        // Signatures and bills of materials too: signatures are deterministic, documents derive their identifiers.
        for name in try FileManager.default.contentsOfDirectory(atPath: release.dist) where name.hasSuffix(".asc") || name.hasSuffix(".json") {
            #expect(FileManager.default.contentsEqual(atPath: release.path(name), andPath: again.path + "/" + name), "\(name)")
        }
        // The images' layout too, file for file.
        let layouts = try run(["diff", "-r", release.layout, again.path + "/falco-\(Release.version)-images"])
        #expect(layouts.status == 0, "\(layouts.output)")
    }

    @Test func inspectReadsEachFormat() throws {
        let v = Release.version
        let rpm = try falcopack(["inspect", release.path("falco-\(v)-bpf-x86_64.rpm")]).output
        #expect(rpm.contains("Name: falco-bpf\nVersion: \(v)\n"))
        #expect(rpm.contains(" /usr/bin/falco\n"))
        let deb = try falcopack(["inspect", "--json", release.path("falco-\(v)-module-amd64.deb")]).output
        let object = try JSONSerialization.jsonObject(with: Data(deb.utf8)) as? [String: Any]
        #expect((object?["fields"] as? [String: String])?["Package"] == "falco")
        #expect((object?["files"] as? [[String: Any]])?.contains { $0["path"] as? String == "./usr/bin/falco" } == true)
        let tar = try falcopack(["inspect", release.path("falco-\(v)-src-x86.tar.gz")]).output
        #expect(tar.contains("falco-\(v)-src-x86/INSTALL"))
    }
}
