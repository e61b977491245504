import Foundation
import Testing
import TestSupport

/// `falcopack publish`: apt and yum repositories that apt-get and dnf install from, records that apt-ftparchive and
/// createrepo_c agree with, updates that read indexes rather than packages and are never seen half-done.
@Suite(.serialized) struct PublishTests {
    let first: Release
    let second: Release
    let key: SigningKey

    init() throws {
        first = try Release.shared.get()
        second = try Release.next.get()
        key = try SigningKey.shared.get()
    }

    @discardableResult
    func publish(_ releases: [String], into repository: String, _ extra: [String] = []) throws -> ToolResult {
        try falcopack(["publish"] + releases + ["--repo", repository] + key.flags + extra)
    }

    func publishing(_ releases: [String], into repository: String, _ extra: [String] = [],
                    environment: [String: String]? = nil) throws -> ToolResult {
        try runIn(repositoryRoot(), [falcopackExecutable(), "publish"] + releases + ["--repo", repository] + key.flags + extra,
                  environment: environment)
    }

    /// Every file under `folder` with its SHA-256: what must not change when a publish is refused.
    func snapshot(_ folder: String) throws -> String {
        try runChecked(["sh", "-c", "cd '\(folder)' && find . -type f -print0 | sort -z | xargs -0 sha256sum"]).output
    }

    // MARK: apt

    @Test func aptInstallsThenUpgradesAndRefusesAnotherKeyOrAChangedIndex() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        let published = try publish([first.dist], into: repository)
        #expect(published.output.contains("added \(first.version)"))
        let root = try DebianRoot()
        try root.use(repository, key: key.publicKey)
        let update = try root.apt(["apt-get", "update"])
        #expect(update.status == 0, "\(update.output) \(update.stderr)")
        let install = try root.apt(["apt-get", "install", "-y", "falco"])
        #expect(install.status == 0, "\(install.output) \(install.stderr)")
        #expect(try root.installedVersion("falco") == first.version)

        // The next release, added to the same repository: apt upgrades to it.
        try publish([second.dist], into: repository)
        try root.use(repository, key: key.publicKey)
        #expect(try root.apt(["apt-get", "update"]).status == 0)
        let upgrade = try root.apt(["apt-get", "upgrade", "-y"])
        #expect(upgrade.status == 0, "\(upgrade.output) \(upgrade.stderr)")
        #expect(try root.installedVersion("falco") == second.version)

        // Another key: the signature is not trusted.
        let other = try GnuPG()
        let otherKey = try other.exportPublic(try other.generate("Other <other@example.com>", algorithm: "ed25519"))
        try root.use(repository, key: otherKey)
        // From a fresh state: apt keeps lists it verified before and only warns when an update fails.
        try? FileManager.default.removeItem(atPath: root.root + "/var/lib/apt/lists")
        let untrusted = try root.apt(["apt-get", "update"])
        #expect(untrusted.status != 0, "\(untrusted.output) \(untrusted.stderr)")
        #expect(untrusted.stderr.contains("NO_PUBKEY") || untrusted.stderr.contains("not signed"), "\(untrusted.stderr)")

        // One changed byte in every form of Packages, by-hash copies included: the hashes in InRelease catch it.
        try root.use(repository, key: key.publicKey)
        let index = root.root + "/srv/repo/deb/dists/stable/main/binary-amd64"
        let files = ["Packages", "Packages.gz", "Packages.xz"] + (try FileManager.default.contentsOfDirectory(atPath: index + "/by-hash/SHA256")).map { "by-hash/SHA256/" + $0 }
        for file in files {
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: index + "/" + file)))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: index + "/" + file))
        }
        try? FileManager.default.removeItem(atPath: root.root + "/var/lib/apt/lists")
        let changed = try root.apt(["apt-get", "update"])
        #expect(changed.status != 0, "\(changed.output) \(changed.stderr)")
    }

    // MARK: dnf

    func dnf(_ repository: String, _ arguments: [String], work: TemporaryDirectory, key publicKey: String? = nil) throws -> ToolResult {
        try falcopackTests.dnf(repository, arguments, work: work, key: publicKey ?? key.publicKey)
    }

    @Test func dnfListsBothReleasesDownloadsAndVerifies() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        try publish([second.dist], into: repository)
        let list = try dnf(repository, ["list", "--showduplicates", "falco"], work: work)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.output.contains("\(first.version)-1") && list.output.contains("\(second.version)-1"), "\(list.output)")

        let downloads = work.file("downloads")
        let download = try dnf(repository, ["download", "--destdir", downloads, "falco-\(second.version)"], work: work)
        #expect(download.status == 0, "\(download.stderr)")
        let rpm = downloads + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: downloads).first))
        let root = work.file("rpmroot")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try runChecked(["rpm", "--root", root, "--import", key.publicKey])
        #expect(try runChecked(["rpm", "--root", root, "-K", rpm]).output.contains("digests signatures OK"))
        let install = try run(["rpm", "--root", root, "-i", "--nodeps", "--noscripts", "--define", "_pkgverify_level signature", rpm])
        #expect(install.status == 0, "\(install.stderr)")

        // A changed byte in primary.xml.gz, or a repomd.xml without its signature: dnf refuses the repository.
        let tampered = work.file("tampered")
        try runChecked(["cp", "-a", repository, tampered])
        let repodata = tampered + "/rpm/repodata"
        // The primary repomd.xml names now: the previous generation stays beside it for clients mid-update.
        let repomdText = try String(contentsOfFile: repodata + "/repomd.xml", encoding: .utf8)
        let primary = try #require(try FileManager.default.contentsOfDirectory(atPath: repodata).first {
            $0.hasSuffix("-primary.xml.gz") && repomdText.contains("repodata/\($0)")
        })
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: repodata + "/" + primary)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: repodata + "/" + primary))
        #expect(try dnf(tampered, ["makecache"], work: work).status != 0)
        // A changed byte in the signed repomd.xml.
        let signedIndex = work.file("signed-index")
        try runChecked(["cp", "-a", repository, signedIndex])
        let repomdPath = signedIndex + "/rpm/repodata/repomd.xml"
        let repomd = try String(contentsOfFile: repomdPath, encoding: .utf8)
        // Still well-formed: one digit of the revision changed.
        let revision = try #require(repomd.range(of: "<revision>"))
        let digit = repomd[revision.upperBound]
        try repomd.replacingCharacters(in: revision.upperBound...revision.upperBound, with: digit == "1" ? "2" : "1")
            .write(toFile: repomdPath, atomically: true, encoding: .utf8)
        #expect(try dnf(signedIndex, ["makecache"], work: work).status != 0)
        let unsigned = work.file("unsigned")
        try runChecked(["cp", "-a", repository, unsigned])
        try FileManager.default.removeItem(atPath: unsigned + "/rpm/repodata/repomd.xml.asc")
        #expect(try dnf(unsigned, ["makecache"], work: work).status != 0)
    }

    // MARK: The reference tools

    /// The same debs through apt-ftparchive and the same rpms through createrepo_c give the same records, field by
    /// field (createrepo_c's file time is the file's mtime, ours the release date).
    @Test func recordsMatchApt_ftparchiveAndCreaterepo_c() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist, second.dist], into: repository)
        // Both architectures' indexes against apt-ftparchive over the whole pool.
        let ours = try ["amd64", "arm64"].map {
            try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-\($0)/Packages", encoding: .utf8)
        }.joined(separator: "\n\n")
        let theirs = try runChecked(["apt-ftparchive", "packages", "pool"], in: repository + "/deb").output
        func stanzas(_ text: String) -> Set<String> { Set(text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { $0.trimmingCharacters(in: .newlines) }) }
        #expect(stanzas(ours) == stanzas(theirs))
        #expect(stanzas(ours).count == 8)

        let reference = work.file("createrepo")
        try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
        try runChecked(["cp", "-a", repository + "/rpm/packages", reference + "/packages"])
        try runChecked(["createrepo_c", "--no-database", "--quiet", reference])
        for kind in ["primary", "filelists", "other"] {
            func document(_ folder: String) throws -> String {
                let name = try FileManager.default.contentsOfDirectory(atPath: folder + "/repodata").first { $0.hasSuffix("-\(kind).xml.gz") }!
                let text = try runChecked(["gzip", "-dc", folder + "/repodata/" + name]).output
                return text.replacingOccurrences(of: #"<time file="[0-9]+""#, with: "<time file=\"\"", options: .regularExpression)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try document(repository + "/rpm") == document(reference), "\(kind)")
        }
    }

    // MARK: Updating in place

    /// Adding a release reads the indexes, not the packages already published.
    @Test func addingAReleaseReadsIndexesNotEarlierPackages() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        let packages = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        // Every earlier package file replaced by an empty one of the same name: a publish that read them would see.
        for folder in ["deb/pool", "rpm/packages"] {
            try runChecked(["sh", "-c", "find '\(repository)/\(folder)' -type f -exec sh -c 'rm \"$1\" && : > \"$1\"' _ {} \\;"])
        }
        try publish([second.dist], into: repository)
        let after = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        for stanza in packages.components(separatedBy: "\n\n") where !stanza.isEmpty {
            #expect(after.contains(stanza.trimmingCharacters(in: .newlines)), "the earlier record is kept as it was")
        }
        let primary = try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/repodata").filter { $0.hasSuffix("-primary.xml.gz") }
        #expect(!primary.isEmpty)
    }

    /// Indexes are compressed in runs of records, and a publish copies the runs it did not change from the files it
    /// replaces: releases published one by one must still give the same bytes as the same releases published at once.
    @Test func publishingOneByOneGivesTheBytesOfPublishingAtOnce() throws {
        let work = try TemporaryDirectory()
        let stepwise = work.file("stepwise"), together = work.file("together")
        try publish([first.dist], into: stepwise, ["--url", "https://falco.example/packages"])
        // A section of the page edited since it was drawn is drawn again, not reused.
        let page = try String(contentsOfFile: stepwise + "/index.html", encoding: .utf8)
        #expect(page.contains("inside the package"))
        try page.replacingOccurrences(of: "inside the package", with: "edited by hand")
            .write(toFile: stepwise + "/index.html", atomically: true, encoding: .utf8)
        try publish([second.dist], into: stepwise, ["--url", "https://falco.example/packages"])
        try publish([first.dist, second.dist], into: together, ["--url", "https://falco.example/packages"])
        let binary = "deb/dists/stable/main/binary-amd64/"
        var compared = ["index.html", "deb/dists/stable/InRelease", "rpm/repodata/repomd.xml"]
        compared += ["Packages", "Packages.gz", "Packages.xz"].map { binary + $0 }
        let repomd = try String(contentsOfFile: together + "/rpm/repodata/repomd.xml", encoding: .utf8)
        compared += repomd.split(separator: "\"").filter { $0.hasPrefix("repodata/") }.map { "rpm/" + $0 }
        for file in compared {
            let a = try Data(contentsOf: URL(fileURLWithPath: stepwise + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: together + "/" + file))
            #expect(a == b, "\(file) differs")
        }
        // What apt reads: xz as one stream of blocks, gzip as members; both decode to Packages.
        let plain = try Data(contentsOf: URL(fileURLWithPath: stepwise + "/" + binary + "Packages"))
        for name in ["Packages.gz", "Packages.xz"] {
            #expect(try runChecked(["/usr/lib/apt/apt-helper", "cat-file", stepwise + "/" + binary + name]).stdout == plain)
        }
    }

    /// Files are linked from the release folder where it shares the repository's file system: removing the folder
    /// or building into it again (falcopack writes new files, then renames) leaves the repository whole.
    @Test func publishedFilesOutliveTheirReleaseFolder() throws {
        let work = try TemporaryDirectory()
        let dist = work.file("dist"), repository = work.file("repo")
        try runChecked(["cp", "-a", first.dist, dist])
        try publish([dist], into: repository)
        let deb = try #require(try FileManager.default.contentsOfDirectory(atPath: dist).first { $0.hasSuffix("-module-amd64.deb") })
        let pool = try runChecked(["find", repository + "/deb/pool", "-name", deb]).output.trimmingCharacters(in: .newlines)
        let inode = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int }
        #expect(try inode(pool) == inode(dist + "/" + deb), "linked, not copied")
        try FileManager.default.removeItem(atPath: dist)
        try expectConsistent(repository)
        let packages = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        let rpms = try String(contentsOfFile: repository + "/rpm/repodata/repomd.xml", encoding: .utf8)
        #expect(!rpms.isEmpty)
        for stanza in packages.components(separatedBy: "\n\n") where stanza.contains("Filename: ") {
            let field = { (name: String) in stanza.split(separator: "\n").first { $0.hasPrefix(name + ": ") }!.dropFirst(name.count + 2) }
            let digest = try runChecked(["sha256sum", repository + "/deb/" + field("Filename")]).output.prefix(64)
            #expect(digest == field("SHA256"))
        }
    }

    /// A publish killed at any moment leaves a repository whose signed top files and indexes agree.
    @Test func aKilledPublishLeavesTheRepositoryValid() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        for delay in [0.05, 0.2, 0.4, 0.8, 1.5, 3.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: falcopackExecutable())
            process.arguments = ["publish", second.dist, "--repo", repository] + key.flags
            process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot())
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try expectConsistent(repository)
        }
        try publish([second.dist], into: repository)
        try expectConsistent(repository)
    }

    /// InRelease and repomd.xml verify, and every index they name is there with the digest they give.
    func expectConsistent(_ repository: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dists = repository + "/deb/dists/stable"
        let clear = try run(["gpgv", "--keyring", try key.gnupg.keyring(key.publicKey), dists + "/InRelease"])
        #expect(clear.status == 0, "\(clear.stderr)", sourceLocation: sourceLocation)
        let release = try String(contentsOfFile: dists + "/Release", encoding: .utf8)
        for line in release.split(separator: "\n") where line.hasPrefix(" ") {
            let parts = line.split(separator: " ")
            let path = dists + "/" + parts[2]
            let digest = try runChecked(["sha256sum", path]).output.prefix(64)
            #expect(digest == parts[0], "\(parts[2])", sourceLocation: sourceLocation)
        }
        let repodata = repository + "/rpm/repodata"
        let signed = try key.gnupg.gpgv(keyring: key.publicKey, signature: repodata + "/repomd.xml.asc", data: repodata + "/repomd.xml")
        #expect(signed.status == 0, "\(signed.stderr)", sourceLocation: sourceLocation)
        let repomd = try String(contentsOfFile: repodata + "/repomd.xml", encoding: .utf8)
        let hrefs = repomd.split(separator: "\"").filter { $0.hasPrefix("repodata/") }
        #expect(hrefs.count == 3, sourceLocation: sourceLocation)
        for href in hrefs {
            #expect(FileManager.default.fileExists(atPath: repository + "/rpm/" + href), "\(href)", sourceLocation: sourceLocation)
        }
    }

    @Test func twoPublishesAtOnceNeverMix() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        let before = try snapshot(repository)
        // Another publish holds the lock.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [repository, "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        Thread.sleep(forTimeInterval: 0.3)
        let refused = try publishing([second.dist], into: repository)
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("another falcopack publish is writing this repository"), "\(refused.stderr)")
        #expect(try snapshot(repository) == before)
    }

    @Test func keepPrunesToTheNewestReleases() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        let result = try publish([second.dist], into: repository, ["--keep", "1"])
        #expect(result.output.contains("holds \(second.version)"), "\(result.output)")
        let packages = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        #expect(!packages.contains("Version: \(first.version)\n"))
        #expect(packages.contains("Version: \(second.version)\n"))
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falco/\(second.version)"))
        #expect(!FileManager.default.fileExists(atPath: repository + "/files/falco/\(first.version)"))
        // The indexes just replaced name the pruned packages: they stay for a client that read them a moment ago,
        // and go with the next run.
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/packages").contains { $0.contains(first.version) })
        try publish([second.dist], into: repository, ["--keep", "1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/packages").allSatisfy { $0.contains(second.version) })
        try expectConsistent(repository)
    }

    // MARK: Bad input

    @Test func badRepositoriesAndReleasesChangeNothing() throws {
        let work = try TemporaryDirectory()
        // A folder that is not a repository.
        let other = work.file("other")
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try "notes".write(toFile: other + "/notes.txt", atomically: true, encoding: .utf8)
        let notRepository = try publishing([first.dist], into: other)
        #expect(notRepository.status == 66, "\(notRepository.stderr)")
        #expect(notRepository.stderr.contains("is not a repository falcopack made"), "\(notRepository.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: other).filter { !$0.hasPrefix(".") } == ["notes.txt"])

        // A deb folder without its Release that holds more than a publish writes: not added to.
        let stray = work.file("stray")
        try FileManager.default.createDirectory(atPath: stray + "/deb/pool", withIntermediateDirectories: true)
        try "notes".write(toFile: stray + "/deb/notes.txt", atomically: true, encoding: .utf8)
        let strayResult = try publishing([first.dist], into: stray)
        #expect(strayResult.status == 66, "\(strayResult.stderr)")
        #expect(strayResult.stderr.contains("is not an apt repository falcopack can add to"), "\(strayResult.stderr)")

        // An index that does not parse.
        let repository = work.file("repo")
        try publish([first.dist], into: repository)
        try "Package falco without a colon\n".write(toFile: repository + "/deb/dists/stable/main/binary-amd64/Packages",
                                                     atomically: true, encoding: .utf8)
        let before = try snapshot(repository)
        let broken = try publishing([second.dist], into: repository)
        #expect(broken.status == 65, "\(broken.stderr)")
        #expect(broken.stderr.contains("binary-amd64/Packages: line 1: 'Package falco without a colon' is not a field"), "\(broken.stderr)")
        #expect(try snapshot(repository) == before)

        // A release that does not verify against the key that publishes.
        let unsigned = work.file("unsigned")
        try runChecked(["cp", "-a", first.dist, unsigned])
        try FileManager.default.removeItem(atPath: unsigned + "/falco-\(first.version)-bin-x86.tar.gz.asc")
        let clean = work.file("clean")
        let refused = try publishing([unsigned], into: clean)
        #expect(refused.status == 66)
        #expect(refused.stderr.contains("does not verify, so it is not published"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: clean + "/deb"))

        // A bill of materials whose signature is over other bytes: it would be published beside it, so it is checked.
        let misSigned = work.file("missigned")
        try runChecked(["cp", "-a", first.dist, misSigned])
        try runChecked(["cp", misSigned + "/falco-\(first.version).spdx.json.asc", misSigned + "/falco-\(first.version).cdx.json.asc"])
        let refusedBill = try publishing([misSigned], into: clean)
        #expect(refusedBill.status == 66)
        #expect(refusedBill.stderr.contains("falco-\(first.version).cdx.json: the signature does not verify"), "\(refusedBill.stderr)")
        #expect(!FileManager.default.fileExists(atPath: clean + "/deb"))
    }

    /// A version published again with other bytes is refused unless --replace; a package for an architecture the
    /// repository does not hold is refused.
    @Test func republishingAndForeignArchitectures() throws {
        let work = try TemporaryDirectory()
        let spec = work.file("small.yaml")
        // One architecture, x86_64, so that an arm64 package is foreign to its repository.
        let small = try specWithoutImages()
            .replacingOccurrences(of: "architecture: [x86_64, aarch64]", with: "architecture: x86_64")
        try small.write(toFile: spec, atomically: true, encoding: .utf8)
        func build(_ name: String, falco: String, extraSpec: (String) -> String = { $0 }) throws -> String {
            let specFile = work.file(name + ".yaml")
            try extraSpec(small).write(toFile: specFile, atomically: true, encoding: .utf8)
            let out = work.file(name)
            try falcopack(["all", "--spec", specFile, "--version", "7.0.0", "--falco-bin", falco, "--out", out] + key.flags)
            return out
        }
        let a = try build("a", falco: first.falcoBinary)
        let b = try build("b", falco: second.falcoBinary)
        let repository = work.file("repo")
        try publish([a], into: repository, ["--spec", spec])
        let before = try snapshot(repository)
        let again = try publishing([b], into: repository, ["--spec", spec])
        #expect(again.status == 66)
        #expect(again.stderr.contains("is already published with other bytes; pass --replace"), "\(again.stderr)")
        #expect(try snapshot(repository) == before)
        try publish([b], into: repository, ["--spec", spec, "--replace"])
        let packages = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-amd64/Packages", encoding: .utf8)
        let digest = try runChecked(["sha256sum", b + "/falco-7.0.0-module-amd64.deb"]).output.prefix(64)
        #expect(packages.contains("SHA256: \(digest)"))

        let arm = try build("arm", falco: first.falcoBinaryArm64) {
            $0.replacingOccurrences(of: "architecture: x86_64", with: "architecture: aarch64")
                .replacingOccurrences(of: "arch: {x86_64: x86}", with: "arch: {aarch64: aarch64}")
        }
        let armSpec = work.file("arm.yaml")
        let foreign = try publishing([arm], into: repository, ["--spec", armSpec])
        #expect(foreign.status == 66, "\(foreign.stderr)")
        #expect(foreign.stderr.contains("is for arm64; the repository holds amd64") || foreign.stderr.contains("is for aarch64"),
                "\(foreign.stderr)")
    }

    // MARK: The page

    @Test func indexPageRendersInChromiumAndEveryLinkResolves() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try publish([first.dist, second.dist], into: repository)
        let page = repository + "/index.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script"))
        #expect(html.range(of: second.version)!.lowerBound < html.range(of: first.version)!.lowerBound, "newest first")

        let shots = repositoryRoot() + "/.cache/test-artifacts"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let chromium = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + work.file("profile")]
        let shot = shots + "/repository-index.png"
        try? FileManager.default.removeItem(atPath: shot)
        let screenshot = try run(chromium + ["--window-size=1280,2400", "--screenshot=" + shot, "file://" + page])
        #expect(FileManager.default.fileExists(atPath: shot), "\(screenshot.stderr)")
        let png = Array(try Data(contentsOf: URL(fileURLWithPath: shot)).prefix(8))
        #expect(png == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        let dom = try run(chromium + ["--dump-dom", "file://" + page]).output
        let hrefs = dom.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        #expect(hrefs.count > 20)
        for href in hrefs {
            let path = repository + "/" + href.replacingOccurrences(of: "&amp;", with: "&")
            #expect(FileManager.default.fileExists(atPath: path), "the page links \(href), which is not in the repository")
        }
        #expect(dom.contains("falcosecurity/falco:\(second.version)"))
        #expect(dom.contains("sudo apt-get update"))
        #expect(dom.contains("yum.repos.d"))
    }
}
