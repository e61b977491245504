import Foundation
import TestSupport

/// A Debian 12 root made by mmdebstrap, unpacked from a base `make test` prepares (toolchain: apt, dkms, gcc), with
/// no package source of its own and no Swift.
final class DebianRoot: Sendable {
    let directory: TemporaryDirectory
    let root: String

    /// A root unpacked from the `platform` (amd64, arm64) image of one of the bases `make test` prepares.
    init(base: String = "toolchain", platform: String = "amd64") throws {
        directory = try TemporaryDirectory()
        root = directory.file("root")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let layout = repositoryRoot() + "/.cache/bases/" + base
        func json(_ path: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/" + path))) as! [String: Any]
        }
        // index.json tags an image index of the base's platforms.
        let tagged = (try json("index.json")["manifests"] as! [[String: Any]])[0]
        let platforms = try json("blobs/sha256/" + (tagged["digest"] as! String).dropFirst(7))["manifests"] as! [[String: Any]]
        guard let chosen = platforms.first(where: { ($0["platform"] as? [String: String])?["architecture"] == platform }) else {
            throw ToolError(description: "the base \(base) has no \(platform) image; run scripts/prepare-bases.sh \(base)")
        }
        let manifest = try json("blobs/sha256/" + (chosen["digest"] as! String).dropFirst(7))
        for layer in manifest["layers"] as! [[String: Any]] {
            let digest = (layer["digest"] as! String).dropFirst(7)
            try runChecked(["tar", "-xzf", layout + "/blobs/sha256/\(digest)", "-C", root, "--numeric-owner"])
        }
        try? FileManager.default.removeItem(atPath: root + "/etc/apt/sources.list")
        try? FileManager.default.removeItem(atPath: root + "/etc/apt/sources.list.d")
        try FileManager.default.createDirectory(atPath: root + "/etc/apt/sources.list.d", withIntermediateDirectories: true)
        try runChecked(["sh", "-c", "[ -e '\(root)/dev/null' ] || mknod -m 666 '\(root)/dev/null' c 1 3"])
    }

    /// The repository copied into the root, as clients see a snapshot of it; `key` is what apt trusts.
    func use(_ repository: String, key: String) throws {
        try? FileManager.default.removeItem(atPath: root + "/srv/repo")
        try FileManager.default.createDirectory(atPath: root + "/srv", withIntermediateDirectories: true)
        try runChecked(["cp", "-a", repository, root + "/srv/repo"])
        try? FileManager.default.removeItem(atPath: root + "/srv/key.asc")
        try FileManager.default.copyItem(atPath: key, toPath: root + "/srv/key.asc")
        try "deb [signed-by=/srv/key.asc] file:/srv/repo/deb stable main\n"
            .write(toFile: root + "/etc/apt/sources.list.d/falco.list", atomically: true, encoding: .utf8)
    }

    /// The repository as a server at `url` hands it out; `key` is what apt trusts.
    func use(server url: String, key: String) throws {
        try? FileManager.default.removeItem(atPath: root + "/srv/key.asc")
        try FileManager.default.createDirectory(atPath: root + "/srv", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: key, toPath: root + "/srv/key.asc")
        try "deb [signed-by=/srv/key.asc] \(url)/deb stable main\n"
            .write(toFile: root + "/etc/apt/sources.list.d/falco.list", atomically: true, encoding: .utf8)
    }

    func apt(_ arguments: [String]) throws -> ToolResult {
        try run(["chroot", root, "env", "DEBIAN_FRONTEND=noninteractive", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"] + arguments)
    }

    /// A command in the root with its own /proc mounted, as on a running system (Swift programs read their
    /// arguments from /proc/self/cmdline), in mount and PID namespaces that vanish with it.
    func running(_ arguments: [String]) throws -> ToolResult {
        try run(["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--root=" + root,
                 "env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"] + arguments)
    }

    func installedVersion(_ package: String) throws -> String {
        try apt(["dpkg-query", "-W", "-f=${Version}", package]).output
    }
}
