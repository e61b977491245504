import Foundation
import Testing
import TestSupport

/// Every image tag is one reference for linux/amd64 and linux/arm64: skopeo resolves each platform, podman loads
/// the archive, a registry keeps both platforms, and the arm64 images run under runc through qemu-user-static.
@Suite(.serialized) struct PlatformImageTests {
    let release: Release
    var layout: String { release.layout }
    var archive: String { release.path("falco-\(Release.version)-images.tar") }
    let v = Release.version

    init() throws { release = try Release.shared.get() }

    func references() -> [String] {
        ImageTests.images.flatMap { ["falcosecurity/\($0):\(v)", "falcosecurity/\($0):latest"] }
            + ["falcosecurity/falco:\(v)-slim", "falcosecurity/falco:latest-slim"]
    }

    func platforms(of reference: String) -> [String] { reference.contains("falco-builder") ? ["amd64"] : ["amd64", "arm64"] }

    func json(_ data: Data) throws -> [String: Any] { try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:] }

    @Test func everyTagIsOneIndexThatSkopeoResolvesPerPlatform() throws {
        for reference in references() {
            let raw = try json(try runChecked(["skopeo", "inspect", "--raw", "oci:\(layout):\(reference)"]).stdout)
            #expect(raw["mediaType"] as? String == "application/vnd.oci.image.index.v1+json", "\(reference)")
            let listed = (raw["manifests"] as? [[String: Any]] ?? []).compactMap { $0["platform"] as? [String: String] }
            #expect(listed.map { $0["architecture"] ?? "" } == platforms(of: reference), "\(reference)")
            #expect(listed.allSatisfy { $0["os"] == "linux" })
            for platform in platforms(of: reference) {
                let inspected = try json(try runChecked(["skopeo", "inspect", "--override-arch", platform, "oci:\(layout):\(reference)"]).stdout)
                #expect(inspected["Architecture"] as? String == platform, "\(reference) \(platform)")
                let config = try json(try runChecked(["skopeo", "inspect", "--config", "--override-arch", platform, "oci:\(layout):\(reference)"]).stdout)
                #expect(config["architecture"] as? String == platform && config["os"] as? String == "linux")
            }
        }
        let none = try run(["skopeo", "inspect", "--override-arch", "arm64", "oci:\(layout):falcosecurity/falco-builder:\(v)"])
        #expect(none.status != 0 && none.stderr.contains("no image found in image index for architecture arm64"), "\(none.stderr)")
    }

    @Test func eachPlatformCarriesItsOwnBinaryAndPackagesAndSharesTheRest() throws {
        let amd64 = ImageTests.layers(try ImageTests.manifest(layout, "falcosecurity/falco:\(v)", platform: "amd64"))
        let arm64 = ImageTests.layers(try ImageTests.manifest(layout, "falcosecurity/falco:\(v)", platform: "arm64"))
        // base, falco, loader, entrypoint, dpkg record, usage: the binary and the dpkg record differ, the driver
        // sources, entrypoint and usage are one blob for both.
        #expect(amd64.count == arm64.count)
        #expect(amd64[1] != arm64[1] && amd64[4] != arm64[4])
        #expect(amd64[2] == arm64[2] && amd64[3] == arm64[3] && amd64[5] == arm64[5])

        let noDriver = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco-no-driver:\(v)", platform: "arm64")
        let machine = try runChecked(["readelf", "-h", noDriver.root + "/usr/bin/falco"]).output
        #expect(machine.contains("AArch64"), "\(machine)")
        #expect(try runChecked(["cmp", noDriver.root + "/usr/bin/falco", release.falcoBinaryArm64]).status == 0)

        let tester = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco-tester:\(v)", platform: "arm64")
        let carried = try FileManager.default.contentsOfDirectory(atPath: tester.root + "/release").sorted()
        #expect(carried.contains("falco-\(v)-module-arm64.deb") && carried.contains("falco-\(v)-module-aarch64.rpm")
                && carried.contains("falco-\(v)-bin-aarch64.tar.gz") && carried.contains("falco-\(v)-src-x86.tar.gz"), "\(carried)")
        #expect(!carried.contains { $0.contains("amd64") || $0.contains("x86_64") || $0.contains("bin-x86") }, "\(carried)")
        let falco = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco:\(v)", platform: "arm64")
        let status = try runChecked(["dpkg", "--root=\(falco.root)", "-s", "falco"]).output
        #expect(status.contains("Architecture: arm64\n"), "\(status)")
    }

    /// podman 4.3 reads the archive's manifest.json, which names one platform's images (amd64): every tag loads.
    @Test func podmanLoadsEveryTagOfTheArchive() throws {
        let work = try TemporaryDirectory()
        let podman = ["podman", "--root", work.file("storage"), "--runroot", work.file("run"), "--storage-driver", "vfs",
                      "--events-backend", "none", "--cgroup-manager", "cgroupfs"]
        let loaded = try run(podman + ["load", "-i", archive])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let listed = try runChecked(podman + ["images", "--format", "{{.Repository}}:{{.Tag}}"]).output
        for reference in references() {
            #expect(listed.contains("/" + reference + "\n") || listed.hasPrefix(reference + "\n"), "\(reference) in \(listed)")
        }
    }

    /// A registry (Debian's docker-registry on 127.0.0.1) given every tag with skopeo copy --all keeps both platforms.
    @Test func aRegistryKeepsBothPlatformsOfEveryTag() throws {
        let work = try TemporaryDirectory()
        let registry = try Registry(in: work)
        defer { registry.stop() }
        for reference in references() {
            let remote = "docker://\(registry.address)/\(reference)"
            let copied = try run(["skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:\(layout):\(reference)", remote])
            #expect(copied.status == 0, "\(copied.stderr)")
            let raw = try json(try runChecked(["skopeo", "inspect", "--raw", "--tls-verify=false", remote]).stdout)
            let listed = (raw["manifests"] as? [[String: Any]] ?? []).compactMap { ($0["platform"] as? [String: String])?["architecture"] }
            #expect(listed == platforms(of: reference), "\(reference)")
            for platform in platforms(of: reference) {
                let inspected = try json(try runChecked(["skopeo", "inspect", "--tls-verify=false", "--override-arch", platform, remote]).stdout)
                #expect(inspected["Architecture"] as? String == platform)
            }
        }
    }

    /// The arm64 falco and falco-no-driver images on Debian's arm64 base run under runc: usage, falco, and the
    /// falco image's entrypoint with the loader skipped.
    @Test func theArm64ImagesRunUnderRunc() throws {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        try falcopack(["image", "--name", "falco", "--name", "falco-no-driver", "--version", v,
                       "--falco-bin", release.falcoBinary, "--falco-bin", "arm64=" + release.falcoBinaryArm64,
                       "--falco-base", ImageBases.tester, "--no-driver-base", ImageBases.tester, "--out", out])
        let layout = out + "/falco-\(v)-images"
        let noDriver = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco-no-driver:\(v)", platform: "arm64")
        #expect(try runChecked(["readelf", "-h", noDriver.root + "/bin/bash"]).output.contains("AArch64"))
        let usage = try noDriver.runc(["usage"])
        #expect(usage.status == 0, "\(usage.stderr)")
        #expect(usage.output.hasPrefix("falcosecurity/falco-no-driver:\(v): falco alone"), "\(usage.output)")
        let version = try noDriver.runc(["/usr/bin/falco", "--version"])
        #expect(version.status == 0 && version.output.contains("Falco version: \(v)"), "\(version.output) \(version.stderr)")

        let falco = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco:\(v)", platform: "arm64")
        let falcoUsage = try falco.runc(["usage"])
        #expect(falcoUsage.status == 0 && falcoUsage.output.hasPrefix("falcosecurity/falco:\(v): falco-driver-loader gets"), "\(falcoUsage.output)")
        let entrypoint = try falco.runc(try falco.entrypoint() + ["/usr/bin/falco", "--version"], environment: ["SKIP_DRIVER_LOADER": "true"])
        #expect(entrypoint.status == 0 && entrypoint.output.contains("Falco version: \(v)"), "\(entrypoint.output) \(entrypoint.stderr)")
    }
}

/// Debian's docker-registry serving a folder on a free port of 127.0.0.1.
final class Registry {
    let process = Process()
    let address: String

    init(in work: TemporaryDirectory) throws {
        let port = 20000 + Int(getpid() % 20000)
        address = "127.0.0.1:\(port)"
        let config = work.file("registry.yml")
        try """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(work.file("registry"))
            http:
              addr: \(address)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if try run(["curl", "-fs", "http://\(address)/v2/"]).status == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw ToolError(description: "docker-registry did not answer on \(address)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
