import Foundation
import Testing
import TestSupport

/// Builds and publishes killed at random moments, full disks, two builds at once, and hostile inputs: never a
/// partial file under a final name, one error line and a documented exit code, nothing a shell runs by accident.
@Suite(.serialized) struct RobustnessTests {
    let key: SigningKey
    init() throws { key = try SigningKey.shared.get() }

    /// The static release build when `make test` made one (faster for a hundred builds), else the one under test.
    var executable: String {
        let release = repositoryRoot() + "/.build/release/falcopack"
        return FileManager.default.isExecutableFile(atPath: release) ? release : falcopackExecutable()
    }

    /// A release of the demo inputs with small image bases (the tester's too), signed: what the kill and disk tests
    /// write.
    func arguments(out: String, cache: String? = nil, command: String = "all") throws -> [String] {
        let shell = try ImageBases.shell.get()
        return [command, "--out", out, "--jobs", "2", "--falco-base", shell, "--no-driver-base", shell, "--builder-base", shell,
                "--tester-base", shell, "--falcopack-bin", falcopackExecutable()] + key.flags + (cache.map { ["--cache-dir", $0] } ?? [])
    }

    /// SHA-256 of every file under `folder`, by relative path; hidden entries (temporary names) apart.
    func files(_ folder: String) throws -> [String: String] {
        // A run killed before it made its output folder left nothing to compare.
        guard FileManager.default.fileExists(atPath: folder) else { return [:] }
        let listing = try runChecked(["sh", "-c", "cd '\(folder)' && find . -type f -not -path '*/.*' -print0 | xargs -0 -r sha256sum"]).output
        var out: [String: String] = [:]
        for line in listing.split(separator: "\n") {
            out[String(line.dropFirst(66))] = String(line.prefix(64))
        }
        return out
    }

    func hidden(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") }
    }

    /// Starts a command and kills it with SIGKILL after `delay` seconds (if it is still running).
    func killed(_ arguments: [String], after delay: Double) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: delay)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func timed(_ arguments: [String]) throws -> Double {
        let start = Date()
        let result = try run([executable] + arguments, in: repositoryRoot())
        #expect(result.status == 0, "\(result.stderr)")
        return Date().timeIntervalSince(start)
    }

    @Test func aHundredKillsLeaveNoPartialFileAndPoisonNoCache() throws {
        let work = try TemporaryDirectory()
        let reference = work.file("reference")
        let buildTime = try timed(try arguments(out: reference))
        let expected = try files(reference)
        let repositoryReference = work.file("repository-reference")
        let publishTime = try timed(["publish", reference, "--repo", repositoryReference] + key.flags)

        var generator = KillSeed()
        let out = work.file("out"), cache = work.file("cache")
        // 50 builds of everything, 25 of the images alone, killed at random moments.
        for index in 0..<75 {
            let arguments = try arguments(out: out, cache: cache, command: index < 50 ? "all" : "image")
            try killed(arguments, after: Double.random(in: 0...buildTime, using: &generator))
            for (path, digest) in try files(out) where !path.hasPrefix("falco-0.28.1-images/") || expected[path] != nil {
                #expect(expected[path] == digest, "after kill \(index) (\(generator)): \(path) is not the file a whole build writes")
            }
        }
        // The next build finishes, sweeps what the killed ones left, and a cache they filled gives the same bytes.
        #expect(try timed(try arguments(out: out, cache: cache)) > 0)
        #expect(try files(out) == expected)
        #expect(hidden(out).isEmpty, "left behind: \(hidden(out))")

        // 25 publishes of the release, killed: the repository is either absent, or whole and signed.
        let repository = work.file("repository")
        for index in 0..<25 {
            try killed(["publish", reference, "--repo", repository] + key.flags,
                       after: Double.random(in: 0...publishTime, using: &generator))
            try expectWholeIndexes(repository, after: "\(index) (\(generator))")
        }
        #expect(try timed(["publish", reference, "--repo", repository] + key.flags) > 0)
        let published = try files(repository), wanted = try files(repositoryReference)
        #expect(published.keys.sorted() == wanted.keys.sorted())
        #expect(hidden(repository).isEmpty)
    }

    /// What apt and dnf check before they trust a repository, on whatever indexes a killed publish left: the
    /// signatures hold, and every file an index lists exists with the SHA-256 it lists.
    func expectWholeIndexes(_ repository: String, after index: String) throws {
        let keyring = try key.gnupg.keyring(key.publicKey)
        let dists = repository + "/deb/dists/stable"
        if FileManager.default.fileExists(atPath: dists + "/InRelease") {
            #expect(try run(["gpgv", "--keyring", keyring, dists + "/InRelease"]).status == 0, "kill \(index): InRelease")
            let release = try String(contentsOfFile: dists + "/Release", encoding: .utf8)
            let listed = release.components(separatedBy: "SHA256:\n").last?.split(separator: "\n").filter { $0.hasPrefix(" ") } ?? []
            #expect(!listed.isEmpty)
            for line in listed {
                let fields = line.split(separator: " ")
                let digest = try runChecked(["sha256sum", dists + "/" + fields[2]]).output.prefix(64)
                #expect(digest == fields[0], "kill \(index): \(fields[2]) is not what Release lists")
            }
        }
        let repodata = repository + "/rpm/repodata"
        if FileManager.default.fileExists(atPath: repodata + "/repomd.xml") {
            #expect(try run(["gpgv", "--keyring", keyring, repodata + "/repomd.xml.asc", repodata + "/repomd.xml"]).status == 0,
                    "kill \(index): repomd.xml")
            let repomd = try String(contentsOfFile: repodata + "/repomd.xml", encoding: .utf8)
            for data in repomd.components(separatedBy: "<data ").dropFirst() {
                guard let sum = data.range(of: "<checksum type=\"sha256\">"), let end = data.range(of: "</checksum>"),
                      let href = data.range(of: "<location href=\""), let close = data[href.upperBound...].firstIndex(of: "\"") else {
                    Issue.record("kill \(index): a repomd.xml entry without checksum or location")
                    continue
                }
                let digest = try runChecked(["sha256sum", repository + "/rpm/" + data[href.upperBound..<close]]).output.prefix(64)
                #expect(digest == data[sum.upperBound..<end.lowerBound], "kill \(index): \(data[href.upperBound..<close])")
            }
        }
    }

    /// --out, --cache-dir and --repo on a file system that fills up: exit 73, one line saying it is full, no partial
    /// file under a final name, no temporary file left.
    @Test func aFullDisk() throws {
        let work = try TemporaryDirectory()
        let small = work.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try runChecked(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small])
        defer { _ = try? run(["umount", small]) }
        let reference = work.file("reference")
        _ = try timed(try arguments(out: reference))
        let expected = try files(reference)

        let out = small + "/out"
        let result = try run([executable] + (try arguments(out: out)), in: repositoryRoot())
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("is full"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        for (path, digest) in try files(out) { #expect(expected[path] == digest, "\(path) is partial") }
        #expect(hidden(out).isEmpty, "left behind: \(hidden(out))")
        try FileManager.default.removeItem(atPath: out)

        let cached = try run([executable] + (try arguments(out: work.file("out"), cache: small + "/cache")), in: repositoryRoot())
        #expect(cached.status == 73, "\(cached.stderr)")
        #expect(cached.stderr.contains("is full"), "\(cached.stderr)")
        try? FileManager.default.removeItem(atPath: small + "/cache")

        let published = try run([executable, "publish", reference, "--repo", small + "/repo"] + key.flags, in: repositoryRoot())
        #expect(published.status == 73, "\(published.stderr)")
        #expect(published.stderr.contains("is full"), "\(published.stderr)")
        #expect(!FileManager.default.fileExists(atPath: small + "/repo/deb/dists/stable/InRelease"))
        let leftovers = try runChecked(["find", small + "/repo", "-name", ".falcopack-stage.*"]).output
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Two builds into one --out, and two sharing one --cache-dir, at once: the second waits for the folder; every
    /// artifact is whole and right.
    @Test func twoBuildsAtOnce() throws {
        let work = try TemporaryDirectory()
        let reference = work.file("reference")
        _ = try timed(try arguments(out: reference))
        let expected = try files(reference)
        let cache = work.file("cache")
        let pairs = [(work.file("same"), work.file("same")), (work.file("a"), work.file("b"))]
        for (first, second) in pairs {
            let group = DispatchGroup()
            let results = LockedResults()
            for out in [first, second] {
                group.enter()
                let arguments = try arguments(out: out, cache: cache)
                DispatchQueue.global().async {
                    results.append((try? run([executable] + arguments, in: repositoryRoot()))?.status ?? -1)
                    group.leave()
                }
            }
            group.wait()
            #expect(results.values == [0, 0])
            #expect(try files(first) == expected)
            #expect(try files(second) == expected)
        }
    }

    // MARK: Hostile inputs

    @Test func aHugeOrDeeplyNestedSpecIsRefusedQuickly() throws {
        let work = try TemporaryDirectory()
        let big = work.file("big.yaml")
        let line = Array("# padding padding padding padding padding padding padding padding padding padding\n".utf8)
        try Data(Array(repeating: line, count: 100_000_000 / line.count).flatMap { $0 }).write(to: URL(fileURLWithPath: big))
        let deep = work.file("deep.yaml")
        try ("spec-version: 1\nx: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
            .write(toFile: deep, atomically: true, encoding: .utf8)
        let block = work.file("block.yaml")
        try ("spec-version: 1\n" + (0..<1000).map { String(repeating: " ", count: $0 * 2) + "k\($0):\n" }.joined())
            .write(toFile: block, atomically: true, encoding: .utf8)
        for (spec, text) in [(big, "a spec is at most"), (deep, "nested deeper than 64 levels"), (block, "nested deeper than 64 levels")] {
            let start = Date()
            let result = try run([falcopackExecutable(), "all", "--spec", spec, "--out", work.file("out")])
            #expect(Date().timeIntervalSince(start) < 5)
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains(text), "\(result.stderr)")
        }
    }

    /// A driver source tree with what a hostile or careless one holds.
    func tree(_ work: TemporaryDirectory, _ add: (String) throws -> Void) throws -> String {
        let driver = work.file("driver")
        try runChecked(["cp", "-r", repositoryRoot() + "/.cache/scap/driver", driver])
        try add(driver + "/bpf")
        return driver
    }

    func build(_ command: [String], driver: String, out: String) throws -> ToolResult {
        try run([falcopackExecutable()] + command + ["--driver-src", driver, "--out", out], in: repositoryRoot())
    }

    @Test func symlinksAreKeptAsLinksNeverFollowed() throws {
        let work = try TemporaryDirectory()
        let driver = try tree(work) { bpf in
            try FileManager.default.createSymbolicLink(atPath: bpf + "/outside", withDestinationPath: "/etc/shadow")
            try FileManager.default.createSymbolicLink(atPath: bpf + "/loop-a", withDestinationPath: "loop-b")
            try FileManager.default.createSymbolicLink(atPath: bpf + "/loop-b", withDestinationPath: "loop-a")
            try FileManager.default.createSymbolicLink(atPath: bpf + "/up", withDestinationPath: "../../..")
        }
        let out = work.file("out")
        let result = try build(["deb", "--driver", "bpf"], driver: driver, out: out)
        #expect(result.status == 0, "\(result.stderr)")
        let listing = try runChecked(["dpkg-deb", "-c", out + "/falco-0.28.1-bpf-amd64.deb"]).output
        #expect(listing.contains("/bpf/outside -> /etc/shadow"))
        #expect(listing.contains("/bpf/loop-a -> loop-b"))
        #expect(listing.contains("/bpf/up -> ../../.."))
        // Nothing of /etc/shadow came in: the link is a link.
        let shadow = try String(contentsOfFile: "/etc/shadow", encoding: .utf8)
        let data = try runChecked(["sh", "-c", "dpkg-deb --fsys-tarfile '\(out)/falco-0.28.1-bpf-amd64.deb' | tar -xO --wildcards '*/bpf/*.h' 2>/dev/null | head -c 1000000"]).output
        #expect(!data.contains(shadow.prefix(20)))
    }

    @Test func oddNamesRoundTripOrAreRefused() throws {
        let work = try TemporaryDirectory()
        let long = String(repeating: "n", count: 255)
        let deepPath = (0..<19).map { _ in String(repeating: "d", count: 200) }.joined(separator: "/")
        let driver = try tree(work) { bpf in
            try "spaces\n".write(toFile: bpf + "/with spaces.h", atomically: true, encoding: .utf8)
            try "long\n".write(toFile: bpf + "/" + long, atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: bpf + "/" + deepPath, withIntermediateDirectories: true)
            try "deep\n".write(toFile: bpf + "/" + deepPath + "/x.h", atomically: true, encoding: .utf8)
        }
        let out = work.file("out")
        for command in [["deb", "--driver", "bpf"], ["rpm", "--driver", "bpf"], ["tar", "--bpf-src"]] {
            let result = try build(command, driver: driver, out: out)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let deb = try runChecked(["dpkg-deb", "-c", out + "/falco-0.28.1-bpf-amd64.deb"]).output
        let rpm = try runChecked(["rpm", "-qlp", out + "/falco-0.28.1-bpf-x86_64.rpm"]).output
        let tar = try runChecked(["tar", "-tzf", out + "/falco-0.28.1-bpf-src-x86.tar.gz"]).output
        let bsd = try runChecked(["bsdtar", "-tf", out + "/falco-0.28.1-bpf-src-x86.tar.gz"]).output
        for listing in [deb, rpm, tar, bsd] {
            #expect(listing.contains("bpf/with spaces.h") || listing.contains("/with spaces.h"))
            #expect(listing.contains("/" + long))
            #expect(listing.contains(deepPath + "/x.h"))
        }
        // Installed by dpkg, exactly those names.
        let root = work.file("root")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try runChecked(["sh", "-c", "dpkg-deb -x '\(out)/falco-0.28.1-bpf-amd64.deb' '\(root)'"])
        let installed = try runChecked(["find", root, "-name", "x.h"]).output
        #expect(installed.contains(deepPath + "/x.h"))

        // A newline, or a name that is not UTF-8: refused, with the path named.
        for name in ["line\nbreak.h", "bad-\u{FFFD}.h"] {
            let folder = try TemporaryDirectory()
            let odd = try tree(folder) { bpf in
                if name.contains("\u{FFFD}") {
                    try runChecked(["sh", "-c", "printf x > \"$1/bad-$(printf '\\377').h\"", "sh", bpf])
                } else {
                    try "x".write(toFile: bpf + "/" + name, atomically: true, encoding: .utf8)
                }
            }
            let refused = try build(["deb", "--driver", "bpf"], driver: odd, out: work.file("refused"))
            #expect(refused.status == 66 || refused.status == 65, "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count <= 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("newline") || refused.stderr.contains("not UTF-8") || refused.stderr.contains("cannot examine"),
                    "\(refused.stderr)")
        }
    }

    @Test func devicesAndSocketsAreRefused() throws {
        let work = try TemporaryDirectory()
        for kind in ["device", "socket", "fifo"] {
            let folder = try TemporaryDirectory()
            let driver = try tree(folder) { bpf in
                switch kind {
                case "device": try runChecked(["mknod", bpf + "/null", "c", "1", "3"])
                case "socket": try runChecked(["python3", "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])", bpf + "/sock"])
                default: try runChecked(["mkfifo", bpf + "/fifo"])
                }
            }
            let result = try build(["deb", "--driver", "bpf"], driver: driver, out: work.file(kind))
            #expect(result.status == 66, "\(kind): \(result.stderr)")
            #expect(result.stderr.contains("is neither a file, a folder nor a symlink"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: work.file(kind) + "/falco-0.28.1-bpf-amd64.deb"))
        }
    }

    /// A value with quotes, `$( )`, backticks and a newline reaches a maintainer script as data; the script runs
    /// without running it. In a file that cannot quote it (a unit), it is refused.
    @Test func templateValuesStayData() throws {
        let work = try TemporaryDirectory()
        let spec = try String(contentsOfFile: repositoryRoot() + "/Specs/falco.yaml", encoding: .utf8)
            .replacingOccurrences(of: "../", with: repositoryRoot() + "/")
        let script = work.file("postinst")
        try "#!/bin/sh\nset -e\nGREETING={{ greeting | sh }}\nprintf '%s' \"$GREETING\" > greeting.out\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        let unit = work.file("greeting.service")
        try "[Unit]\nDescription={{ greeting }}\n".write(toFile: unit, atomically: true, encoding: .utf8)
        let hostile = "it's \"$(touch PWNED)\" `touch PWNED2` $(id)\nnext line"
        let withScript = spec
            .replacingOccurrences(of: "inputs:\n", with: "inputs:\n  greeting:\n    help: a value that reaches a script\n    default: hello\n")
            .replacingOccurrences(of: "        post-install: \"{{ payloads }}/deb/bpf/postinst\"", with: "        post-install: \(script)")
        let specFile = work.file("spec.yaml")
        try withScript.write(toFile: specFile, atomically: true, encoding: .utf8)
        let out = work.file("out")
        let built = try run([falcopackExecutable(), "deb", "--driver", "bpf", "--spec", specFile, "--greeting", hostile, "--out", out])
        #expect(built.status == 0, "\(built.stderr)")
        let control = work.file("control")
        try runChecked(["dpkg-deb", "-e", out + "/falco-0.28.1-bpf-amd64.deb", control])
        let ran = try run(["sh", control + "/postinst"], in: work.path)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.file("PWNED")) && !FileManager.default.fileExists(atPath: work.file("PWNED2")))
        #expect(try String(contentsOfFile: work.file("greeting.out"), encoding: .utf8) == hostile)

        let withUnit = withScript.replacingOccurrences(of: "\"{{ payloads }}/systemd/falco-bpf.service\"\n          dst: /lib/systemd", with: "\(unit)\n          dst: /lib/systemd")
        try withUnit.write(toFile: specFile, atomically: true, encoding: .utf8)
        let refused = try run([falcopackExecutable(), "deb", "--driver", "bpf", "--spec", specFile, "--greeting", hostile, "--out", work.file("refused")])
        #expect(refused.status == 66, "\(refused.stderr)")
        #expect(refused.stderr.contains("holds a line break or control character"), "\(refused.stderr)")
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int32] = []
    func append(_ value: Int32) { lock.withLock { items.append(value) } }
    var values: [Int32] { lock.withLock { items.sorted() } }
}
