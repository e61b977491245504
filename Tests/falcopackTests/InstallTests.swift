import Foundation
import Testing
import TestSupport

/// The release packages installed by the real dpkg and rpm into throwaway roots: each variant installs, the
/// installed falco is the one given, and a host holds exactly one variant.
@Suite(.serialized) struct InstallTests {
    let release: Release

    init() throws { release = try Release.shared.get() }

    /// busybox applets and recording stubs for what the maintainer scripts call.
    func equip(_ root: some InstallRoot) throws {
        for applet in ["grep", "uname", "cat"] {
            try FileManager.default.createSymbolicLink(atPath: root.path + "/bin/" + applet, withDestinationPath: "busybox")
        }
        for stub in ["dkms", "modprobe", "falco-driver-loader"] { try root.addRecordingStub(stub, at: "usr/sbin") }
    }

    func installed(_ root: DpkgRoot) throws -> [String] {
        try run(["dpkg-query", "--root=\(root.path)", "-W", "-f", "${Package} ${db:Status-Status}\n"]).output
            .split(separator: "\n").filter { $0.hasSuffix(" installed") }.map { String($0.split(separator: " ")[0]) }
    }

    @Test func debVariantsInstallAndReplaceEachOther() throws {
        let v = Release.version
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try equip(root)
        let module = release.path("falco-\(v)-module-amd64.deb"), bpf = release.path("falco-\(v)-bpf-amd64.deb")

        let first = try root.dpkg(["--force-depends", "-i", module])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try installed(root) == ["falco"])
        let version = try runChecked([root.path + "/usr/bin/falco", "--version"]).output
        #expect(version.hasPrefix("Falco version: \(v) (stand-in)\nDriver version: \(Release.driverVersion)"))
        #expect(FileManager.default.fileExists(atPath: root.path + "/usr/src/scap-\(Release.driverVersion)/dkms.conf"))

        // bpf replaces module: dpkg removes the conflicting package it replaces.
        let swap = try root.dpkg(["--force-depends", "-i", bpf])
        #expect(swap.status == 0, "\(swap.stderr)")
        #expect(try installed(root) == ["falco-bpf"])
        #expect(!FileManager.default.fileExists(atPath: root.path + "/usr/src/scap-\(Release.driverVersion)/main.c"))

        // Both at once is refused.
        let both = try root.dpkg(["--force-depends", "-i", module, bpf])
        #expect(both.status != 0)
        #expect(try installed(root).count == 1)

        // And back: module replaces bpf.
        let back = try root.dpkg(["--force-depends", "-i", module])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try installed(root) == ["falco"])
        #expect(try root.dpkg(["-V", "falco"]).output.isEmpty)
        #expect(try root.dpkg(["--purge", "falco"]).status == 0)
        #expect(try installed(root).isEmpty)
    }

    func rpmInstalled(_ root: RPMRoot) throws -> [String] {
        try root.rpm(["-qa", "--qf", "%{NAME}\n"]).output.split(separator: "\n").map(String.init).sorted()
    }

    @Test func rpmVariantsInstallAndReplaceEachOther() throws {
        let v = Release.version
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        try equip(root)
        let module = release.path("falco-\(v)-module-x86_64.rpm"), bpf = release.path("falco-\(v)-bpf-x86_64.rpm")

        let first = try root.rpm(["--nodeps", "-i", module])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try rpmInstalled(root) == ["falco"])
        let version = try runChecked([root.path + "/usr/bin/falco", "--version"]).output
        #expect(version.hasPrefix("Falco version: \(v) (stand-in)"))
        #expect(try root.rpm(["-V", "--nodeps", "falco"]).output.isEmpty)

        // Installed side by side: refused, either way round.
        let both = try root.rpm(["--nodeps", "-i", bpf])
        #expect(both.status != 0)
        #expect(both.stderr.contains("conflicts"), "\(both.stderr)")

        // Upgrading to the other variant replaces it (Obsoletes).
        let swap = try root.rpm(["--nodeps", "-U", bpf])
        #expect(swap.status == 0, "\(swap.stderr)")
        #expect(try rpmInstalled(root) == ["falco-bpf"])
        let back = try root.rpm(["--nodeps", "-U", module])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try rpmInstalled(root) == ["falco"])
        #expect(try root.rpm(["--nodeps", "-e", "falco"]).status == 0)
        #expect(try rpmInstalled(root).isEmpty)
    }
}
