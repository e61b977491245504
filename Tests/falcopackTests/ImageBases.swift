import Foundation
import TestSupport

/// Bases for the images the tests build. `shell` is small and made here: busybox, bash, and the stub host tools (as
/// FakeHost has them) ahead of busybox's on PATH, so the images' entrypoints and the real loader run against a
/// simulated host. `tester` is the real Debian base `make test` prepares (scripts/prepare-bases.sh).
enum ImageBases {
    static let shell = Result { try makeShell() }
    static var tester: String { "oci:" + repositoryRoot() + "/.cache/bases/tester:tester" }

    /// Folder kept for the whole test run.
    nonisolated(unsafe) private static let folder = Result { try TemporaryDirectory() }

    struct Root: InstallRoot {
        let path: String
    }

    private static func makeShell() throws -> String {
        let dir = try folder.get()
        let root = Root(path: dir.file("shell"))
        try Root.prepare(root.path, directories: ["usr/local/sbin", "usr/bin", "etc", "root", "stub", "host/etc"],
                         withShell: true)
        // bash as /bin/sh: busybox's own sh would run its applets ahead of the stubs on PATH.
        try root.installBash()
        try FileManager.default.removeItem(atPath: root.path + "/bin/sh")
        try FileManager.default.createSymbolicLink(atPath: root.path + "/bin/sh", withDestinationPath: "bash")
        let applets = try runChecked(["/bin/busybox", "--list"]).output.split(separator: "\n").map(String.init)
        for applet in applets where !["sh", "bash", "busybox"].contains(applet) && !FileManager.default.fileExists(atPath: root.path + "/bin/" + applet) {
            try FileManager.default.createSymbolicLink(atPath: root.path + "/bin/" + applet, withDestinationPath: "busybox")
        }
        for tool in FakeHost.stubs { try FakeHost.installStub(at: root.path + "/usr/local/sbin/" + tool) }
        try Data("NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n".utf8).write(to: URL(fileURLWithPath: root.path + "/host/etc/os-release"))
        let tarball = dir.file("shell.tar.gz")
        try runChecked(["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-czf", tarball,
                        "-C", root.path, "."])
        return "rootfs:" + tarball
    }

    /// The same as the spec's environment variables, for commands run as a user types them.
    static func environment() throws -> [String: String] {
        let shell = try shell.get()
        return ["FALCO_BASE": shell, "FALCO_NO_DRIVER_BASE": shell, "FALCO_BUILDER_BASE": shell, "FALCO_TESTER_BASE": tester,
                "FALCOPACK_BIN": falcopackExecutable()]
    }

    /// The flags that give `all` and `image` these bases and the falcopack under test.
    static func flags() throws -> [String] {
        let shell = try shell.get()
        return ["--falco-base", shell, "--no-driver-base", shell, "--builder-base", shell, "--tester-base", tester,
                "--falcopack-bin", falcopackExecutable()]
    }
}
