import Foundation
import Testing

/// A throwaway root for `dpkg --root` and `rpm --root`. Package managers run maintainer scripts chrooted
/// there (the tests run as root), so `withShell` gives it busybox as /bin/sh and a /dev/null; scripts and
/// stubs record their calls in /calls.log.
public protocol InstallRoot {
    var path: String { get }
}

extension InstallRoot {
    public static func prepare(_ path: String, directories: [String], withShell: Bool) throws {
        let fm = FileManager.default
        for sub in directories + (withShell ? ["bin", "dev", "tmp", "var/tmp"] : []) {
            try fm.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
        }
        guard withShell else { return }
        try fm.copyItem(atPath: "/bin/busybox", toPath: path + "/bin/busybox")
        try fm.createSymbolicLink(atPath: path + "/bin/sh", withDestinationPath: "busybox")
        try runChecked(["mknod", "-m", "666", path + "/dev/null", "c", "1", "3"])
    }

    /// Installs a stub for `command` that records "command args" in /calls.log.
    public func addRecordingStub(_ command: String, at directory: String = "usr/bin") throws {
        try FileManager.default.createDirectory(atPath: path + "/" + directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path + "/\(directory)/\(command)",
                                           contents: Data("#!/bin/sh\necho \"\(command) $*\" >> /calls.log\n".utf8),
                                           attributes: [.posixPermissions: 0o755])
    }

    /// Copies bash and the libraries it links into the root, for scripts that need more than busybox's sh.
    public func installBash() throws {
        let fm = FileManager.default
        let libraries = try runChecked(["ldd", "/bin/bash"]).output.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("/") }.map(String.init)
        }
        for file in libraries {
            let real = try runChecked(["readlink", "-f", file]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            try fm.createDirectory(atPath: path + (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: real, toPath: path + file)
        }
        try fm.copyItem(atPath: "/bin/bash", toPath: path + "/bin/bash")
    }

    /// Links busybox applets into /bin.
    public func addApplets(_ applets: [String]) throws {
        for applet in applets {
            try FileManager.default.createSymbolicLink(atPath: path + "/bin/" + applet, withDestinationPath: "busybox")
        }
    }

    public func read(_ file: String) -> String? {
        FileManager.default.contents(atPath: path + file).map { String(decoding: $0, as: UTF8.self) }
    }

    public func calls() -> [String] {
        (read("/calls.log") ?? "").split(separator: "\n").map(String.init)
    }

    public func clearCalls() { try? FileManager.default.removeItem(atPath: path + "/calls.log") }
}

/// Expects `build` to fail with an error whose text contains `text`, leaving nothing in `outputDirectory`:
/// bad input must never leave a file under a final name.
public func expectRejected(_ build: () throws -> Void, mentioning text: String, outputDirectory: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    let error = #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try build() }
    #expect("\(error.map { "\($0)" } ?? "")".contains(text), "got: \(String(describing: error))", sourceLocation: sourceLocation)
    let left = try FileManager.default.contentsOfDirectory(atPath: outputDirectory)
    #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
}

/// `dpkg --root` into an InstallRoot with dpkg's database and a recording systemctl.
public struct DpkgRoot: InstallRoot {
    public let path: String

    public init(in dir: TemporaryDirectory, name: String = "root") throws {
        path = dir.file(name)
        try Self.prepare(path, directories: ["usr/bin", "usr/sbin", "sbin", "etc", "var/lib/dpkg/info",
                                             "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/lib/dpkg/alternatives"],
                         withShell: true)
        _ = FileManager.default.createFile(atPath: path + "/var/lib/dpkg/status", contents: Data())
        _ = FileManager.default.createFile(atPath: path + "/var/lib/dpkg/available", contents: Data())
        try addRecordingStub("systemctl")
    }

    @discardableResult
    public func dpkg(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
        try run(["dpkg", "--root=\(path)", "--log=/dev/null"] + arguments, environment: environment)
    }
}

/// `rpm --root R --dbpath /var/lib/rpm` into an InstallRoot with an initialised database.
public struct RPMRoot: InstallRoot {
    public let path: String

    /// - Parameter shell: busybox as /bin/sh, so scriptlets run.
    public init(in dir: TemporaryDirectory, shell: Bool = false) throws {
        path = dir.file("root")
        try Self.prepare(path, directories: [], withShell: shell)
        try runChecked(["rpm", "--root", path, "--dbpath", "/var/lib/rpm", "--initdb"])
    }

    @discardableResult
    public func rpm(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
        try run(["rpm", "--root", path, "--dbpath", "/var/lib/rpm"] + arguments, environment: environment)
    }
}
