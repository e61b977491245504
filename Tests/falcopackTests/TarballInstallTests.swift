import Foundation
import Testing
import TestSupport

/// The tarballs used as their INSTALL files say: the bin tarball's Makefile installs what the module deb installs,
/// and the module sources build against a real kernel build tree.
@Suite(.serialized) struct TarballInstallTests {
    let release: Release

    init() throws { release = try Release.shared.get() }

    /// Every path under `root` with its type and mode, e.g. `f 0755 usr/bin/falco`.
    func tree(_ root: String, excluding excluded: [String] = []) throws -> [String] {
        try runChecked(["find", ".", "-mindepth", "1", "-printf", "%y %#m %P\n"], in: root).output
            .split(separator: "\n").map(String.init)
            .filter { line in !excluded.contains { line.split(separator: " ")[2].hasPrefix($0) } }
            .sorted()
    }

    @Test func binMakeInstallMatchesTheModuleDebAndUninstallRemovesIt() throws {
        let v = Release.version
        let work = try TemporaryDirectory()
        try runChecked(["tar", "-xzf", release.path("falco-\(v)-bin-x86.tar.gz"), "-C", work.path])
        let top = work.file("falco-\(v)-bin-x86")
        let stage = work.file("stage")
        try runChecked(["make", "-C", top, "install", "DESTDIR=\(stage)"])

        let deb = work.file("deb")
        try runChecked(["dpkg-deb", "-x", release.path("falco-\(v)-module-amd64.deb"), deb])
        // The systemd unit is the packages' own; the folders above it come only with it.
        let expected = try tree(deb, excluding: ["lib"])
        #expect(!expected.isEmpty)
        #expect(try tree(stage) == expected)

        // An edited configuration file is kept by a second install.
        try "edited\n".write(toFile: stage + "/etc/falco/falco.yaml", atomically: true, encoding: .utf8)
        try runChecked(["make", "-C", top, "install", "DESTDIR=\(stage)"])
        #expect(try String(contentsOfFile: stage + "/etc/falco/falco.yaml", encoding: .utf8) == "edited\n")

        try runChecked(["make", "-C", top, "uninstall", "DESTDIR=\(stage)"])
        // Only PREFIX and SYSCONFDIR themselves remain, as /usr and /etc would on a host.
        #expect(try tree(stage) == ["d 0755 etc", "d 0755 usr"])
    }

    @Test func binMakeInstallHonoursPrefix() throws {
        let v = Release.version
        let work = try TemporaryDirectory()
        try runChecked(["tar", "-xzf", release.path("falco-\(v)-bin-x86.tar.gz"), "-C", work.path])
        let top = work.file("falco-\(v)-bin-x86")
        let stage = work.file("stage")
        try runChecked(["make", "-C", top, "install", "DESTDIR=\(stage)", "PREFIX=/usr/local"])
        #expect(FileManager.default.isExecutableFile(atPath: stage + "/usr/local/bin/falco"))
        #expect(FileManager.default.fileExists(atPath: stage + "/etc/falco/falco.yaml"))
        #expect(!FileManager.default.fileExists(atPath: stage + "/usr/bin"))
    }

    /// The kernel build tree of Debian's linux-headers-amd64, which `make test` installs.
    static func kernelBuildTree() throws -> String {
        let modules = try FileManager.default.contentsOfDirectory(atPath: "/lib/modules").sorted()
        guard let release = modules.last(where: { FileManager.default.fileExists(atPath: "/lib/modules/\($0)/build/Makefile") }) else {
            throw ToolError(description: "no kernel build tree under /lib/modules: install linux-headers-amd64 (make test does)")
        }
        return "/lib/modules/\(release)/build"
    }

    @Test func moduleSourcesBuildAgainstAKernelBuildTree() throws {
        let v = Release.version
        let work = try TemporaryDirectory()
        try runChecked(["tar", "-xzf", release.path("falco-\(v)-module-src-x86.tar.gz"), "-C", work.path])
        let top = work.file("falco-\(v)-module-src-x86")
        try runChecked(["make", "-C", top, "-j2", "KERNELDIR=\(try Self.kernelBuildTree())"])
        let modinfo = try runChecked(["readelf", "-p", ".modinfo", top + "/scap.ko"]).output
        #expect(modinfo.contains("name=scap"))
        #expect(modinfo.contains("version=\(Release.driverVersion)") || modinfo.contains("vermagic=6."))
    }

    @Test func binMakefileBuildsTheModuleAndTheProbe() throws {
        let v = Release.version
        let work = try TemporaryDirectory()
        try runChecked(["tar", "-xzf", release.path("falco-\(v)-bin-x86.tar.gz"), "-C", work.path])
        let top = work.file("falco-\(v)-bin-x86")
        let tree = try Self.kernelBuildTree()
        let driver = top + "/usr/src/scap-\(Release.driverVersion)"
        try runChecked(["make", "-C", top, "-j2", "module", "KERNELDIR=\(tree)"])
        #expect(try runChecked(["readelf", "-p", ".modinfo", driver + "/scap.ko"]).output.contains("name=scap"))
        // Debian's clang-14 and llc-14 agree on the bitcode they exchange (make test installs them).
        try runChecked(["make", "-C", top, "probe", "KERNELDIR=\(tree)", "CLANG=clang-14", "LLC=llc-14"])
        let probe = try runChecked(["readelf", "-h", driver + "/bpf/probe.o"]).output
        #expect(probe.contains("Linux BPF"))
    }
}
