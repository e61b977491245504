import Foundation
import Testing
import TestSupport

/// falco-driver-loader as the release ships it, run against simulated hosts (FakeHost): each way of getting a
/// driver is judged by the tool calls it makes, the files it leaves and its exit code.
struct LoaderTests {
    let loader: String
    let driver = Release.driverVersion
    static let stem = "scap_ubuntu-generic_\(FakeHost.kernel)_62"
    static let repository = "https://download.falco.org/driver/0.1.1dev%2Bgit20220316.e5c53d64/x86_64/"
    /// The tools that act on the host, as opposed to those that only look.
    static let actions: Set<String> = ["modprobe", "insmod", "rmmod", "dkms", "curl", "make"]

    init() throws { loader = try Release.shared.get().sourceFile("scripts/falco-driver-loader") }

    // MARK: Identity

    struct Distro: CustomTestStringConvertible, Sendable {
        let name: String
        let osRelease: String?
        var files: [String] = []
        var kernel = FakeHost.kernel
        let target: String
        var testDescription: String { name }
    }

    static let distros = [
        Distro(name: "ubuntu generic", osRelease: "ID=ubuntu\nVERSION_ID=\"22.04\"\n", target: "ubuntu-generic"),
        Distro(name: "ubuntu aws", osRelease: "ID=ubuntu\n", kernel: "5.15.0-1019-aws", target: "ubuntu-aws"),
        Distro(name: "debian", osRelease: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
               kernel: "6.1.0-13-amd64", target: "debian"),
        Distro(name: "amazon linux 2", osRelease: "ID=\"amzn\"\nVERSION_ID=\"2\"\n", target: "amazonlinux2"),
        Distro(name: "amazon linux 2023", osRelease: "ID=\"amzn\"\nVERSION_ID=\"2023\"\n", target: "amazonlinux2023"),
        Distro(name: "centos", osRelease: "ID=\"centos\"\nVERSION_ID=\"7\"\n", target: "centos"),
        Distro(name: "rhel", osRelease: "ID='rhel'\nVERSION_ID='9.2'", target: "rhel"),
        Distro(name: "fedora upper case", osRelease: "ID=Fedora\n", target: "fedora"),
        Distro(name: "debian without os-release", osRelease: nil, files: ["/etc/debian_version"], target: "debian"),
        Distro(name: "centos without os-release", osRelease: nil, files: ["/etc/centos-release"], target: "centos"),
        Distro(name: "minikube without os-release", osRelease: nil, files: ["/etc/VERSION"], target: "minikube"),
        Distro(name: "unknown", osRelease: nil, target: "unknown"),
    ]

    @Test(arguments: distros)
    func printEnvIdentifiesTheHost(_ distro: Distro) throws {
        let host = try FakeHost(osRelease: distro.osRelease)
        for file in distro.files { try host.write("x\n", to: host.root + file) }
        try host.set("uname-r", distro.kernel)
        try host.set("uid", "1000") // --print-env needs no root
        let result = try host.run(loader, ["--print-env"])
        #expect(result.status == 0, "\(result.stderr)")
        let env = result.output
        #expect(env.contains("TARGET_ID=\(distro.target)\n"), "\(env)")
        #expect(env.contains("KERNEL_RELEASE=\(distro.kernel)\nKERNEL_VERSION=62\nARCH=x86_64\n"))
        #expect(env.contains("DRIVER_FILE=scap_\(distro.target == "unknown" ? "" : distro.target)_\(distro.kernel)_62.ko\n"))
        #expect(host.calls().isEmpty)
    }

    @Test func printEnvHonoursTheOverrides() throws {
        let host = try FakeHost()
        let env = try host.run(loader, ["bpf", "--print-env"], environment: [
            "DRIVER_KERNEL_RELEASE": "6.2.0-1-custom", "DRIVER_KERNEL_VERSION": "7", "DRIVER_NAME": "falco",
            "DRIVER_VERSION": "6.0.1+driver", "DRIVERS_REPO": "https://a.example/d/, https://b.example/e",
        ]).output
        #expect(env.contains("DRIVER=bpf\nDRIVER_NAME=falco\nDRIVER_VERSION=6.0.1+driver\n"))
        #expect(env.contains("TARGET_ID=ubuntu-custom\n"))
        #expect(env.contains("DRIVER_URL=https://a.example/d/6.0.1%2Bdriver/x86_64/falco_ubuntu-custom_6.2.0-1-custom_7.o\n"
            + "DRIVER_URL=https://b.example/e/6.0.1%2Bdriver/x86_64/falco_ubuntu-custom_6.2.0-1-custom_7.o\n"))
    }

    // MARK: Usage

    @Test func helpListsOptionsAndExitCodes() throws {
        let host = try FakeHost()
        let help = try host.run(loader, ["--help"])
        #expect(help.status == 0)
        for text in ["--compile", "--download", "--clean", "--print-env", "DRIVERS_REPO", "DRIVER_CURL_OPTIONS",
                     "DRIVER_INSECURE_DOWNLOAD", "HOST_ROOT", "Exit codes:", "6  a loaded module is in use"] {
            #expect(help.output.contains(text), "\(text)")
        }
        #expect(host.calls().isEmpty)
    }

    @Test(arguments: [(["module", "bpf"], "give one driver"), (["--bogus"], "unknown option '--bogus'"),
                      (["--clean", "--compile"], "--clean cannot be combined")])
    func badUsageExits2(_ arguments: [String], _ message: String) throws {
        let host = try FakeHost()
        let result = try host.run(loader, arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(host.calls().isEmpty)
    }

    @Test func notRootExits3() throws {
        let host = try FakeHost()
        try host.set("uid", "1000")
        let result = try host.run(loader)
        #expect(result.status == 3)
        #expect(result.stderr.contains("run as root"))
        #expect(host.calls().isEmpty)
    }

    @Test func missingToolExits4() throws {
        let host = try FakeHost(stubs: FakeHost.stubs.filter { $0 != "modprobe" })
        let result = try host.run(loader)
        #expect(result.status == 4)
        #expect(result.stderr.contains("modprobe is required"), "\(result.stderr)")
        #expect(host.calls(of: Self.actions).isEmpty)
    }

    // MARK: Kernel module

    @Test func loadsTheModuleDKMSInstalled() throws {
        let host = try FakeHost()
        try host.set("installed/scap", driver)
        let result = try host.run(loader)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(host.calls() == ["lsmod ", "modinfo -F version scap", "modprobe scap"])
        #expect(host.exists(host.state + "/loaded/scap"))
    }

    @Test func unloadsALoadedModuleFirst() throws {
        let host = try FakeHost()
        try host.set("installed/scap", driver)
        try host.set("loaded/scap")
        let result = try host.run(loader, ["module"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(host.calls(of: Self.actions) == ["rmmod scap", "modprobe scap"])
    }

    @Test func aModuleInUseExits6() throws {
        let host = try FakeHost()
        try host.set("installed/scap", driver)
        try host.set("loaded/scap")
        try host.set("in-use")
        let result = try host.run(loader)
        #expect(result.status == 6)
        #expect(result.stderr.contains("in use"), "\(result.stderr)")
        #expect(host.calls(of: Self.actions) == ["rmmod scap"])
    }

    @Test func neverModprobesAnotherDriverVersion() throws {
        let host = try FakeHost()
        try host.set("installed/scap", "0.0.9")
        let result = try host.run(loader, ["--download"])
        #expect(result.status == 1)
        #expect(result.output.contains("The installed scap module is version 0.0.9, not \(driver)"))
        #expect(host.calls(of: ["modprobe", "insmod"]).isEmpty)
    }

    @Test func insertsACachedModule() throws {
        let host = try FakeHost()
        let cached = host.cache + "/\(Self.stem).ko"
        try host.write("module", to: cached)
        let result = try host.run(loader)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(host.calls(of: Self.actions) == ["insmod \(cached)"])
    }

    @Test func downloadsFromTheFirstRepositoryThatHasIt() throws {
        let host = try FakeHost()
        let url = "https://b.example/drivers/0.1.1dev%2Bgit20220316.e5c53d64/x86_64/\(Self.stem).ko"
        try host.publish(url, "module", checksum: try FakeHost.sha256("module"))
        let result = try host.run(loader, ["--download"], environment: [
            "DRIVERS_REPO": "https://a.example/drivers,https://b.example/drivers/",
            "DRIVER_INSECURE_DOWNLOAD": "1", "DRIVER_CURL_OPTIONS": "--retry 9",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let cached = host.cache + "/\(Self.stem).ko"
        let curl = "curl -fsSL -k --retry 9 -o \(cached).part"
        #expect(host.calls(of: Self.actions) == [
            "\(curl) https://a.example/drivers/0.1.1dev%2Bgit20220316.e5c53d64/x86_64/\(Self.stem).ko",
            "\(curl) \(url)", "\(curl).sha256 \(url).sha256", "insmod \(cached)",
        ])
        #expect(try String(contentsOfFile: cached, encoding: .utf8) == "module")
        #expect(try FileManager.default.contentsOfDirectory(atPath: host.cache) == ["\(Self.stem).ko"])
    }

    @Test func refusesADownloadWhosePublishedChecksumDiffers() throws {
        let host = try FakeHost()
        try host.publish(Self.repository + Self.stem + ".ko", "tampered", checksum: try FakeHost.sha256("module"))
        let result = try host.run(loader, ["--download"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refused \(Self.repository)\(Self.stem).ko: its SHA-256 is \(try FakeHost.sha256("tampered"))"),
                "\(result.stderr)")
        #expect(host.calls(of: ["insmod"]).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: host.cache).isEmpty)
    }

    @Test func withoutNetworkOrHeadersSaysHowToGetHeaders() throws {
        let host = try FakeHost()
        let result = try host.run(loader)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot download \(Self.repository)\(Self.stem).ko"), "\(result.stderr)")
        #expect(result.stderr.contains("no headers for kernel \(FakeHost.kernel)")
            && result.stderr.contains("apt-get install linux-headers-\(FakeHost.kernel)"))
        #expect(host.calls(of: ["dkms", "insmod"]).isEmpty)
    }

    @Test func buildsWithDKMSTryingEachGcc() throws {
        let host = try FakeHost(headers: true)
        try host.set("gcc-works", "gcc-11")
        let result = try host.run(loader, ["--compile"])
        #expect(result.status == 0, "\(result.stderr)")
        let bin = host.directory.file("bin")
        let tried = result.output.split(separator: "\n").filter { $0.contains("Building the scap module") }
        #expect(tried == ["gcc", "gcc-12", "gcc-11"].map { "* Building the scap module with DKMS and \(bin)/\($0)" })
        let install = host.calls(of: ["dkms"]).filter { $0.hasPrefix("dkms install") }
        #expect(install.count == 3)
        #expect(install.allSatisfy { $0.contains("--kernelsourcedir \(host.root)/lib/modules/\(FakeHost.kernel)/build -m scap -v \(driver) -k \(FakeHost.kernel)") })
        #expect(host.calls(of: ["dkms", "modprobe"]).prefix(2) == ["dkms status -m scap -v \(driver)", "dkms add -m scap -v \(driver)"])
        #expect(host.calls(of: Self.actions).last == "modprobe scap")
        #expect(!host.calls(of: Self.actions).contains { $0.hasPrefix("curl") })
    }

    @Test func aFailedDKMSBuildPointsAtItsLog() throws {
        let host = try FakeHost(headers: true)
        try host.set("dkms-fails")
        let result = try host.run(loader, ["--compile"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/var/lib/dkms/scap/\(driver)/build/make.log"))
        #expect(host.calls(of: ["modprobe", "insmod"]).isEmpty)
    }

    @Test func anUnknownDistroCanOnlyBuild() throws {
        let host = try FakeHost(osRelease: nil, headers: true)
        let downloadOnly = try host.run(loader, ["--download"])
        #expect(downloadOnly.status == 5)
        #expect(downloadOnly.stderr.contains("cannot identify the distribution"), "\(downloadOnly.stderr)")
        #expect(host.calls(of: Self.actions).isEmpty)

        let both = try host.run(loader)
        #expect(both.status == 0, "\(both.stderr)")
        #expect(!host.calls(of: Self.actions).contains { $0.hasPrefix("curl") })
        #expect(host.calls(of: Self.actions).last == "modprobe scap")
    }

    @Test func cleanUnloadsAndRemovesEveryDKMSVersion() throws {
        let host = try FakeHost()
        try host.set("loaded/scap")
        try host.set("dkms/scap/0.0.9/installed-\(FakeHost.kernel)")
        try host.set("dkms/scap/\(driver)/built-\(FakeHost.kernel)")
        try host.set("dkms/scap/\(driver)/installed-4.19.0-1-amd64")
        let result = try host.run(loader, ["--clean"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(host.calls(of: Self.actions) == ["rmmod scap", "dkms status -m scap", "dkms remove -m scap -v 0.0.9 --all",
                                                 "dkms remove -m scap -v \(driver) --all"])
        #expect(!host.exists(host.state + "/dkms/scap/0.0.9") && !host.exists(host.state + "/dkms/scap/\(driver)"))
    }

    // MARK: eBPF probe

    func linked(_ host: FakeHost) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: host.home + "/.falco/falco-bpf.o")
    }

    @Test func linksACachedProbe() throws {
        let host = try FakeHost()
        let cached = host.cache + "/\(Self.stem).o"
        try host.write("probe", to: cached)
        let result = try host.run(loader, ["bpf"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try linked(host) == cached)
        #expect(host.calls(of: Self.actions).isEmpty)
    }

    @Test func anyFalcoBPFProbeSelectsBPFAndDownloads() throws {
        let host = try FakeHost()
        try host.publish(Self.repository + Self.stem + ".o", "probe")
        let result = try host.run(loader, environment: ["FALCO_BPF_PROBE": ""])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.contains("No checksum published"))
        #expect(try String(contentsOfFile: linked(host), encoding: .utf8) == "probe")
        #expect(host.calls(of: ["insmod", "modprobe", "dkms"]).isEmpty)
    }

    @Test func buildsTheProbeWithClangAndLlcOfOneLLVM() throws {
        // No plain clang/llc: the newest clang-N that has its llc-N.
        let stubs = FakeHost.stubs.filter { $0 != "clang" && $0 != "llc" } + ["clang-13", "llc-13", "clang-15"]
        let host = try FakeHost(headers: true, stubs: stubs)
        let result = try host.run(loader, ["bpf", "--compile"])
        #expect(result.status == 0, "\(result.stderr)")
        let make = host.calls(of: ["make"])
        #expect(make.count == 1)
        let bin = host.directory.file("bin")
        #expect(make.first?.hasSuffix("/bpf KERNELDIR=\(host.root)/lib/modules/\(FakeHost.kernel)/build CLANG=\(bin)/clang-13 LLC=\(bin)/llc-13") == true,
                "\(make)")
        let probe = try linked(host)
        #expect(probe == host.cache + "/\(Self.stem).o")
        #expect(try String(contentsOfFile: probe, encoding: .utf8).hasPrefix("probe built by -C"))
        // Built in a copy: the installed sources hold no build output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: host.root + "/usr/src/scap-\(driver)/bpf") == ["Makefile"])
    }

    @Test func withoutClangTheProbeCannotBeBuilt() throws {
        let host = try FakeHost(headers: true, stubs: FakeHost.stubs.filter { $0 != "clang" && $0 != "llc" })
        let result = try host.run(loader, ["bpf", "--compile"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("needs clang and llc"), "\(result.stderr)")
        #expect((try? linked(host)) == nil)
    }

    @Test func bpfCleanRemovesTheLinkAndCachedProbes() throws {
        let host = try FakeHost()
        let cached = host.cache + "/\(Self.stem).o"
        try host.write("probe", to: cached)
        #expect(try host.run(loader, ["bpf"]).status == 0)
        let result = try host.run(loader, ["bpf", "--clean"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!host.exists(cached))
        #expect((try? linked(host)) == nil)
    }
}
