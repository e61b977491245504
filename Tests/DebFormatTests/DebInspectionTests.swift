import ByteIO
import Codecs
import DebFormat
import Foundation
import PackageModel
import Testing
import TestSupport

/// What dpkg-deb and lintian say about the package, and how it compares with dpkg-deb's own build.
@Suite struct DebInspectionTests {
    func relations() throws -> Relations {
        var relations = Relations()
        relations[.depends] = [try Relation(parsing: "libc6 (>= 2.17)"), try Relation(parsing: "dkms | falco-bpf")]
        relations[.preDepends] = [try Relation(parsing: "dpkg (>= 1.17)")]
        relations[.recommends] = [try Relation(parsing: "linux-headers-amd64")]
        relations[.suggests] = [try Relation(parsing: "clang")]
        relations[.enhances] = [try Relation(parsing: "docker.io")]
        relations[.conflicts] = [try Relation(parsing: "falco-bpf")]
        relations[.breaks] = [try Relation(parsing: "falco (<< 0.28)")]
        relations[.replaces] = [try Relation(parsing: "falco-bpf")]
        relations[.provides] = [try Relation(parsing: "falco-driver (= 1.0.0)")]
        return relations
    }

    @Test func dpkgDebShowsTheModel() throws {
        let fixture = try DebFixture()
        var package = try fixture.package(
            relations: try relations(), extraFields: [ExtraField(name: "X-Built-By", value: "falcopack")])
        package.scripts[.triggers] = "interest-noawait /usr/share/falcopack-test\n"
        let deb = try fixture.build(package)
        let control = try runChecked(["dpkg-deb", "-f", deb]).output
        #expect(control == """
            Package: falcopack-test
            Version: 1.0.0-1
            Architecture: amd64
            Maintainer: Falcopack Maintainers <maintainers@example.org>
            Installed-Size: 310
            Pre-Depends: dpkg (>= 1.17)
            Depends: libc6 (>= 2.17), dkms | falco-bpf
            Recommends: linux-headers-amd64
            Suggests: clang
            Enhances: docker.io
            Breaks: falco (<< 0.28)
            Conflicts: falco-bpf
            Replaces: falco-bpf
            Provides: falco-driver (= 1.0.0)
            Section: utils
            Priority: optional
            Homepage: https://falco.org
            X-Built-By: falcopack
            Description: test package for the falcopack deb writer
             This package exercises every part of a deb that falcopack writes: regular
             files, symbolic links, hard links, conffiles and maintainer scripts, so that
             dpkg and lintian can judge it.
             .
             It is built only by the tests.

            """)
        let info = try runChecked(["dpkg-deb", "--info", deb]).output
        for member in ["control", "md5sums", "conffiles", "preinst", "postinst", "prerm", "postrm", "triggers"] {
            #expect(info.contains(" \(member)\n") || info.contains(" \(member) "), "\(member) in --info")
        }
        #expect(try runChecked(["dpkg-deb", "--ctrl-tarfile", deb]).stdout.count > 0)
        let conffiles = try runChecked(["sh", "-c", "dpkg-deb --ctrl-tarfile '\(deb)' | tar -xOf - ./conffiles"]).output
        #expect(conffiles == "/etc/falcopack-test/config.yaml\n")
        let modes = try runChecked(["sh", "-c", "dpkg-deb --ctrl-tarfile '\(deb)' | tar -tvf -"]).output
        #expect(modes.split(separator: "\n").filter { $0.hasPrefix("-rwxr-xr-x") }.count == 4)   // the scripts
        #expect(modes.split(separator: "\n").filter { $0.hasPrefix("-rw-r--r--") }.count == 4)   // the rest
        let root = try DpkgRoot(in: fixture.dir)
        #expect(try root.dpkg(["--force-depends", "-i", deb]).status == 0)
        #expect(root.read("/var/lib/dpkg/info/falcopack-test.triggers") == "interest-noawait /usr/share/falcopack-test\n")
        let ar = try runChecked(["ar", "t", deb]).output
        #expect(ar == "debian-binary\ncontrol.tar.xz\ndata.tar.xz\n")
    }

    @Test func contentsListEveryParentAndRootOwnership() throws {
        let fixture = try DebFixture()
        let deb = try fixture.build(try fixture.package())
        let lines = try runChecked(["dpkg-deb", "--contents", deb]).output.split(separator: "\n")
        let names = lines.map { String($0.split(separator: " ", omittingEmptySubsequences: true)[5]) }
        #expect(names == ["./", "./etc/", "./etc/falcopack-test/", "./etc/falcopack-test/config.yaml", "./usr/",
                          "./usr/bin/", "./usr/bin/falcopack-test", "./usr/bin/falcopack-test-alias", "./usr/share/",
                          "./usr/share/doc/", "./usr/share/doc/falcopack-test/",
                          "./usr/share/doc/falcopack-test/changelog.Debian.gz", "./usr/share/doc/falcopack-test/copyright",
                          "./usr/share/falcopack-test/", "./usr/share/falcopack-test/data-link.bin",
                          "./usr/share/falcopack-test/data.bin", "./usr/share/man/", "./usr/share/man/man1/",
                          "./usr/share/man/man1/falcopack-test-alias.1.gz", "./usr/share/man/man1/falcopack-test.1.gz"])
        #expect(lines.allSatisfy { $0.contains(" root/root ") })
        #expect(lines.allSatisfy { $0.contains(" 2021-04-01 ") })
        #expect(lines.contains { $0.hasPrefix("-rwxr-xr-x") && $0.hasSuffix("./usr/bin/falcopack-test") })
        #expect(lines.contains { $0.hasSuffix("./usr/bin/falcopack-test-alias -> falcopack-test") })
    }

    /// Tags lintian raises on this package that a package built outside Debian cannot avoid.
    static let lintianAllowList: [String: String] = [:]

    @Test func lintianReportsNoErrorsOrWarnings() throws {
        let fixture = try DebFixture()
        let deb = try fixture.build(try fixture.package(scripts: true))
        let result = try run(["lintian", "--allow-root", "--tag-display-limit", "0", "--no-cfg", "-E", "--pedantic", deb])
        let tags = result.output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
        let unexpected = tags.filter { line in
            !Self.lintianAllowList.keys.contains { line.contains(" \($0)") }
        }
        #expect(unexpected.isEmpty, "lintian: \(result.output)")
        #expect(result.status == 0, "lintian exit \(result.status): \(result.stderr)")
    }

    @Test func matchesDpkgDebOnTheSameTree() throws {
        let fixture = try DebFixture()
        let package = try fixture.package(scripts: false)
        let ours = try fixture.build(package)

        // The same tree on disk, built by dpkg-deb with our control file.
        let tree = fixture.dir.file("tree")
        try runChecked(["dpkg-deb", "-x", ours, tree])
        try FileManager.default.createDirectory(atPath: tree + "/DEBIAN", withIntermediateDirectories: true)
        try runChecked(["sh", "-c", "dpkg-deb -e '\(ours)' '\(tree)/DEBIAN' && rm '\(tree)/DEBIAN/md5sums'"])
        let reference = fixture.dir.file("out/reference.deb")
        try run(["dpkg-deb", "--root-owner-group", "-Zxz", "-b", tree, reference], environment: ["SOURCE_DATE_EPOCH": "\(DebFixture.epoch)"])

        func contents(_ deb: String) throws -> [String] {
            try runChecked(["dpkg-deb", "--contents", deb]).output.split(separator: "\n").map { line in
                // perms owner size date time name [-> target | link to target]
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                return ([fields[0], fields[1], fields[2]] + fields[5...]).joined(separator: " ")
            }
        }
        // dpkg-deb moves symlinks to the end of data.tar; falcopack keeps one bytewise order. Compare the sets.
        let ourContents = try contents(ours).sorted()
        let referenceContents = try contents(reference).sorted()
        #expect(ourContents == referenceContents, "ours:\n\(ourContents.joined(separator: "\n"))\nreference:\n\(referenceContents.joined(separator: "\n"))")

        // md5sums: what md5sum computes over the tree's regular files, conffiles left out as debhelper does.
        let ourSums = try runChecked(["sh", "-c", "dpkg-deb --ctrl-tarfile '\(ours)' | tar -xOf - ./md5sums"]).output
        let treeSums = try runChecked(["sh", "-c",
            "cd '\(tree)' && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\\n' | LC_ALL=C sort | xargs md5sum"]).output
        #expect(ourSums == treeSums)
    }

    @Test func sameInputSameBytes() throws {
        let fixture = try DebFixture()
        for codec in [Codec.xz(preset: 6, extreme: false), .gzip(level: 9), .zstd(level: 19)] {
            let first = try fixture.build(try fixture.package(), codec: codec, name: "a.deb")
            let second = try fixture.build(try fixture.package(), codec: codec, name: "b.deb")
            #expect(try fixture.dir.read("out/a.deb") == fixture.dir.read("out/b.deb"), "\(codec)")
            _ = (first, second)
        }
    }
}
