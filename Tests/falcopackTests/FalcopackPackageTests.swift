import Foundation
import Testing
import TestSupport

/// falcopack's own packages (`make package`, which `make test` runs before the tests into .build/package/dist):
/// installed into a Debian 12 root without Swift, where falcopack builds a whole release; its manual page matches
/// its commands; its bash completion completes.
@Suite(.serialized) struct FalcopackPackageTests {
    static let dist = repositoryRoot() + "/.build/package/dist"
    static let version = "0.1.0"
    var deb: String { Self.dist + "/falcopack_\(Self.version)_amd64.deb" }
    var rpm: String { Self.dist + "/falcopack-\(Self.version)-1.x86_64.rpm" }
    var tarball: String { Self.dist + "/falcopack-\(Self.version)-linux-x86_64.tar.gz" }

    @Test func makePackageWroteADebAnRpmAndATarball() throws {
        for file in [deb, rpm, tarball, Self.dist + "/SHA256SUMS"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file): run make package")
        }
        try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: Self.dist)
        let listing = try runChecked(["dpkg-deb", "-c", deb]).output
        for path in ["./usr/bin/falcopack", "./usr/share/falcopack/Specs/falco.yaml", "./usr/share/falcopack/Payloads/falco-driver-loader",
                     "./usr/share/man/man1/falcopack.1.gz", "./usr/share/bash-completion/completions/falcopack",
                     "./usr/share/zsh/vendor-completions/_falcopack", "./usr/share/fish/vendor_completions.d/falcopack.fish"] {
            #expect(listing.contains(path + "\n"), "\(path)")
        }
        #expect(!listing.contains("Payloads/falcopack/"))
    }

    /// lintian and rpmlint on the signed packages (an unsigned rpm is an rpmlint error by design): no error but
    /// the origin signature lintian does not know of.
    @Test func lintianAndRpmlintFindNoErrors() throws {
        let signed = try Self.signed.get()
        let lintian = try run(["lintian", "--allow-root", "--no-cfg", "--tag-display-limit", "0", signed.file("falcopack_\(Self.version)_amd64.deb")])
        let errors = lintian.output.split(separator: "\n").filter { $0.hasPrefix("E:") && !$0.contains(" misplaced-extra-member-in-deb _gpgorigin ") }
        #expect(errors.isEmpty, "\(lintian.output)")
        // rpmlint checks the signature against rpm's database: one holding the key, through ~/.rpmmacros.
        let database = try TemporaryDirectory()
        try runChecked(["rpmkeys", "--dbpath", database.path, "--import", try SigningKey.shared.get().publicKey])
        try "%_dbpath \(database.path)\n".write(toFile: database.path + "/.rpmmacros", atomically: true, encoding: .utf8)
        let rpmlint = try run(["rpmlint", "-c", repositoryRoot() + "/Tests/falcopackTests/rpmlint-falcopack.toml",
                               signed.file("falcopack-\(Self.version)-1.x86_64.rpm")], environment: ["HOME": database.path])
        #expect(rpmlint.output.contains(" 0 errors"), "\(rpmlint.output)")
    }

    /// The deb in a Debian 12 root that has no Swift: it installs, runs, and packages a whole demo release with the
    /// spec and payloads it carries.
    @Test func installsAndBuildsAReleaseWithoutSwift() throws {
        let debian = try DebianRoot()
        let root = debian.root
        #expect(!FileManager.default.fileExists(atPath: root + "/usr/bin/swift"))
        try FileManager.default.copyItem(atPath: deb, toPath: root + "/tmp/falcopack.deb")
        let install = try debian.apt(["dpkg", "-i", "/tmp/falcopack.deb"])
        #expect(install.status == 0, "\(install.output) \(install.stderr)")
        let libraries = try debian.running(["ldd", "/usr/bin/falcopack"]).output
        #expect(!libraries.contains("not found") && !libraries.contains("libswift"), "\(libraries)")
        let help = try debian.running(["falcopack", "deb", "--help"])
        #expect(help.status == 0 && help.output.contains("USAGE: falcopack deb"), "\(help.output)")

        try runChecked(["cp", "-r", repositoryRoot() + "/.cache/scap/driver", root + "/tmp/driver"])
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/falco", toPath: root + "/tmp/falco")
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/.cache/demo/aarch64/falco", toPath: root + "/tmp/falco-arm64")
        // Both of the spec's architectures: the x86_64 falco by its header, the aarch64 one named. The builder
        // image carries the falcopack running, untold.
        let release = try debian.running(["sh", "-c", """
            cd /tmp && falcopack all --falco-bin /tmp/falco --falco-bin arm64=/tmp/falco-arm64 --driver-src /tmp/driver \
              --falco-base scratch --no-driver-base scratch --tester-base scratch --builder-base scratch --out /tmp/dist \
            && falcopack verify /tmp/dist
            """])
        #expect(release.status == 0, "\(release.output) \(release.stderr)")
        #expect(release.output.contains("artifacts follow the convention for version 0.28.1"), "\(release.output)")
        let builder = try ImageTests.Unpacked(layout: root + "/tmp/dist/falco-0.28.1-images",
                                              reference: "falcosecurity/falco-builder:0.28.1")
        #expect(try run(["cmp", builder.root + "/usr/bin/falcopack", root + "/usr/bin/falcopack"]).status == 0)
        // Without inputs, one line names all it needs; without images, no base is needed.
        let bare = try debian.running(["sh", "-c", "cd /tmp && falcopack all --out /tmp/none"])
        #expect(bare.status == 66 && bare.stderr.split(separator: "\n").count == 1, "\(bare.stderr)")
        #expect(bare.stderr.contains("7 inputs are missing: --falco-bin x86_64=PATH ('/usr/share/falcopack/.cache/demo/x86_64/falco'"),
                "\(bare.stderr)")
        let plain = try debian.running(["sh", "-c", """
            cd /tmp && falcopack all --no-images --falco-bin /tmp/falco --falco-bin arm64=/tmp/falco-arm64 \
              --driver-src /tmp/driver --out /tmp/plain && falcopack verify /tmp/plain \
              --falco-bin /tmp/falco --falco-bin arm64=/tmp/falco-arm64 --driver-src /tmp/driver
            """])
        #expect(plain.status == 0 && plain.output.contains("without images (built with --no-images)"), "\(plain.output) \(plain.stderr)")
        let manual = try debian.apt(["sh", "-c", "zcat /usr/share/man/man1/falcopack.1.gz | head -c 200"])
        #expect(manual.output.contains(".Dt FALCOPACK 1"), "\(manual.output)")
    }

    /// The manual page is generated from the command definitions: every subcommand `--help` lists has its entry.
    @Test func theManualPageCoversEverySubcommand() throws {
        let work = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-x", deb, work.path])
        let page = try runChecked(["sh", "-c", "zcat '\(work.path)/usr/share/man/man1/falcopack.1.gz' | MANWIDTH=120 man -l - 2>&1"]).output
        let help = try runChecked([falcopackExecutable(), "--help"]).output
        let subcommands = help.components(separatedBy: "SUBCOMMANDS:").last!.split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0.allSatisfy(\.isLowercase) }
        #expect(subcommands.count >= 10)
        for name in subcommands { #expect(page.contains("\n     \(name)"), "\(name) is not in falcopack(1)") }
        #expect(!page.contains("mdoc warning"), "\(page.prefix(400))")
        // Falco's packages carry falco(8) and falco-driver-loader(8).
        let release = try Release.shared.get()
        let listing = try runChecked(["dpkg-deb", "-c", release.path("falco-\(release.version)-bpf-amd64.deb")]).output
        #expect(listing.contains("./usr/share/man/man8/falco.8.gz") && listing.contains("./usr/share/man/man8/falco-driver-loader.8.gz"))
        let rpmFiles = try runChecked(["rpm", "-qp", "--docfiles", release.path("falco-\(release.version)-module-x86_64.rpm")]).output
        #expect(rpmFiles.contains("/usr/share/man/man8/falco-driver-loader.8.gz"))
    }

    /// bash completes `falcopack deb --dr` to `--driver` with the script the package installs.
    @Test func bashCompletesADebFlag() throws {
        let work = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-x", deb, work.path])
        let script = work.path + "/usr/share/bash-completion/completions/falcopack"
        let completed = try runChecked(["bash", "-c", """
            source '\(script)'
            COMP_WORDS=(falcopack deb --dr); COMP_CWORD=2; COMP_LINE='falcopack deb --dr'; COMP_POINT=${#COMP_LINE}
            _falcopack falcopack --dr deb
            printf '%s\\n' "${COMPREPLY[@]}"
            """]).output
        #expect(completed.split(separator: "\n").contains("--driver"), "\(completed)")
    }

    /// The same spec with --signing-key, packing the executable `make package` stripped.
    nonisolated(unsafe) static let signed = Result { () throws -> TemporaryDirectory in
        let key = try SigningKey.shared.get()
        let work = try TemporaryDirectory()
        try falcopack(["all", "--spec", repositoryRoot() + "/Specs/falcopack.yaml",
                       "--falcopack-bin", repositoryRoot() + "/.build/package/falcopack",
                       "--generated", repositoryRoot() + "/.build/package", "--out", work.path] + key.flags)
        return work
    }

    @Test func signedWhenAKeyIsGiven() throws {
        let key = try SigningKey.shared.get()
        let work = try Self.signed.get()
        let database = work.file("rpmdb")
        try runChecked(["rpmkeys", "--dbpath", database, "--import", key.publicKey])
        let check = try runChecked(["rpmkeys", "--dbpath", database, "-K", work.file("falcopack-\(Self.version)-1.x86_64.rpm")])
        #expect(check.output.contains("digests signatures OK"))
        let gpgv = try run(["gpgv", "--keyring", try key.gnupg.keyring(key.publicKey), work.file("falcopack-\(Self.version)-linux-x86_64.tar.gz.asc"),
                              work.file("falcopack-\(Self.version)-linux-x86_64.tar.gz")])
        #expect(gpgv.status == 0, "\(gpgv.stderr)")
    }

    /// The repository settings come from the spec, derived from the package where it has no `repository:` section:
    /// publishing falcopack's own release gives a repository named after falcopack, page and client files alike.
    @Test func publishingFalcopacksOwnReleaseNamesFalcopack() throws {
        let key = try SigningKey.shared.get()
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try falcopack(["publish", try Self.signed.get().path, "--repo", repository, "--spec",
                       repositoryRoot() + "/Specs/falcopack.yaml"] + key.flags)
        let top = try FileManager.default.contentsOfDirectory(atPath: repository).sorted()
        #expect(top == ["deb", "falcopack.asc", "falcopack.list", "falcopack.repo", "falcopack.sources", "files", "index.html", "repository.json", "rpm"])
        let page = try String(contentsOfFile: repository + "/index.html", encoding: .utf8)
        #expect(page.contains("<title>Falcopack packages</title>"))
        #expect(page.contains("sudo apt-get update &amp;&amp; sudo apt-get install -y falcopack</pre>"))
        #expect(page.contains("sudo dnf install -y falcopack    # or yum"))
        #expect(page.contains("/usr/share/keyrings/falcopack-archive-keyring.asc"))
        let release = try String(contentsOfFile: repository + "/deb/dists/stable/Release", encoding: .utf8)
        #expect(release.hasPrefix("Origin: Falcopack\nLabel: Falcopack\n"), "\(release)")
        let repo = try String(contentsOfFile: repository + "/falcopack.repo", encoding: .utf8)
        #expect(repo.hasPrefix("[falcopack]\nname=Falcopack\n"), "\(repo)")
        // Nothing names Falco's repository: every "falco" in these files is part of "falcopack".
        for file in ["index.html", "falcopack.list", "falcopack.repo", "falcopack.sources"] {
            let text = try String(contentsOfFile: repository + "/" + file, encoding: .utf8)
            #expect(text.lowercased().replacingOccurrences(of: "falcopack", with: "").range(of: "falco") == nil, "\(file)")
        }
    }
}
