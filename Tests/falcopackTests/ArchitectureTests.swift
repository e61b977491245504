import Foundation
import Testing
import TestSupport

/// The architectures a spec declares: every package and bin tarball per architecture, named as each format spells
/// it, carrying that architecture's binary, as dpkg-deb, rpm and GNU tar read them; inputs per architecture by
/// flag, environment or ELF header; and every mistake one line at the flag or line that made it.
@Suite struct ArchitectureTests {
    static let demo = repositoryRoot() + "/.cache/demo"
    let x86 = demo + "/x86_64/falco"
    let arm = demo + "/aarch64/falco"

    /// Packages and tarballs only: no images, so each build takes a second.
    func build(_ arguments: [String], environment: [String: String]? = nil) throws -> (out: String, result: ToolResult, work: TemporaryDirectory) {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment ?? [:] { merged[name] = value }
        for name in merged.keys where name.hasPrefix("FALCO_BIN") && environment?[name] == nil { merged[name] = nil }
        let result = try runIn(repositoryRoot(), [falcopackExecutable(), "deb"] + arguments + ["--out", out], environment: merged)
        return (out, result, work)
    }

    func sha256(_ path: String) throws -> String { String(try runChecked(["sha256sum", path]).output.prefix(64)) }

    /// The e_machine an ELF file's header names, read with readelf.
    func machine(_ path: String) throws -> String {
        let header = try runChecked(["readelf", "-h", path]).output
        return header.split(separator: "\n").first { $0.contains("Machine:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? ""
    }

    @Test func everyPackageAndBinTarballPerArchitectureAsTheToolsReadThem() throws {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        try falcopack(["deb", "--out", out])
        try falcopack(["rpm", "--out", out])
        try falcopack(["tar", "--out", out])
        let v = "0.28.1"
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == [
            "falco-\(v)-aarch64.rpm", "falco-\(v)-amd64.deb", "falco-\(v)-arm64.deb", "falco-\(v)-bin-aarch64.tar.gz",
            "falco-\(v)-bin-x86.tar.gz", "falco-\(v)-bpf-aarch64.rpm", "falco-\(v)-bpf-amd64.deb", "falco-\(v)-bpf-arm64.deb",
            "falco-\(v)-bpf-src-x86.tar.gz", "falco-\(v)-bpf-x86_64.rpm", "falco-\(v)-module-aarch64.rpm",
            "falco-\(v)-module-amd64.deb", "falco-\(v)-module-arm64.deb", "falco-\(v)-module-src-x86.tar.gz",
            "falco-\(v)-module-x86_64.rpm", "falco-\(v)-src-x86.tar.gz", "falco-\(v)-x86_64.rpm",
        ])
        for (variant, arch, binary) in [("module", "arm64", arm), ("bpf", "arm64", arm), ("module", "amd64", x86)] {
            let deb = out + "/falco-\(v)-\(variant)-\(arch).deb"
            #expect(try runChecked(["dpkg-deb", "-f", deb, "Architecture"]).output == arch + "\n")
            let unpacked = work.file("deb-\(variant)-\(arch)")
            try runChecked(["dpkg-deb", "-x", deb, unpacked])
            #expect(try sha256(unpacked + "/usr/bin/falco") == (try sha256(binary)))
        }
        for (variant, arch, elf) in [("module", "aarch64", "AArch64"), ("bpf", "aarch64", "AArch64"), ("bpf", "x86_64", "Advanced Micro Devices X86-64")] {
            let rpm = out + "/falco-\(v)-\(variant)-\(arch).rpm"
            #expect(try runChecked(["rpm", "-qp", "--qf", "%{ARCH}", rpm]).output == arch)
            // rpm's own dependency on the package names the architecture as rpm spells it for ELF machines.
            let provides = try runChecked(["rpm", "-qp", "--provides", rpm]).output
            #expect(provides.contains(arch == "aarch64" ? "(aarch-64)" : "(x86-64)"), "\(provides)")
            let unpacked = work.file("rpm-\(variant)-\(arch)")
            try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
            try runChecked(["sh", "-c", "rpm2cpio '\(rpm)' | cpio -idm --quiet"], in: unpacked)
            #expect(try machine(unpacked + "/usr/bin/falco") == elf)
        }
        let bin = work.file("bin-aarch64")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try runChecked(["tar", "-xzf", out + "/falco-\(v)-bin-aarch64.tar.gz", "-C", bin])
        #expect(try machine(bin + "/falco-\(v)-bin-aarch64/usr/bin/falco") == "AArch64")
        // The x86_64 names and bytes are what a one-architecture spec writes.
        #expect(try runChecked(["tar", "-tzf", out + "/falco-\(v)-bin-x86.tar.gz"]).output.contains("falco-\(v)-bin-x86/usr/bin/falco\n"))
    }

    @Test func inputsPerArchitectureByFlagEnvironmentOrHeader() throws {
        // A bare path: the architecture its header names; the other from the spec's default.
        let bare = try build(["--falco-bin", arm])
        #expect(bare.result.status == 0, "\(bare.result.stderr)")
        let unpacked = bare.work.file("x")
        try runChecked(["dpkg-deb", "-x", bare.out + "/falco-0.28.1-module-arm64.deb", unpacked])
        #expect(try sha256(unpacked + "/usr/bin/falco") == (try sha256(arm)))

        // ARCH=PATH in either spelling, and the environment in either spelling.
        for arguments in [["--falco-bin", "aarch64=" + arm], ["--falco-bin", "arm64=" + arm]] {
            #expect(try build(arguments + ["--arch", "arm64"]).result.status == 0)
        }
        let fromEnvironment = try build(["--arch", "aarch64"], environment: ["FALCO_BIN_ARM64": "/nonexistent/falco"])
        #expect(fromEnvironment.result.status == 66)
        #expect(fromEnvironment.result.stderr.contains("$FALCO_BIN_ARM64: input 'falco-bin' ($FALCO_BIN_ARM64): '/nonexistent/falco' does not exist (pass --falco-bin aarch64=PATH or set FALCO_BIN_AARCH64)"),
                "\(fromEnvironment.result.stderr)")
        // --arch picks: the other architecture's input is not needed.
        #expect(fromEnvironment.result.stderr.split(separator: "\n").count == 1)
        let only = try build(["--arch", "amd64"], environment: ["FALCO_BIN_ARM64": "/nonexistent/falco"])
        #expect(only.result.status == 0, "\(only.result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: only.out).sorted()
                == ["falco-0.28.1-amd64.deb", "falco-0.28.1-bpf-amd64.deb", "falco-0.28.1-module-amd64.deb"])
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var spec: [(String, String)] = []
        var status: Int32
        var message: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "an x86-64 ELF given as arm64", arguments: ["--falco-bin", "arm64=" + demo + "/x86_64/falco"], status: 66,
                message: "--falco-bin: input 'falco-bin' (--falco-bin): '\(demo)/x86_64/falco' is an ELF file for x86-64, not aarch64 (its header says so)"),
        Refusal(name: "a bare file whose header names no machine", arguments: ["--falco-bin", "Payloads/falco-driver-loader"], status: 64,
                message: "--falco-bin: cannot tell which architecture 'Payloads/falco-driver-loader' is for from its header; write ARCH=PATH (x86_64, aarch64)"),
        Refusal(name: "a bare path whose header cannot be read", arguments: ["--falco-bin", "Payloads"], status: 66,
                message: "--falco-bin: input 'falco-bin' (--falco-bin): '\(repositoryRoot())/Payloads' cannot be read:"),
        Refusal(name: "the same architecture twice", arguments: ["--falco-bin", demo + "/x86_64/falco", "--falco-bin", "amd64=" + demo + "/x86_64/falco"], status: 64,
                message: "--falco-bin: is given twice for x86_64; give it once"),
        Refusal(name: "an architecture nobody knows", arguments: ["--arch", "sparc"], status: 64,
                message: "--arch: 'sparc' is not an architecture (x86_64 or amd64, aarch64 or arm64)"),
        Refusal(name: "an architecture the spec does not declare", arguments: ["--arch", "arm64"],
                spec: [("architecture: [x86_64, aarch64]", "architecture: x86_64")], status: 64,
                message: "--arch: 'arm64' is not an architecture of"),
        Refusal(name: "a binary for an architecture the spec does not declare", arguments: ["--falco-bin", demo + "/aarch64/falco"],
                spec: [("architecture: [x86_64, aarch64]", "architecture: x86_64")], status: 64,
                message: "--falco-bin: '\(demo)/aarch64/falco' is for aarch64, which is not an architecture of"),
        Refusal(name: "an unknown architecture in the spec", arguments: [],
                spec: [("architecture: [x86_64, aarch64]", "architecture: [x86_64, sparc64]")], status: 65,
                message: "package.architecture[1]: 'sparc64' is not one of aarch64, all, amd64, arm64, armel, armhf, armv5,"),
        Refusal(name: "an architecture listed twice", arguments: [],
                spec: [("architecture: [x86_64, aarch64]", "architecture: [x86_64, amd64]")], status: 65,
                message: "package.architecture[1]: 'amd64' is x86_64, listed already"),
        Refusal(name: "a tarball spelling for an undeclared architecture", arguments: [],
                spec: [("arch: {x86_64: x86}", "arch: {x86_64: x86, ppc64el: ppc}")], status: 65,
                message: "tarballs.arch.ppc64el: 'ppc64el' is not an architecture of this spec (package.architecture: x86_64, aarch64)"),
        Refusal(name: "a repository architecture the packages do not have", arguments: [],
                spec: [("architecture: [x86_64, aarch64]", "architecture: x86_64"), ("repository:\n", "repository:\n  architectures: [arm64]\n")],
                status: 65, message: "repository.architectures[0]: 'arm64' is not an architecture of this spec (package.architecture: x86_64)"),
        Refusal(name: "an architecture without its input", arguments: ["--falco-bin", demo + "/x86_64/falco"],
                spec: [("    per-architecture: true\n    default: ../.cache/demo/{{ architecture }}/falco\n", "    per-architecture: true\n")],
                status: 66, message: "input 'falco-bin' is not set for aarch64: the falco executable of each architecture (ARCH=PATH, or a bare path for the machine its ELF header names) (pass --falco-bin aarch64=PATH or set FALCO_BIN_AARCH64)"),
    ]

    @Test(arguments: refusals) func refused(_ refusal: Refusal) throws {
        var arguments = refusal.arguments
        let work = try TemporaryDirectory()
        if !refusal.spec.isEmpty {
            var text = try String(contentsOfFile: repositoryRoot() + "/Specs/falco.yaml", encoding: .utf8)
            if !text.contains("repository:\n") { text += "repository:\n  suite: stable\n" }
            for (from, to) in refusal.spec {
                #expect(text.contains(from), "the spec no longer holds \(from)")
                text = text.replacingOccurrences(of: from, with: to)
            }
            // In Specs/, so that the spec's relative defaults resolve as the real one's do.
            let spec = repositoryRoot() + "/Specs/.architecture-\(UUID().uuidString.prefix(8)).yaml"
            try text.write(toFile: spec, atomically: true, encoding: .utf8)
            arguments += ["--spec", spec]
        }
        defer { if let spec = arguments.last, spec.contains("/.architecture-") { try? FileManager.default.removeItem(atPath: spec) } }
        try check(refusal, arguments: arguments, work: work)
    }

    func check(_ refusal: Refusal, arguments: [String], work: TemporaryDirectory) throws {
        let out = work.file("dist")
        let result = try runIn(repositoryRoot(), [falcopackExecutable(), "deb"] + arguments + ["--out", out],
                               environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FALCO_BIN") })
        #expect(result.status == refusal.status, "\(result.stderr)")
        #expect(result.stderr.contains(refusal.message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(written.isEmpty, "\(written)")
    }
}
