import ByteIO
import Codecs
import DebFormat
import FormatSeam
import Foundation
import PackageModel
import Testing
import TestSupport

/// Bad input is a clear error naming the field or file, raised before anything lands under the final name.
@Suite struct DebValidationTests {
    func expectRejected(_ change: (inout Package) throws -> Void, mentioning text: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fixture = try DebFixture()
        var package = try fixture.package()
        try change(&package)
        try TestSupport.expectRejected({ try fixture.build(package) }, mentioning: text,
                                       outputDirectory: fixture.dir.file("out"), sourceLocation: sourceLocation)
    }

    @Test func packageName() throws {
        try expectRejected({ $0.metadata.name = "Falco" }, mentioning: "deb field Package 'Falco': package names are")
        try expectRejected({ $0.metadata.name = "f" }, mentioning: "deb field Package 'f'")
    }

    @Test func versions() throws {
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1 0") }, mentioning: "deb field Version '1 0'")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1/0") }, mentioning: "no spaces, slashes or colons")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "v1.0") }, mentioning: "must start with a digit")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1.0", release: "1_a") }, mentioning: "the release (Debian revision) may hold only")
    }

    @Test func relations() throws {
        try expectRejected({ $0.metadata.relations[.depends] = [Relation([Dependency(name: "Libc6")])] },
                           mentioning: "deb field Depends 'Libc6'")
        try expectRejected({ $0.metadata.relations[.depends] = [Relation([Dependency(name: "libc6", constraint: .init(op: .greaterOrEqual, version: "x1"))])] },
                           mentioning: "deb field Depends 'x1'")
        try expectRejected({ $0.metadata.relations[.provides] = [try Relation(parsing: "falco-a | falco-b")] }, mentioning: "Provides takes plain names")
        #expect(throws: Relation.InvalidRelation.self) { try Relation(parsing: "libc6 (>> )") }
        #expect(throws: Relation.InvalidRelation.self) { try Relation(parsing: "libc6 (~ 1)") }
        #expect(throws: Relation.InvalidRelation.self) { try Relation(parsing: "lib c6") }
    }

    @Test func fieldsAndScripts() throws {
        try expectRejected({ $0.metadata.maintainer = "nobody" }, mentioning: "deb field Maintainer 'nobody'")
        try expectRejected({ $0.metadata.summary = "two\nlines" }, mentioning: "must be a single line")
        try expectRejected({ $0.metadata.extraFields = [ExtraField(name: "Version", value: "2")] }, mentioning: "is a standard field")
        try expectRejected({ $0.scripts[.postInstall] = "echo no interpreter\n" }, mentioning: "deb field postinst")
    }

    @Test func files() throws {
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/../../etc/shadow", type: .directory, permissions: 0o755)) },
                           mentioning: "escapes the root")
        try expectRejected({ $0.files.append(PackageFile(path: "relative/path", type: .directory, permissions: 0o755)) },
                           mentioning: "must be absolute")
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/bin/missing", type: .regular(source: "/nonexistent/falco"), permissions: 0o755)) },
                           mentioning: "open '/nonexistent/falco': No such file or directory")
        try expectRejected({ $0.files.append(PackageFile(path: "/etc/dir", type: .directory, permissions: 0o755, attributes: .config)) },
                           mentioning: "only regular files can be conffiles")
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/bin/falcopack-test", type: .directory, permissions: 0o755)) },
                           mentioning: "listed twice")
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/bin/h", type: .hardlink(target: "/usr/bin/none"), permissions: 0o755)) },
                           mentioning: "hard link target")
    }

    @Test func architectureAndVersionSpellings() throws {
        let deb = DebFormat()
        // Debian's names (dpkg-architecture -L); nfpm's arm6 and arm7 are both armhf.
        #expect(Architecture.allCases.map(deb.architectureName) == ["amd64", "arm64", "all", "i386", "armel", "armhf", "armhf",
                                                                    "ppc64el", "s390x", "riscv64", "mips", "mipsel", "mips64el", "loong64"])
        // The upstream version is the whole Debian version; a release becomes its revision.
        #expect(try deb.version(upstream: "0.28.1-28+f237f27", release: nil).description == "0.28.1-28+f237f27")
        #expect(try deb.version(upstream: "1:0.28.1", release: "2").description == "1:0.28.1-2")
        let error = #expect(throws: FormatViolation.self) { try deb.version(upstream: "x:1.0", release: nil) }
        #expect(error?.subject == .metadata(.version))
    }

    @Test func zstdControlMemberIsRefused() {
        let error = #expect(throws: FormatViolation.self) { _ = try DebFormat(controlCodec: .zstd(level: 3)) }
        #expect(error?.description.contains("lintian reports zstd control members") == true)
    }

    @Test func installedSizeFollowsDebSubstvars() throws {
        // 300,000 B -> 293 KiB; the script 36 B -> 1; symlinks 1 each; dirs 1 each; the hard link 0.
        let fixture = try DebFixture()
        let deb = try fixture.build(try fixture.package())
        let size = try runChecked(["dpkg-deb", "-f", deb, "Installed-Size"]).output
        let tree = fixture.dir.file("x")
        try runChecked(["dpkg-deb", "-x", deb, tree])
        let expected = try runChecked(["sh", "-c", """
            cd '\(tree)' && find . -mindepth 1 \\( -type f -links 1 -o -type f -name data.bin -o -type l \\) -printf '%s\\n' \
              | awk '{ s += int(($1 + 1023) / 1024) } END { print s }'
            """]).output
        let dirs = try runChecked(["sh", "-c", "cd '\(tree)' && find . -mindepth 1 -type d | wc -l"]).output
        #expect(Int(size.trimmingCharacters(in: .whitespacesAndNewlines)) ==
                Int(expected.trimmingCharacters(in: .whitespacesAndNewlines))! + Int(dirs.trimmingCharacters(in: .whitespacesAndNewlines))!)
    }
}

@Suite struct DebRpmOnlyFieldsTests {
    @Test func transactionScriptsAndSupplementsAreRefused() throws {
        let fixture = try DebFixture()
        var package = try fixture.package()
        package.scripts[.preTransaction] = "#!/bin/sh\n"
        let scripts = #expect(throws: FormatViolation.self) { try fixture.build(package) }
        #expect(scripts?.description.contains("deb has no transaction scripts") == true)
        package = try fixture.package()
        package.metadata.relations[.supplements] = [try Relation(parsing: "falco-plugins")]
        let supplements = #expect(throws: FormatViolation.self) { try fixture.build(package) }
        #expect(supplements?.description.contains("deb has no Supplements field") == true)
    }
}
