import ByteIO
import Codecs
import Foundation
import PackageModel
import RPMFormat
import Testing
import TestSupport

/// Bad input is a clear error naming the tag or file, raised before anything lands under the final name.
@Suite struct RPMValidationTests {
    func expectRejected(_ change: (inout Package) throws -> Void, mentioning text: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fixture = try RPMFixture()
        var package = try fixture.package()
        try change(&package)
        try TestSupport.expectRejected({ try fixture.build(package) }, mentioning: text,
                                       outputDirectory: fixture.dir.file("out"), sourceLocation: sourceLocation)
    }

    @Test func namesAndVersions() throws {
        try expectRejected({ $0.metadata.name = "falco test" }, mentioning: "rpm field Name 'falco test'")
        try expectRejected({ $0.metadata.name = "-falco" }, mentioning: "rpm field Name '-falco'")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1 0") }, mentioning: "rpm field Version '1 0'")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1/0") }, mentioning: "version '1/0' may hold only")
        try expectRejected({ $0.metadata.version = PackageVersion(upstream: "1.0", release: "1/el") }, mentioning: "release '1/el'")
    }

    @Test func fieldsAndDependencies() throws {
        try expectRejected({ $0.metadata.license = nil }, mentioning: "rpm field License '': rpm requires a licence")
        try expectRejected({ $0.metadata.summary = "two\nlines" }, mentioning: "rpm field Summary")
        try expectRejected({ $0.metadata.relations[.depends] = [Relation([Dependency(name: "lib c")])] },
                           mentioning: "rpm field Requires 'lib c'")
        try expectRejected({ $0.metadata.relations[.conflicts] = [Relation([Dependency(name: "falco", constraint: .init(op: .lessThan, version: "1 0"))])] },
                           mentioning: "rpm field Conflicts '1 0'")
    }

    @Test func weakAndReverseDependencies() throws {
        let fixture = try RPMFixture()
        var package = try fixture.package()
        package.metadata.relations[.recommends] = [try Relation(parsing: "dkms")]
        package.metadata.relations[.suggests] = [try Relation(parsing: "clang (>= 7)")]
        package.metadata.relations[.supplements] = [try Relation(parsing: "falco-plugins")]
        package.metadata.relations[.enhances] = [try Relation(parsing: "docker")]
        package.metadata.relations[.replaces] = [try Relation(parsing: "falco-bpf (<< 1.0.0)")]
        package.metadata.relations[.conflicts] = [try Relation(parsing: "falco-bpf")]
        package.metadata.relations[.depends] = [try Relation(parsing: "dkms | falco-bpf")]
        let rpm = try fixture.build(package)
        func query(_ flag: String) throws -> String { try runChecked(["rpm", "-qp", flag, rpm]).output }
        #expect(try query("--recommends") == "dkms\n")
        #expect(try query("--suggests") == "clang >= 7\n")
        #expect(try query("--supplements") == "falco-plugins\n")
        #expect(try query("--enhances") == "docker\n")
        #expect(try query("--obsoletes") == "falco-bpf < 1.0.0\n")
        #expect(try query("--conflicts") == "falco-bpf\n")
        #expect(try query("--requires").contains("(dkms or falco-bpf)\n"))
        #expect(try query("--requires").contains("rpmlib(RichDependencies) <= 4.12.0-1\n"))
        let check = try run(["rpm", "-Kv", rpm])
        #expect(check.status == 0)
    }

    @Test func files() throws {
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/../etc/shadow", type: .directory, permissions: 0o755)) },
                           mentioning: "rpm file '/usr/../etc/shadow': escapes the root")
        try expectRejected({ $0.files.append(PackageFile(path: "/usr/bin/missing", type: .regular(source: "/nonexistent/falco"), permissions: 0o755)) },
                           mentioning: "open '/nonexistent/falco': No such file or directory")
        try expectRejected({ $0.files.append(PackageFile(path: "/etc/dir", type: .directory, permissions: 0o755, attributes: .config)) },
                           mentioning: "only regular files can be %config")
    }

    @Test func architectureAndVersionSpellings() throws {
        let rpm = RPMFormat()
        // rpm's names (rpmrc's arch_canon), as nfpm maps its own onto them.
        #expect(Architecture.allCases.map(rpm.architectureName) == ["x86_64", "aarch64", "noarch", "i386", "armv5tel", "armv6hl",
                                                                    "armv7hl", "ppc64le", "s390x", "riscv64", "mips", "mipsel",
                                                                    "mips64el", "loongarch64"])
        // '-' separates Version from Release, so an upstream '-' becomes '_'; the release defaults to 1.
        #expect(try rpm.version(upstream: "0.28.1-28+f237f27", release: nil).description == "0.28.1_28+f237f27-1")
        // An epoch before the version is rpm's Epoch, as in rpm's own E:V-R.
        let epoch = try rpm.version(upstream: "2:1.0", release: "3")
        #expect(epoch.epoch == 2 && epoch.upstream == "1.0" && epoch.description == "2:1.0-3")
        #expect(try rpm.version(upstream: "0.28.1", release: "3").description == "0.28.1-3")
    }

    @Test func scriptsQueryShowsInterpreters() throws {
        let fixture = try RPMFixture()
        let rpm = try fixture.build(try fixture.package(scripts: true))
        let scripts = try runChecked(["rpm", "-qp", "--scripts", rpm]).output
        #expect(scripts.contains("preinstall scriptlet (using /bin/sh):\n#!/bin/sh\necho \"pre $1\" >> /calls.log"))
        #expect(scripts.contains("postuninstall scriptlet (using /bin/sh):"))
        #expect(scripts.contains("pretrans scriptlet (using /bin/sh):"))
        #expect(scripts.contains("posttrans scriptlet (using /bin/sh):"))
        // One interpreter requirement per scriptlet, each with its own sense.
        let requires = try runChecked(["rpm", "-qp", "--requires", rpm]).output
        #expect(requires.split(separator: "\n").filter { $0 == "/bin/sh" }.count == 6)
        let senses = try runChecked(["rpm", "-qp", "--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\\n]", rpm]).output
        let shellSenses = Set(senses.split(separator: "\n").filter { $0.hasPrefix("/bin/sh ") }
            .map { Set($0.dropFirst("/bin/sh ".count).split(separator: ",").map(String.init)) })
        #expect(shellSenses == Set(["pre", "post", "preun", "postun", "pretrans", "posttrans"].map { Set(["interp", $0]) }))
    }
}
