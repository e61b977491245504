import Foundation
import Testing
import TestSupport

/// Every script the release ships, as shipped: shellcheck finds nothing in the loader, the entrypoint, the deb
/// maintainer scripts or the rpm scriptlets.
struct ShellcheckTests {
    let release: Release
    init() throws { release = try Release.shared.get() }

    func shellcheck(_ file: String, shell: String) throws {
        let result = try run(["shellcheck", "--shell", shell, "--severity", "style", file])
        #expect(result.status == 0, "\(file):\n\(result.output)\(result.stderr)")
    }

    @Test func loaderAndEntrypoint() throws {
        try shellcheck(try release.sourceFile("scripts/falco-driver-loader"), shell: "bash")
        try shellcheck(try release.sourceFile("docker/docker-entrypoint.sh"), shell: "sh")
    }

    @Test(arguments: ["module", "bpf"])
    func debMaintainerScripts(_ variant: String) throws {
        let control = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-e", release.path("falco-\(release.version)-\(variant)-amd64.deb"), control.path])
        let scripts = ["postinst", "prerm", "postrm"].filter { FileManager.default.fileExists(atPath: control.file($0)) }
        #expect(scripts == ["postinst", "prerm", "postrm"])
        for script in scripts { try shellcheck(control.file(script), shell: "sh") }
    }

    @Test(arguments: ["module", "bpf"])
    func rpmScriptlets(_ variant: String) throws {
        let directory = try TemporaryDirectory()
        let rpm = release.path("falco-\(release.version)-\(variant)-x86_64.rpm")
        for (tag, name) in [("POSTIN", "post"), ("PREUN", "preun"), ("POSTUN", "postun")] {
            let text = try runChecked(["rpm", "-qp", "--qf", "%{\(tag)}", rpm]).output
            #expect(!text.isEmpty && text != "(none)", "\(variant) has no %\(name)")
            let file = try directory.write(name, Array(text.utf8))
            try shellcheck(file, shell: "sh")
        }
    }
}

/// The container entrypoint in a busybox root with the host under /host: whether it runs the loader, with which
/// driver and options, and that it then execs its arguments.
@Suite(.serialized) struct EntrypointTests {
    let entrypoint: String
    init() throws { entrypoint = try Release.shared.get().sourceFile("docker/docker-entrypoint.sh") }

    /// An InstallRoot for its calls log; nothing is installed by a package manager.
    struct Container: InstallRoot {
        let directory: TemporaryDirectory
        var root: String { directory.file("root") }
        var path: String { root }

        init(entrypoint: String) throws {
            directory = try TemporaryDirectory()
            let fm = FileManager.default
            for dir in ["root/bin", "root/usr/bin", "root/usr/src", "root/stub", "root/host/usr/src/linux-headers-6.1.0-13-amd64"] {
                try fm.createDirectory(atPath: directory.file(dir), withIntermediateDirectories: true)
            }
            try fm.copyItem(atPath: "/bin/busybox", toPath: root + "/bin/busybox")
            for applet in ["sh", "ln"] { try fm.createSymbolicLink(atPath: root + "/bin/" + applet, withDestinationPath: "busybox") }
            for tool in ["falco-driver-loader", "falco"] { try FakeHost.installStub(at: root + "/usr/bin/" + tool) }
            try fm.copyItem(atPath: entrypoint, toPath: root + "/docker-entrypoint.sh")
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
            let variables = ["PATH": "/usr/bin:/bin", "HOST_ROOT": "/host"].merging(environment) { $1 }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return try TestSupport.run(["env", "-i"] + variables + ["/usr/sbin/chroot", root, "/bin/sh", "/docker-entrypoint.sh"] + arguments)
        }

        /// falco ran in place of the entrypoint's shell, so its parent is this test process.
        func falcoWasExecd() -> Bool {
            let parent = read("/stub/falco-parent") ?? ""
            return parent.trimmingCharacters(in: .whitespacesAndNewlines) == "\(getpid())"
        }
    }

    let command = ["/usr/bin/falco", "-o", "time_format_iso_8601=true"]

    @Test func runsTheLoaderForTheModuleThenExecsFalco() throws {
        let container = try Container(entrypoint: entrypoint)
        let result = try container.run(command)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(container.calls() == ["falco-driver-loader module", "falco -o time_format_iso_8601=true"])
        #expect(container.falcoWasExecd())
        // The host's headers where DKMS looks for them.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: container.root + "/usr/src/linux-headers-6.1.0-13-amd64")
            == "/host/usr/src/linux-headers-6.1.0-13-amd64")
    }

    @Test func anyFalcoBPFProbeAsksForTheProbeWithTheGivenOptions() throws {
        let container = try Container(entrypoint: entrypoint)
        let result = try container.run(command, environment: ["FALCO_BPF_PROBE": "", "FALCO_DRIVER_LOADER_OPTIONS": "--download --compile"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(container.calls() == ["falco-driver-loader bpf --download --compile", "falco -o time_format_iso_8601=true"])
        #expect(container.falcoWasExecd())
    }

    @Test func skipDriverLoaderOnlyExecs() throws {
        let container = try Container(entrypoint: entrypoint)
        let result = try container.run(command, environment: ["SKIP_DRIVER_LOADER": "1"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        #expect(container.calls() == ["falco -o time_format_iso_8601=true"])
        #expect(container.falcoWasExecd())
        #expect(!FileManager.default.fileExists(atPath: container.root + "/usr/src/linux-headers-6.1.0-13-amd64"))
    }

    @Test func theOldSkipModuleLoadStillWorksWithAWarning() throws {
        let container = try Container(entrypoint: entrypoint)
        let result = try container.run(command, environment: ["SKIP_MODULE_LOAD": "1"])
        #expect(result.status == 0)
        #expect(result.stderr == "docker-entrypoint: SKIP_MODULE_LOAD is deprecated; set SKIP_DRIVER_LOADER instead\n")
        #expect(container.calls() == ["falco -o time_format_iso_8601=true"])
        #expect(container.falcoWasExecd())
    }

    @Test func aFailedLoaderStillStartsFalcoAndSaysSo() throws {
        let container = try Container(entrypoint: entrypoint)
        try Data("1".utf8).write(to: URL(fileURLWithPath: container.root + "/stub/loader-status"))
        let result = try container.run([])
        #expect(result.status == 0)
        #expect(result.stderr.contains("falco-driver-loader module failed; starting anyway"))
        // Without arguments, falco itself.
        #expect(container.calls() == ["falco-driver-loader module", "falco "])
        #expect(container.falcoWasExecd())
    }
}

/// The systemd units as the debs install them, accepted by `systemd-analyze verify`. falco and the loader are
/// not installed on the test machine, so their paths are pointed at /bin/true first; everything else is as shipped.
struct UnitTests {
    @Test(arguments: [("module", "falco-kmod.service"), ("bpf", "falco-bpf.service")])
    func systemdAcceptsTheUnit(_ variant: String, _ unit: String) throws {
        let release = try Release.shared.get()
        let directory = try TemporaryDirectory()
        try runChecked(["dpkg-deb", "-x", release.path("falco-\(release.version)-\(variant)-amd64.deb"), directory.file("root")])
        let shipped = try String(contentsOfFile: directory.file("root/lib/systemd/system/" + unit), encoding: .utf8)
        #expect(shipped.contains("ExecStartPre=+/usr/bin/falco-driver-loader \(variant)\n"))
        #expect(shipped.contains("ExecStart=/usr/bin/falco\n") && shipped.contains("Alias=falco.service\n"))
        let testable = shipped.replacingOccurrences(of: "/usr/bin/falco-driver-loader", with: "/bin/true")
            .replacingOccurrences(of: "/usr/bin/falco", with: "/bin/true")
        let file = try directory.write(unit, Array(testable.utf8))
        let result = try run(["systemd-analyze", "verify", "--man=no", file])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    }
}
