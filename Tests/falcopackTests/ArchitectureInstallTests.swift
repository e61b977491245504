import Foundation
import Testing
import TestSupport

/// The aarch64 half of the release judged by the real clients, under qemu-user-static through binfmt_misc: apt
/// installs the arm64 deb from the published repository into an arm64 Debian 12 root made by mmdebstrap and its
/// falco runs there; rpm installs, verifies and erases the aarch64 rpm; dnf, as an aarch64 machine, reads the one
/// signed yum repository of both architectures and downloads the aarch64 package.
@Suite(.serialized) struct ArchitectureInstallTests {
    let release: Release
    let key: SigningKey

    init() throws {
        release = try Release.shared.get()
        key = try SigningKey.shared.get()
    }

    func published(_ work: TemporaryDirectory) throws -> String {
        let repository = work.file("repo")
        try falcopack(["publish", release.dist, "--repo", repository] + key.flags)
        return repository
    }

    @Test func aptInstallsTheArm64DebInAnArm64RootAndItsFalcoRuns() throws {
        let work = try TemporaryDirectory()
        let repository = try published(work)
        let releaseFile = try String(contentsOfFile: repository + "/deb/dists/stable/Release", encoding: .utf8)
        #expect(releaseFile.contains("\nArchitectures: amd64 arm64\n"), "\(releaseFile)")
        let arm64Index = try String(contentsOfFile: repository + "/deb/dists/stable/main/binary-arm64/Packages", encoding: .utf8)
        #expect(arm64Index.contains("Architecture: arm64") && !arm64Index.contains("Architecture: amd64"))

        let root = try DebianRoot(base: "tester", platform: "arm64")
        #expect(try root.apt(["dpkg", "--print-architecture"]).output == "arm64\n")
        try root.use(repository, key: key.publicKey)
        let update = try root.apt(["apt-get", "update"])
        #expect(update.status == 0, "\(update.output) \(update.stderr)")
        // The eBPF variant: the module one needs dkms and a compiler, which this root's sources do not have.
        let install = try root.apt(["apt-get", "install", "-y", "--no-install-recommends", "falco-bpf"])
        #expect(install.status == 0, "\(install.output) \(install.stderr)")
        #expect(try root.apt(["dpkg-query", "-W", "-f=${Architecture} ${Version}", "falco-bpf"]).output == "arm64 \(release.version)")
        let version = try root.running(["/usr/bin/falco", "--version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.output.contains(release.version), "\(version.output)")
        #expect(try root.apt(["dpkg", "-V", "falco-bpf"]).output.isEmpty)
    }

    @Test func rpmInstallsVerifiesAndErasesTheAarch64Rpm() throws {
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        let rpm = release.path("falco-\(release.version)-bpf-aarch64.rpm")
        let environment = ["HOME": "/root", "TMPDIR": "/tmp"]
        // Without --ignorearch rpm refuses a package for another machine than this one.
        let refused = try root.rpm(["--nodeps", "--noscripts", "-i", rpm], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("intended for a different architecture"), "\(refused.stderr)")
        let install = try root.rpm(["--nodeps", "--ignorearch", "-i", rpm], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(try root.rpm(["-q", "--qf", "%{ARCH}", "falco-bpf"]).output == "aarch64")
        let verify = try root.rpm(["-V", "--nodeps", "falco-bpf"])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
        #expect(try root.rpm(["--nodeps", "-e", "falco-bpf"], environment: environment).status == 0)
        #expect(try root.rpm(["-qa"]).output.isEmpty)
    }

    @Test func dnfAsAnAarch64MachineDownloadsTheAarch64Package() throws {
        let work = try TemporaryDirectory()
        let repository = try published(work)
        let downloads = work.file("downloads")
        try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
        func dnf(_ arguments: [String]) throws -> ToolResult {
            try falcopackTests.dnf(repository, arguments, work: work, key: key.publicKey, options: ["--forcearch=aarch64"])
        }
        // One repository, both architectures.
        let list = try dnf(["list", "--showduplicates", "falco"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.output.contains("falco.aarch64") && list.output.contains("falco.x86_64"), "\(list.output)")
        // Debian's dnf still offers every architecture under --forcearch; --arch picks the machine's.
        let download = try dnf(["download", "--arch", "aarch64", "--destdir", downloads, "falco"])
        #expect(download.status == 0, "\(download.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: downloads)
        #expect(files == ["falco-\(release.version)-module-aarch64.rpm"], "\(files)")
        #expect(try runChecked(["cmp", downloads + "/" + files[0], release.path(files[0])]).status == 0)
        #expect(try runChecked(["rpm", "-qp", "--qf", "%{ARCH}", downloads + "/" + files[0]]).output == "aarch64")
    }
}
