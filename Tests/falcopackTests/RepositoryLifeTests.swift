import Foundation
import Testing
import TestSupport

/// A repository over the years: `repo remove`, `repo rotate` and `repo check`, judged by apt-get, dnf, gpgv, rpmkeys
/// and debsig-verify, over a folder and over HTTP and HTTPS on 127.0.0.1.
@Suite(.serialized) struct RepositoryLifeTests {
    let first: Release
    let second: Release
    let key: SigningKey

    init() throws {
        first = try Release.shared.get()
        second = try Release.next.get()
        key = try SigningKey.shared.get()
    }

    /// A second key, made by falcopack, unlocked: what a repository rotates to.
    func newKey(_ work: TemporaryDirectory, _ name: String = "new") throws -> (secret: String, publicKey: String, keyID: String) {
        let secret = work.file("\(name).key"), publicKey = work.file("\(name).asc")
        let made = try falcopack(["key", "generate", "--user-id", "Falco \(name) <\(name)@falco.example>", "--algorithm", "rsa3072",
                                  "--created", "1500000000", "--out", secret])
        try falcopack(["key", "export", secret, "--out", publicKey])
        let fingerprint = made.output.split(whereSeparator: \.isWhitespace).first { $0.count == 40 }.map(String.init) ?? ""
        return (secret, publicKey, String(fingerprint.suffix(16)).lowercased())
    }

    func snapshot(_ folder: String) throws -> String {
        try runChecked(["sh", "-c", "cd '\(folder)' && find . -type f -print0 | sort -z | xargs -0 sha256sum"]).output
    }

    func falcopackRun(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
        try runIn(repositoryRoot(), [falcopackExecutable()] + arguments, environment: environment)
    }

    var previousFlags: [String] { ["--previous-key", key.secretKey, "--previous-passphrase-file", key.passphraseFile] }

    // MARK: remove

    @Test func removeTakesAReleaseOutForAptAndDnf() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try falcopack(["publish", first.dist, second.dist, "--repo", repository] + key.flags)
        let before = try snapshot(repository)
        let missing = try falcopackRun(["repo", "remove", "9.9.9", "--repo", repository] + key.flags)
        #expect(missing.status == 66 && missing.stderr.contains("holds no release 9.9.9"), "\(missing.stderr)")
        #expect(try snapshot(repository) == before)

        let removed = try falcopack(["repo", "remove", first.version, "--repo", repository] + key.flags)
        #expect(removed.output.contains("took out \(first.version); holds \(second.version)"), "\(removed.output)")
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falco/" + second.version))
        #expect(!FileManager.default.fileExists(atPath: repository + "/files/falco/" + first.version))
        #expect(!(try String(contentsOfFile: repository + "/index.html", encoding: .utf8)).contains(first.version + "</"))
        // The previous generation of indexes names the release's packages: they stay for a client mid-update.
        let pool = try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/packages")
        #expect(pool.contains { $0.contains(first.version) }, "\(pool)")
        let last = try falcopackRun(["repo", "remove", second.version, "--repo", repository] + key.flags)
        #expect(last.status == 66 && last.stderr.contains("keeps at least one"), "\(last.stderr)")

        let root = try DebianRoot()
        try root.use(repository, key: key.publicKey)
        let update = try root.apt(["apt-get", "update"])
        #expect(update.status == 0, "\(update.output) \(update.stderr)")
        #expect(try root.apt(["apt-get", "update"]).status == 0)
        let offered = try root.apt(["apt-cache", "madison", "falco"]).output
        #expect(offered.contains(second.version) && !offered.contains(first.version), "\(offered)")
        #expect(try root.apt(["apt-get", "install", "-y", "falco=\(first.version)"]).status != 0)
        let install = try root.apt(["apt-get", "install", "-y", "falco"])
        #expect(install.status == 0, "\(install.output) \(install.stderr)")
        #expect(try root.installedVersion("falco") == second.version)

        let list = try dnf(repository, ["list", "--showduplicates", "falco"], work: work, key: key.publicKey)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.output.contains("\(second.version)-1") && !list.output.contains("\(first.version)-1"), "\(list.output)")
        let download = try dnf(repository, ["download", "--destdir", work.file("rpms"), "falco-\(second.version)"], work: work, key: key.publicKey)
        #expect(download.status == 0, "\(download.stderr)")

        let check = try falcopackRun(["repo", "check", repository, "--public-key", key.publicKey])
        #expect(check.status == 0, "\(check.output)")
    }

    // MARK: rotate

    @Test func rotationKeepsOldAndNewClientsWorkingUntilRetired() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        let new = try newKey(work)
        try falcopack(["publish", first.dist, second.dist, "--repo", repository] + key.flags)
        let oldClient = try DebianRoot()
        try oldClient.use(repository, key: key.publicKey)
        #expect(try oldClient.apt(["apt-get", "update"]).status == 0)
        let installed = try oldClient.apt(["apt-get", "install", "-y", "falco=\(first.version)"])
        #expect(installed.status == 0, "\(installed.output) \(installed.stderr)")

        // Same inputs, same bytes: two rotations of one repository at one date agree.
        let copy = work.file("copy")
        try runChecked(["cp", "-a", repository, copy])
        let date = ["SOURCE_DATE_EPOCH": "1700000000"]
        let debCount = try runChecked(["find", repository + "/deb/pool", "-name", "*.deb"]).output.split(separator: "\n").count
        let rpmCount = try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/packages").count
        let rotated = try falcopack(["repo", "rotate", "--repo", repository, "--signing-key", new.secret] + previousFlags, environment: date)
        #expect(rotated.output.contains("(\(debCount + rpmCount) packages)"), "\(rotated.output)")
        try falcopack(["repo", "rotate", "--repo", copy, "--signing-key", new.secret] + previousFlags, environment: date)
        #expect(try snapshot(repository) == snapshot(copy))

        // A client that trusts the old key updates and upgrades, to packages signed by the new one.
        try oldClient.use(repository, key: key.publicKey)
        let update = try oldClient.apt(["apt-get", "update"])
        #expect(update.status == 0, "\(update.output) \(update.stderr)")
        let upgrade = try oldClient.apt(["apt-get", "upgrade", "-y"])
        #expect(upgrade.status == 0, "\(upgrade.output) \(upgrade.stderr)")
        #expect(try oldClient.installedVersion("falco") == second.version)
        // One that trusts the new key works from the start.
        let newClient = try DebianRoot()
        try newClient.use(repository, key: new.publicKey)
        #expect(try newClient.apt(["apt-get", "update"]).status == 0)
        let fresh = try newClient.apt(["apt-get", "install", "-y", "falco"])
        #expect(fresh.status == 0, "\(fresh.output) \(fresh.stderr)")
        // dnf with the published key file, which holds both keys.
        let both = repository + "/falco.asc"
        #expect(try runChecked(["gpg", "--show-keys", "--with-colons", both]).output.split(separator: "\n").filter { $0.hasPrefix("pub") }.count == 2)
        let downloads = work.file("rpms")
        let download = try dnf(repository, ["download", "--destdir", downloads, "falco-\(second.version)"], work: work, key: both)
        #expect(download.status == 0, "\(download.stderr)")

        // Every package the indexes name now is signed by the new key: rpmkeys and debsig-verify accept it.
        let rpmRoot = work.file("rpmroot")
        try FileManager.default.createDirectory(atPath: rpmRoot, withIntermediateDirectories: true)
        try runChecked(["rpmkeys", "--root", rpmRoot, "--import", new.publicKey])
        let rpms = try FileManager.default.contentsOfDirectory(atPath: repository + "/rpm/packages/" + new.keyID)
        #expect(rpms.count == rpmCount)
        for rpm in rpms {
            let checked = try run(["rpmkeys", "--root", rpmRoot, "-K", repository + "/rpm/packages/\(new.keyID)/" + rpm])
            #expect(checked.output.contains("digests signatures OK"), "\(rpm): \(checked.output)")
        }
        let (policies, keyrings) = try debsigPolicy(work, keyID: new.keyID.uppercased(), keyring: try key.gnupg.keyring(new.publicKey))
        let debs = try runChecked(["find", repository + "/deb/pool", "-path", "*/\(new.keyID)/*.deb"]).output.split(separator: "\n")
        #expect(debs.count == debCount)
        for deb in debs {
            let checked = try run(["debsig-verify", "--policies-dir", policies, "--keyrings-dir", keyrings, String(deb)])
            #expect(checked.status == 0, "\(deb): \(checked.output) \(checked.stderr)")
        }
        // The release files' sums and signatures, by the new key alone.
        let newRing = try key.gnupg.keyring(new.publicKey)
        for version in [first.version, second.version] {
            let folder = repository + "/files/falco/" + version
            #expect(try run(["gpgv", "--keyring", newRing, folder + "/SHA256SUMS.asc", folder + "/SHA256SUMS"]).status == 0)
        }
        let check = try falcopackRun(["repo", "check", repository, "--public-key", new.publicKey])
        #expect(check.status == 0, "\(check.output)")

        // A publish during the rotation needs the old key too.
        let alone = try falcopackRun(["publish", second.dist, "--repo", repository, "--signing-key", new.secret])
        #expect(alone.status == 66, "\(alone.stderr)")

        // Retired: the old key's clients fail, the new key's go on.
        try falcopack(["repo", "rotate", "--repo", repository, "--signing-key", new.secret, "--retire"])
        try oldClient.use(repository, key: key.publicKey)
        try? FileManager.default.removeItem(atPath: oldClient.root + "/var/lib/apt/lists")
        #expect(try oldClient.apt(["apt-get", "update"]).status != 0)
        try newClient.use(repository, key: new.publicKey)
        #expect(try newClient.apt(["apt-get", "update"]).status == 0)
        #expect(try runChecked(["gpg", "--show-keys", "--with-colons", both]).output.split(separator: "\n").filter { $0.hasPrefix("pub") }.count == 1)
    }

    @Test func rotationRefusesAKeyThatDidNotSignTheRepository() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        let new = try newKey(work), stranger = try newKey(work, "stranger")
        try falcopack(["publish", first.dist, "--repo", repository] + key.flags)
        let before = try snapshot(repository)
        let refused = try falcopackRun(["repo", "rotate", "--repo", repository, "--signing-key", new.secret, "--previous-key", stranger.secret])
        #expect(refused.status == 66 && refused.stderr.contains("did not sign this repository"), "\(refused.stderr)")
        let wrong = work.file("wrong")
        try "not the passphrase\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        let locked = try falcopackRun(["repo", "rotate", "--repo", repository, "--signing-key", new.secret,
                                       "--previous-key", key.secretKey, "--previous-passphrase-file", wrong])
        #expect(locked.status == 66, "\(locked.stderr)")
        // The repository's own key, locked, with no passphrase given.
        let noPassphrase = try falcopackRun(["repo", "remove", first.version, "--repo", repository, "--signing-key", key.secretKey])
        #expect(noPassphrase.status == 66 && noPassphrase.stderr.contains(key.secretKey), "\(noPassphrase.stderr)")
        // An index edited by hand: a field apt needs taken out.
        let packages = repository + "/deb/dists/stable/main/binary-amd64/Packages"
        let edited = try String(contentsOfFile: packages, encoding: .utf8).replacingOccurrences(of: "\nSHA256: ", with: "\nSHA-256: ")
        try edited.write(toFile: packages, atomically: true, encoding: .utf8)
        let handEdited = try snapshot(repository)
        let refusedIndex = try falcopackRun(["repo", "rotate", "--repo", repository, "--signing-key", new.secret] + previousFlags)
        #expect(refusedIndex.status == 65 && refusedIndex.stderr.contains("Packages: SHA256: missing"), "\(refusedIndex.stderr)")
        #expect(try snapshot(repository) == handEdited)
        #expect(before != handEdited)
    }

    /// Killed at any moment, a rotation or a removal leaves a repository that checks against the keys it trusts,
    /// and the next run completes the job.
    @Test func aKilledRotationOrRemovalLeavesTheRepositoryValid() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        let new = try newKey(work)
        try falcopack(["publish", first.dist, second.dist, "--repo", repository] + key.flags)
        let both = work.file("both.asc")
        try (String(contentsOfFile: key.publicKey, encoding: .utf8) + String(contentsOfFile: new.publicKey, encoding: .utf8))
            .write(toFile: both, atomically: true, encoding: .utf8)
        var seed = KillSeed()
        for arguments in [["repo", "rotate", "--repo", repository, "--signing-key", new.secret] + previousFlags,
                          ["repo", "remove", first.version, "--repo", repository, "--signing-key", new.secret] + previousFlags] {
            for _ in 0..<5 {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: falcopackExecutable())
                process.arguments = arguments
                process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot())
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.6, using: &seed))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let check = try falcopackRun(["repo", "check", repository, "--public-key", both])
                #expect(check.status == 0, "\(seed): \(check.output)")
            }
            // The job completes (a removal the kills let finish has nothing left to take out).
            let last = try falcopackRun(arguments)
            #expect(last.status == 0 || last.stderr.contains("holds no release"), "\(last.stderr)")
            let check = try falcopackRun(["repo", "check", repository, "--public-key", new.publicKey])
            #expect(check.status == 0, "\(check.output)")
        }
    }

    /// publish, remove and rotate stopped between every two of their renames: what is left checks against the keys
    /// clients trust (only the by-name copies apt does not read may be of the other generation), and the next run
    /// completes the job.
    @Test func aRunStoppedBetweenAnyTwoRenamesLeavesTheRepositoryValid() throws {
        let work = try TemporaryDirectory()
        let new = try newKey(work)
        let both = work.file("both.asc")
        try (String(contentsOfFile: key.publicKey, encoding: .utf8) + String(contentsOfFile: new.publicKey, encoding: .utf8))
            .write(toFile: both, atomically: true, encoding: .utf8)
        let one = work.file("one"), two = work.file("two")
        try falcopack(["publish", first.dist, "--repo", one] + key.flags)
        try falcopack(["publish", first.dist, second.dist, "--repo", two] + key.flags)
        // The first publish starts from no folder at all.
        let operations: [(base: String?, arguments: [String])] = [
            (nil, ["publish", first.dist] + key.flags),
            (one, ["publish", second.dist] + key.flags),
            (two, ["repo", "remove", first.version] + key.flags),
            (two, ["repo", "rotate", "--signing-key", new.secret] + previousFlags),
        ]
        for (base, arguments) in operations {
            var stops = 0
            for renames in 1... {
                let repository = work.file("stopped")
                try? FileManager.default.removeItem(atPath: repository)
                if let base { try runChecked(["cp", "-a", base, repository]) }
                let stopped = try falcopackRun(arguments + ["--repo", repository], environment: ["FALCOPACK_KILL_AFTER_RENAMES": "\(renames)"])
                if stopped.status == 0 { break }
                stops += 1
                // A first publish cut short serves no repository yet: what counts is that the next run completes it.
                if base != nil {
                    let check = try falcopackRun(["repo", "check", repository, "--public-key", both])
                    let problems = check.output.split(separator: "\n").dropLast()
                    #expect(problems.allSatisfy { $0.contains("an update under way or cut short") },
                            "\(arguments[0...1]) stopped after \(renames) renames: \(check.output)")
                }
                // The next run completes the job (from every third stop: each costs a whole run and check).
                guard renames % 3 == 1 else { continue }
                // (A removal stopped once its release folder left has nothing left to take out.)
                let again = try falcopackRun(arguments + ["--repo", repository])
                #expect(again.status == 0 || (arguments[1] == "remove" && again.stderr.contains("holds no release")),
                        "\(arguments[0...1]) after \(renames) renames: \(again.stderr)")
                #expect(try runChecked(["find", repository, "-name", ".falcopack-stage.*"]).output.isEmpty)
                let complete = try falcopackRun(["repo", "check", repository, "--public-key", both])
                #expect(complete.status == 0, "\(arguments[0...1]) after \(renames) renames: \(complete.output)")
            }
            #expect(stops >= 10, "\(arguments[0...1]): \(stops)")
        }
    }

    // MARK: check

    @Test func checkReadsARepositoryOverHTTPAndHTTPS() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        try falcopack(["publish", first.dist, "--repo", repository] + key.flags)
        let server = try StaticServer(folder: repository, work: work)
        defer { server.stop() }
        let good = try falcopackRun(["repo", "check", server.http, "--public-key", key.publicKey])
        #expect(good.status == 0, "\(good.output) \(good.stderr)")
        #expect(good.output.contains(": good: "), "\(good.output)")

        // HTTPS with a certificate authority of the test's own, trusted as the system's in a mount namespace.
        let secure = try run(["unshare", "--mount", "sh", "-c",
                              "mount --bind \"$0\" /etc/ssl/certs/ca-certificates.crt && exec \"$@\"", server.authority,
                              falcopackExecutable(), "repo", "check", server.https, "--public-key", key.publicKey])
        #expect(secure.status == 0, "\(secure.output) \(secure.stderr)")
        #expect(secure.output.contains(": good: "), "\(secure.output)")
        // Without it, the server is not trusted.
        let untrusted = try falcopackRun(["repo", "check", server.https, "--public-key", key.publicKey])
        #expect(untrusted.status != 0 && !untrusted.output.contains("good"), "\(untrusted.output)")

        // One changed byte in a package, a missing by-hash index, another key: each named.
        let deb = try runChecked(["find", repository + "/deb/pool", "-name", "*.deb"]).output.split(separator: "\n")[0]
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: String(deb))))
        bytes[bytes.count / 2] ^= 0x01
        // A new file (the pool links the release's own): the shared release stays as it was.
        try Data(bytes).write(to: URL(fileURLWithPath: String(deb)), options: .atomic)
        let byHash = repository + "/deb/dists/stable/main/binary-amd64/by-hash/SHA256"
        try FileManager.default.removeItem(atPath: byHash + "/" + (try FileManager.default.contentsOfDirectory(atPath: byHash))[0])
        let bad = try falcopackRun(["repo", "check", server.http, "--public-key", key.publicKey])
        #expect(bad.status == 1, "\(bad.output)")
        let name = String(deb.split(separator: "/").last ?? "")
        #expect(bad.output.contains(name + ": its Size") || bad.output.contains(name + ": its MD5sum"), "\(bad.output)")
        #expect(bad.output.contains("by-hash/SHA256/") && bad.output.contains("missing"), "\(bad.output)")
        let other = try GnuPG()
        let otherKey = try other.exportPublic(try other.generate("Other <other@example.com>", algorithm: "ed25519"))
        let stranger = try falcopackRun(["repo", "check", repository, "--public-key", otherKey])
        #expect(stranger.status == 1 && stranger.output.contains("which --public-key does not hold"), "\(stranger.output)")
    }

    // MARK: upload

    /// The upload plan's rclone script against `rclone serve webdav` on 127.0.0.1, apt-get update and dnf makecache
    /// reading the server in a loop the while: no client fails; an upload killed at any moment leaves what is served
    /// valid, and the next one completes it.
    @Test func uploadsInASafeOrderWhileClientsRead() throws {
        let work = try TemporaryDirectory()
        let repository = work.file("repo"), served = work.file("served")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        let port = Int.random(in: 40000..<50000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/rclone")
        server.arguments = ["serve", "webdav", served, "--addr", "127.0.0.1:\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let url = "http://127.0.0.1:\(port)"
        let rclone = ["RCLONE_WEBDAV_URL": url, "RCLONE_CONFIG": work.file("rclone.conf")]
        func upload(_ extra: [String] = []) throws -> ToolResult {
            let script = work.file("upload.sh")
            try falcopack(["repo", "upload-plan", repository, "--rclone"]).output.write(toFile: script, atomically: true, encoding: .utf8)
            return try run(["sh", script, ":webdav:"] + extra, environment: rclone)
        }
        for _ in 0..<50 where try run(["curl", "-fsS", "-o", "/dev/null", url + "/"]).status != 0 { Thread.sleep(forTimeInterval: 0.1) }

        try falcopack(["publish", first.dist, "--repo", repository] + key.flags)
        let initial = try upload()
        #expect(initial.status == 0, "\(initial.stderr)")
        let root = try DebianRoot()
        try root.use(server: url, key: key.publicKey)
        #expect(try root.apt(["apt-get", "update"]).status == 0)

        // The next release goes up while apt and dnf read the server over and over.
        try falcopack(["publish", second.dist, "--repo", repository] + key.flags)
        let failures = Failures()
        let reading = Flag()
        let clients = [
            Thread {
                while !reading.stopped {
                    guard let result = try? root.apt(["apt-get", "update"]) else { continue }
                    if result.status != 0 || result.stderr.contains("E:") || result.stderr.contains("W:") {
                        failures.add("apt-get update: \(result.stderr)")
                    }
                    failures.count("apt")
                }
            },
            Thread {
                while !reading.stopped {
                    // As a host does: the key imported once, the metadata checked again on every run.
                    guard let result = try? dnf(repository, ["makecache"], work: work, key: self.key.publicKey,
                                                options: ["--setopt=metadata_expire=0"], url: url, cache: work.file("dnf-cache")) else { continue }
                    if result.status != 0 { failures.add("dnf makecache: \(result.stderr)") }
                    failures.count("dnf")
                }
            },
        ]
        for client in clients { client.start() }
        Thread.sleep(forTimeInterval: 2)
        let next = try upload()
        reading.stop()
        while failures.runs("apt") + failures.runs("dnf") < 2 || clients.contains(where: \.isExecuting) { Thread.sleep(forTimeInterval: 0.2) }
        #expect(next.status == 0, "\(next.stderr)")
        #expect(failures.all.isEmpty, "\(failures.all)")
        #expect(failures.runs("apt") >= 2 && failures.runs("dnf") >= 2, "apt \(failures.runs("apt")), dnf \(failures.runs("dnf"))")
        #expect(try root.apt(["apt-get", "update"]).status == 0)
        let offered = try root.apt(["apt-cache", "madison", "falco"]).output
        #expect(offered.contains(second.version), "\(offered)")

        // Taking the first release out, uploaded with kills at random moments: what is served stays valid.
        try falcopack(["repo", "remove", first.version, "--repo", repository] + key.flags)
        var seed = KillSeed()
        let script = work.file("upload.sh")
        try falcopack(["repo", "upload-plan", repository, "--rclone"]).output.write(toFile: script, atomically: true, encoding: .utf8)
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["sh", script, ":webdav:"]
            process.environment = ProcessInfo.processInfo.environment.merging(rclone) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...6, using: &seed))
            // The script and the rclone it runs, as one process group.
            kill(-process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // What the check may find mid-upload: an index by name of the other generation, which apt reads by hash.
            let check = try falcopackRun(["repo", "check", url, "--public-key", key.publicKey])
            let problems = check.output.split(separator: "\n").dropLast()
            #expect(problems.allSatisfy { $0.contains("an update under way or cut short") }, "\(seed): \(check.output)")
            #expect(try root.apt(["apt-get", "update"]).status == 0, "\(seed)")
            #expect(try dnf(repository, ["makecache"], work: work, key: key.publicKey, url: url).status == 0, "\(seed)")
        }
        #expect(try upload().status == 0)
        let prune = try upload(["prune"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let left = try runChecked(["diff", "-r", "-x", "repomd.xml.bridge.asc", repository, served])
        #expect(left.status == 0, "\(left.output)")
        let check = try falcopackRun(["repo", "check", url, "--public-key", key.publicKey])
        #expect(check.status == 0 && check.output.contains(": good: "), "\(check.output)")
    }
}

/// A folder served over HTTP and HTTPS on 127.0.0.1 by Python's http.server, the HTTPS side with a certificate from a
/// certificate authority made for the test (`authority`, a PEM file).
final class StaticServer {
    let http: String
    let https: String
    let authority: String
    private let processes: [Process]

    init(folder: String, work: TemporaryDirectory) throws {
        let ca = work.file("ca"), cert = work.file("server")
        try runChecked(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=falcopack test CA",
                        "-keyout", ca + ".key", "-out", ca + ".pem"])
        try runChecked(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", cert + ".key", "-out", cert + ".csr"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: cert + ".ext", atomically: true, encoding: .utf8)
        try runChecked(["openssl", "x509", "-req", "-in", cert + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                        "-days", "2", "-extfile", cert + ".ext", "-out", cert + ".pem"])
        authority = ca + ".pem"
        let plain = Int.random(in: 20000..<30000), secure = Int.random(in: 30000..<40000)
        let script = """
            import functools, http.server, ssl, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), handler)
            if len(sys.argv) > 3:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(sys.argv[3], sys.argv[4])
                server.socket = context.wrap_socket(server.socket, server_side=True)
            server.serve_forever()
            """
        func start(_ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        processes = [try start([folder, "\(plain)"]), try start([folder, "\(secure)", cert + ".pem", cert + ".key"])]
        http = "http://127.0.0.1:\(plain)"
        https = "https://127.0.0.1:\(secure)"
        for _ in 0..<100 {
            if try run(["curl", "-fsS", "-o", "/dev/null", http + "/index.html"]).status == 0,
               try run(["curl", "-fsS", "--cacert", authority, "-o", "/dev/null", https + "/index.html"]).status == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw ToolError(description: "the test server on 127.0.0.1 did not start")
    }

    func stop() {
        for process in processes where process.isRunning { process.terminate() }
    }
}

/// What the reading clients of a test found, from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []
    private var counts: [String: Int] = [:]

    func add(_ failure: String) { lock.withLock { failures.append(failure) } }
    func count(_ client: String) { lock.withLock { counts[client, default: 0] += 1 } }
    func runs(_ client: String) -> Int { lock.withLock { counts[client] ?? 0 } }
    var all: [String] { lock.withLock { failures } }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var stopped: Bool { lock.withLock { value } }
    func stop() { lock.withLock { value = true } }
}
