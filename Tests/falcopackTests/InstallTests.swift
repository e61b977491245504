import Foundation
import Testing
import TestSupport

/// A throwaway root made into a host for the Falco packages: busybox and bash for the scripts, the stub tools of
/// Host/stub in /sbin (state in /stub, calls in /calls.log), a running kernel with or without its headers, and
/// systemd running or not. The packages' own falco-driver-loader runs there against the stubs.
extension InstallRoot {
    func simulateHost(headers: Bool, systemd: Bool = true) throws {
        let fm = FileManager.default
        try installBash()
        // bash as /bin/sh: busybox's sh runs its own uname, modprobe and the like ahead of the stubs on PATH.
        try fm.removeItem(atPath: path + "/bin/sh")
        try fm.createSymbolicLink(atPath: path + "/bin/sh", withDestinationPath: "bash")
        try addApplets(["sort", "readlink", "mktemp", "sha256sum", "cp", "mv", "rm", "mkdir", "ln", "chmod", "tail",
                        "sleep", "cat", "sed", "cut", "grep", "env"])
        for directory in ["sbin", "stub", "root", "etc"] {
            try fm.createDirectory(atPath: path + "/" + directory, withIntermediateDirectories: true)
        }
        for tool in ["uname", "id", "lsmod", "modprobe", "modinfo", "insmod", "rmmod", "dkms", "curl", "systemctl",
                     "deb-systemd-invoke"] {
            try FakeHost.installStub(at: path + "/sbin/" + tool)
        }
        if headers {
            try fm.createDirectory(atPath: path + "/lib/modules/\(FakeHost.kernel)/build", withIntermediateDirectories: true)
        }
        try Data("NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"22.04\"\n".utf8).write(to: URL(fileURLWithPath: path + "/etc/os-release"))
        if systemd { try fm.createDirectory(atPath: path + "/run/systemd/system", withIntermediateDirectories: true) }
    }

    /// Publishes the eBPF probe for the stub kernel where the loader downloads it.
    func publishProbe() throws {
        let file = path + "/stub/network/download.falco.org/driver/\(Release.driverVersion)/x86_64/"
            + "scap_ubuntu-generic_\(FakeHost.kernel)_62.o"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("probe".utf8).write(to: URL(fileURLWithPath: file))
    }

    /// The recorded calls of the tools that change the host: DKMS, systemd, module loading and downloads.
    func actions() -> [String] {
        calls().filter { ["dkms", "systemctl", "deb-systemd-invoke", "modprobe", "insmod", "rmmod", "curl"].contains(String($0.prefix { $0 != " " })) }
    }

    /// Whether the root holds `file`; a link counts, wherever it points (its target is inside the root).
    func exists(_ file: String) -> Bool { (try? FileManager.default.attributesOfItem(atPath: path + file)) != nil }

    /// Appends a line to a file, as an administrator editing the configuration would.
    func edit(_ file: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path + file))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("# edited here\n".utf8))
        try handle.close()
    }
}

/// The release packages installed, upgraded, removed and purged by the real dpkg and rpm in throwaway roots:
/// what the maintainer scripts do is judged by the calls the stub tools recorded.
@Suite(.serialized) struct InstallTests {
    let release: Release
    let next: Release
    let driver = Release.driverVersion
    let kernel = FakeHost.kernel
    /// dpkg and rpm pass their environment to the scripts; HOME is where the loader caches probes.
    let environment = ["HOME": "/root", "TMPDIR": "/tmp"]

    init() throws {
        release = try Release.shared.get()
        next = try Release.next.get()
    }

    func deb(_ release: Release, _ variant: String) -> String { release.path("falco-\(release.version)-\(variant)-amd64.deb") }
    func rpm(_ release: Release, _ variant: String) -> String { release.path("falco-\(release.version)-\(variant)-x86_64.rpm") }

    func installed(_ root: DpkgRoot) throws -> [String] {
        try run(["dpkg-query", "--root=\(root.path)", "-W", "-f", "${Package} ${db:Status-Status}\n"]).output
            .split(separator: "\n").filter { $0.hasSuffix(" installed") }.map { String($0.split(separator: " ")[0]) }
    }

    func rpmInstalled(_ root: RPMRoot) throws -> [String] {
        try root.rpm(["-qa", "--qf", "%{NAME}\n"]).output.split(separator: "\n").map(String.init).sorted()
    }

    func falcoVersion(_ root: some InstallRoot) throws -> String {
        try runChecked([root.path + "/usr/bin/falco", "--version"]).output
    }

    // MARK: deb

    @Test func debModuleBuildsWithDKMSKeepsItOnUpgradeAndRemovesIt() throws {
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try root.simulateHost(headers: true)

        let install = try root.dpkg(["--force-depends", "-i", deb(release, "module")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(root.actions() == [
            "dkms status -m scap", "dkms status -m scap -v \(driver)", "dkms add -m scap -v \(driver)",
            "dkms status -m scap -v \(driver) -k \(kernel)", "dkms build -m scap -v \(driver) -k \(kernel)",
            "dkms install -m scap -v \(driver) -k \(kernel)", "systemctl --system daemon-reload",
        ])
        #expect(install.output.contains("Falco is not started. Start it now and at boot with: systemctl enable --now falco-kmod.service"))
        try root.edit("/etc/falco/falco.yaml")

        root.clearCalls()
        let upgrade = try root.dpkg(["--force-depends", "-i", deb(next, "module")], environment: environment)
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(try falcoVersion(root).hasPrefix("Falco version: \(next.version) "))
        // Registered, built and installed already: nothing to redo and nothing removed; Falco restarts only if running.
        #expect(root.actions() == [
            "dkms status -m scap", "dkms status -m scap -v \(driver)", "dkms status -m scap -v \(driver) -k \(kernel)",
            "systemctl --system daemon-reload", "deb-systemd-invoke try-restart falco-kmod.service",
        ])
        #expect(root.read("/etc/falco/falco.yaml")?.hasSuffix("# edited here\n") == true)
        #expect(!root.exists("/etc/falco/falco.yaml.dpkg-new") && !root.exists("/etc/falco/falco.yaml.dpkg-dist"))

        root.clearCalls()
        #expect(try root.dpkg(["--remove", "falco"], environment: environment).status == 0)
        #expect(root.actions() == ["deb-systemd-invoke stop falco-kmod.service", "dkms status -m scap -v \(driver)",
                                   "dkms remove -m scap -v \(driver) --all", "systemctl --system daemon-reload"])
        #expect(!root.exists("/stub/dkms/scap/\(driver)"))
        #expect(root.exists("/etc/falco/falco.yaml"))

        root.clearCalls()
        #expect(try root.dpkg(["--purge", "falco"], environment: environment).status == 0)
        #expect(root.actions().isEmpty)
        #expect(!root.exists("/etc/falco"))
        #expect(try installed(root).isEmpty)
    }

    @Test func debModuleWithoutHeadersSaysHowToBuildLater() throws {
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try root.simulateHost(headers: false, systemd: false)

        let install = try root.dpkg(["--force-depends", "-i", deb(release, "module")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(root.actions() == ["dkms status -m scap"])
        #expect(install.output.contains("kernel \(kernel) has no headers installed. To build and load it:\n"
            + "  apt-get install linux-headers-\(kernel) && falco-driver-loader module --compile\n"), "\(install.output)")

        root.clearCalls()
        #expect(try root.dpkg(["--purge", "falco"], environment: environment).status == 0)
        #expect(root.actions() == ["dkms status -m scap -v \(driver)"])
    }

    @Test func debModuleDropsOtherDriverVersionsFromDKMS() throws {
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try root.simulateHost(headers: false)
        try FileManager.default.createDirectory(atPath: root.path + "/stub/dkms/scap/0.0.9", withIntermediateDirectories: true)
        #expect(try root.dpkg(["--force-depends", "-i", deb(release, "module")], environment: environment).status == 0)
        #expect(root.actions().prefix(2) == ["dkms status -m scap", "dkms remove -m scap -v 0.0.9 --all"])
        #expect(!root.exists("/stub/dkms/scap/0.0.9"))
    }

    @Test func debBPFGetsTheProbeWithTheLoaderNeverFailing() throws {
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try root.simulateHost(headers: false)

        // No network and no headers: the install still succeeds and says what to do.
        let install = try root.dpkg(["--force-depends", "-i", deb(release, "bpf")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.output.contains("falco-bpf: no eBPF probe for kernel \(kernel) yet"), "\(install.output)")
        #expect(root.actions().first?.hasPrefix("curl ") == true)
        #expect(root.actions().dropFirst() == ["systemctl --system daemon-reload"])
        #expect(install.output.contains("systemctl enable --now falco-bpf.service"))
        try root.edit("/etc/falco/falco.yaml")

        // Published now: the upgrade's loader downloads and links it.
        try root.publishProbe()
        root.clearCalls()
        let upgrade = try root.dpkg(["--force-depends", "-i", deb(next, "bpf")], environment: environment)
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/root/.falco/falco-bpf.o")
        #expect(link.hasSuffix("/scap_ubuntu-generic_\(kernel)_62.o"))
        #expect(root.actions().suffix(2) == ["systemctl --system daemon-reload", "deb-systemd-invoke try-restart falco-bpf.service"])
        #expect(!root.actions().contains { $0.hasPrefix("dkms") || $0.contains(" start") })
        #expect(root.read("/etc/falco/falco.yaml")?.hasSuffix("# edited here\n") == true)

        root.clearCalls()
        #expect(try root.dpkg(["--purge", "falco-bpf"], environment: environment).status == 0)
        #expect(root.actions() == ["deb-systemd-invoke stop falco-bpf.service", "systemctl --system daemon-reload"])
        #expect(!root.exists("/root/.falco/falco-bpf.o"))
        #expect(try installed(root).isEmpty)
    }

    @Test func debVariantsReplaceEachOther() throws {
        let directory = try TemporaryDirectory()
        let root = try DpkgRoot(in: directory)
        try root.simulateHost(headers: true)
        let module = deb(release, "module"), bpf = deb(release, "bpf")

        #expect(try root.dpkg(["--force-depends", "-i", module], environment: environment).status == 0)
        #expect(try installed(root) == ["falco"])
        #expect(try falcoVersion(root).hasPrefix("Falco version: \(release.version) (stand-in)\nDriver version: \(driver)"))

        // bpf replaces module: dpkg removes the package it conflicts with, whose prerm drops the DKMS build.
        root.clearCalls()
        let swap = try root.dpkg(["--force-depends", "-i", bpf], environment: environment)
        #expect(swap.status == 0, "\(swap.stderr)")
        #expect(try installed(root) == ["falco-bpf"])
        #expect(root.actions().contains("dkms remove -m scap -v \(driver) --all"))
        #expect(!root.exists("/usr/src/scap-\(driver)/main.c"))

        #expect(try root.dpkg(["--force-depends", "-i", module, bpf], environment: environment).status != 0)
        #expect(try installed(root).count == 1)

        #expect(try root.dpkg(["--force-depends", "-i", module], environment: environment).status == 0)
        #expect(try installed(root) == ["falco"])
        #expect(try root.dpkg(["-V", "falco"]).output.isEmpty)
    }

    // MARK: rpm

    @Test func rpmModuleBuildsWithDKMSKeepsItOnUpgradeAndRemovesIt() throws {
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        try root.simulateHost(headers: true)

        let install = try root.rpm(["--nodeps", "-i", rpm(release, "module")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(root.actions() == [
            "dkms status -m scap", "dkms status -m scap -v \(driver)", "dkms add -m scap -v \(driver) --rpm_safe_upgrade",
            "dkms status -m scap -v \(driver) -k \(kernel)", "dkms build -m scap -v \(driver) -k \(kernel)",
            "dkms install --force -m scap -v \(driver) -k \(kernel)", "systemctl --system daemon-reload",
        ])
        #expect(install.output.contains("systemctl enable --now falco-kmod.service"))
        #expect(try root.rpm(["-V", "--nodeps", "falco"]).output.isEmpty)
        try root.edit("/etc/falco/falco.yaml")

        // The new %post finds the driver in place; the old %preun sees $1 = 1 and keeps it.
        root.clearCalls()
        let upgrade = try root.rpm(["--nodeps", "-U", rpm(next, "module")], environment: environment)
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(try falcoVersion(root).hasPrefix("Falco version: \(next.version) "))
        #expect(root.actions() == [
            "dkms status -m scap", "dkms status -m scap -v \(driver)", "dkms status -m scap -v \(driver) -k \(kernel)",
            "systemctl --system daemon-reload", "systemctl try-restart falco-kmod.service", "systemctl --system daemon-reload",
        ])
        #expect(root.read("/etc/falco/falco.yaml")?.hasSuffix("# edited here\n") == true)
        #expect(!root.exists("/etc/falco/falco.yaml.rpmnew"))

        root.clearCalls()
        #expect(try root.rpm(["--nodeps", "-e", "falco"], environment: environment).status == 0)
        #expect(root.actions() == ["systemctl stop falco-kmod.service", "dkms status -m scap -v \(driver)",
                                   "dkms remove -m scap -v \(driver) --all --rpm_safe_upgrade", "systemctl --system daemon-reload"])
        #expect(root.read("/etc/falco/falco.yaml.rpmsave")?.hasSuffix("# edited here\n") == true)
        #expect(try rpmInstalled(root).isEmpty)
    }

    @Test func rpmModuleWithoutHeadersSaysHowToBuildLater() throws {
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        try root.simulateHost(headers: false, systemd: false)

        let install = try root.rpm(["--nodeps", "-i", rpm(release, "module")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(root.actions() == ["dkms status -m scap"])
        #expect(install.output.contains("  dnf install kernel-devel-\(kernel) && falco-driver-loader module --compile\n"), "\(install.output)")

        root.clearCalls()
        #expect(try root.rpm(["--nodeps", "-e", "falco"], environment: environment).status == 0)
        #expect(root.actions() == ["dkms status -m scap -v \(driver)"])
    }

    @Test func rpmBPFGetsTheProbeWithTheLoaderNeverFailing() throws {
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        try root.simulateHost(headers: false)

        let install = try root.rpm(["--nodeps", "-i", rpm(release, "bpf")], environment: environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.output.contains("falco-bpf: no eBPF probe for kernel \(kernel) yet"), "\(install.output)")
        #expect(root.actions().first?.hasPrefix("curl ") == true)
        #expect(root.actions().dropFirst() == ["systemctl --system daemon-reload"])
        try root.edit("/etc/falco/falco.yaml")

        try root.publishProbe()
        root.clearCalls()
        let upgrade = try root.rpm(["--nodeps", "-U", rpm(next, "bpf")], environment: environment)
        #expect(upgrade.status == 0, "\(upgrade.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.path + "/root/.falco/falco-bpf.o")
            .hasSuffix("/scap_ubuntu-generic_\(kernel)_62.o"))
        #expect(root.actions().contains("systemctl try-restart falco-bpf.service"))
        #expect(!root.actions().contains { $0.hasPrefix("dkms") || $0.contains(" start") || $0.contains("stop") })
        #expect(root.read("/etc/falco/falco.yaml")?.hasSuffix("# edited here\n") == true)
        #expect(root.exists("/root/.falco/falco-bpf.o"))

        root.clearCalls()
        #expect(try root.rpm(["--nodeps", "-e", "falco-bpf"], environment: environment).status == 0)
        #expect(root.actions() == ["systemctl stop falco-bpf.service", "systemctl --system daemon-reload"])
        #expect(!root.exists("/root/.falco/falco-bpf.o"))
    }

    @Test func rpmVariantsReplaceEachOther() throws {
        let directory = try TemporaryDirectory()
        let root = try RPMRoot(in: directory, shell: true)
        try root.simulateHost(headers: true)
        let module = rpm(release, "module"), bpf = rpm(release, "bpf")

        #expect(try root.rpm(["--nodeps", "-i", module], environment: environment).status == 0)
        #expect(try rpmInstalled(root) == ["falco"])
        #expect(try falcoVersion(root).hasPrefix("Falco version: \(release.version) (stand-in)"))

        // Installed side by side: refused.
        let both = try root.rpm(["--nodeps", "-i", bpf], environment: environment)
        #expect(both.status != 0)
        #expect(both.stderr.contains("conflicts"), "\(both.stderr)")

        // Upgrading to the other variant replaces it (Obsoletes), and the module's %preun sees $1 = 0.
        root.clearCalls()
        let swap = try root.rpm(["--nodeps", "-U", bpf], environment: environment)
        #expect(swap.status == 0, "\(swap.stderr)")
        #expect(try rpmInstalled(root) == ["falco-bpf"])
        #expect(root.actions().contains("dkms remove -m scap -v \(driver) --all --rpm_safe_upgrade"))
        let back = try root.rpm(["--nodeps", "-U", module], environment: environment)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try rpmInstalled(root) == ["falco"])
    }
}
