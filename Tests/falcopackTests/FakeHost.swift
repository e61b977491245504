import Foundation
import TestSupport

/// A simulated host for falco-driver-loader: a HOST_ROOT with an os-release, copies of Host/stub on PATH under
/// each tool's name (recording their calls and acting on a state folder), a few real tools, and a HOME for
/// ~/.falco. The loader runs with `env -i`, so nothing of the test's environment leaks in.
struct FakeHost {
    static let kernel = "5.15.0-56-generic"
    static let stubs = ["uname", "id", "lsmod", "modprobe", "modinfo", "insmod", "rmmod", "dkms", "curl", "make",
                        "clang", "llc", "gcc", "gcc-11", "gcc-12"]
    /// Real tools the loader uses besides bash's builtins; nothing else of the machine (its gcc, clang or
    /// kernel tools) is on PATH.
    static let tools = ["bash", "sort", "readlink", "mktemp", "sha256sum", "cp", "mv", "rm", "mkdir", "ln", "chmod",
                        "tail", "sleep", "cat", "sed", "cut"]

    let directory: TemporaryDirectory
    var root: String { directory.file("host") }
    var state: String { directory.file("state") }
    var home: String { directory.file("home") }
    var cache: String { home + "/.falco/\(Release.driverVersion)/x86_64" }

    /// - Parameters:
    ///   - osRelease: the host's /etc/os-release, or none.
    ///   - headers: whether /lib/modules/KERNEL/build exists on the host.
    ///   - stubs: the stub tools on PATH.
    init(osRelease: String? = "NAME=\"Ubuntu\"\nID=ubuntu\nVERSION_ID=\"22.04\"\n", headers: Bool = false,
         stubs: [String] = FakeHost.stubs) throws {
        directory = try TemporaryDirectory()
        let fm = FileManager.default
        for dir in ["host/etc", "state", "home", "bin", "tools", "tmp"] {
            try fm.createDirectory(atPath: directory.file(dir), withIntermediateDirectories: true)
        }
        if let osRelease { try write(osRelease, to: root + "/etc/os-release") }
        if headers { try fm.createDirectory(atPath: root + "/lib/modules/\(Self.kernel)/build", withIntermediateDirectories: true) }
        for name in stubs { try Self.installStub(at: directory.file("bin/" + name)) }
        // The driver sources as the package installs them, with the probe's folder.
        try write("all:\n", to: root + "/usr/src/scap-\(Release.driverVersion)/bpf/Makefile")
        for tool in Self.tools {
            let real = try runChecked(["sh", "-c", "command -v \(tool)"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            try fm.createSymbolicLink(atPath: directory.file("tools/" + tool), withDestinationPath: real)
        }
    }

    /// Host/stub copied to `path`, acting as the tool its file is named after. Copies, not links: the loader
    /// tells compilers apart by their resolved paths.
    static func installStub(at path: String) throws {
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/Tests/falcopackTests/Host/stub", toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Sets a state file of the stubs (see Host/stub).
    func set(_ name: String, _ text: String = "") throws { try write(text, to: state + "/" + name) }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Publishes `content` at `url` for curl, with a `.sha256` beside it when `checksum` is given.
    func publish(_ url: String, _ content: String, checksum: String? = nil) throws {
        let path = state + "/network/" + url.replacingOccurrences(of: "https://", with: "")
            .replacingOccurrences(of: "%2B", with: "+")
        try write(content, to: path)
        if let checksum { try write("\(checksum)  \((url as NSString).lastPathComponent)\n", to: path + ".sha256") }
    }

    /// Lets curl reach the network, where nothing is published yet.
    func connect() throws { try FileManager.default.createDirectory(atPath: state + "/network", withIntermediateDirectories: true) }

    static func sha256(_ text: String) throws -> String {
        String(try runChecked(["sha256sum"], stdin: Data(text.utf8)).output.prefix(64))
    }

    /// Runs `script` with bash (or `shell`) and only the given environment.
    func run(_ script: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws -> ToolResult {
        let base = ["PATH": directory.file("bin") + ":" + directory.file("tools"), "HOME": home, "HOST_ROOT": root,
                    "STUB_STATE": state, "STUB_LOG": directory.file("calls.log"), "TMPDIR": directory.file("tmp"),
                    "MAX_RMMOD_WAIT": "0"]
        let variables = base.merging(environment) { $1 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return try TestSupport.run(["env", "-i"] + variables + [directory.file("tools/bash"), script] + arguments)
    }

    /// The calls the stubs recorded, in order.
    func calls() -> [String] {
        let log = (try? String(contentsOfFile: directory.file("calls.log"), encoding: .utf8)) ?? ""
        return log.split(separator: "\n").map(String.init)
    }

    /// The recorded calls of the given tools.
    func calls(of tools: Set<String>) -> [String] {
        calls().filter { tools.contains(String($0.prefix { $0 != " " })) }
    }

    /// Forgets the recorded calls.
    func clearCalls() { try? FileManager.default.removeItem(atPath: directory.file("calls.log")) }
}
