import Foundation
import Testing
import TestSupport

/// The release's container images, judged by skopeo, umoci and runc, and their entrypoints run in their unpacked
/// roots against a simulated host.
@Suite(.serialized) struct ImageTests {
    static let images = ["falco", "falco-driver-loader", "falco-no-driver", "falco-tester", "falco-builder"]
    let release: Release
    var layout: String { release.layout }
    var archive: String { release.path("falco-\(Release.version)-images.tar") }
    func reference(_ image: String, _ tag: String = Release.version) -> String { "falcosecurity/\(image):\(tag)" }

    init() throws { release = try Release.shared.get() }

    /// The manifest a tag of `layout` names for `platform` (amd64, arm64), read from the layout's files.
    static func manifest(_ layout: String, _ reference: String, platform: String = "amd64") throws -> [String: Any] {
        func json(_ path: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/" + path))) as! [String: Any]
        }
        let tagged = try #require((try json("index.json")["manifests"] as! [[String: Any]]).first {
            ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == reference
        })
        let top = try json("blobs/sha256/" + (tagged["digest"] as! String).dropFirst(7))
        guard let platforms = top["manifests"] as? [[String: Any]] else { return top }
        let chosen = try #require(platforms.first { ($0["platform"] as? [String: String])?["architecture"] == platform })
        return try json("blobs/sha256/" + (chosen["digest"] as! String).dropFirst(7))
    }

    static func layers(_ manifest: [String: Any]) -> [String] {
        (manifest["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
    }

    /// An image unpacked by umoci, its root ready for chroot or runc. umoci 0.4 reads one platform's image: skopeo
    /// copies that one out of the index first.
    struct Unpacked {
        let directory: TemporaryDirectory
        let config: [String: Any]
        var bundle: String { directory.file("bundle") }
        var root: String { bundle + "/rootfs" }

        init(layout: String, reference: String, platform: String = "amd64") throws {
            directory = try TemporaryDirectory()
            let single = directory.file("single")
            try runChecked(["skopeo", "copy", "--override-arch", platform, "oci:\(layout):\(reference)", "oci:\(single):image"])
            try runChecked(["umoci", "unpack", "--image", "\(single):image", directory.file("bundle")])
            let inspected = try runChecked(["skopeo", "inspect", "--override-arch", platform, "--config", "oci:\(layout):\(reference)"]).stdout
            config = (try JSONSerialization.jsonObject(with: inspected) as? [String: Any])?["config"] as? [String: Any] ?? [:]
        }

        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + path) }

        /// The image's configured command, or `command`, run in its root with its environment and `environment`.
        func run(_ command: [String]? = nil, environment: [String: String] = [:]) throws -> ToolResult {
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/config.json")))
                as? [String: Any]
            let process = config?["process"] as? [String: Any]
            var arguments = process?["args"] as? [String] ?? []
            if let command { arguments = try entrypoint() + command }
            var variables = process?["env"] as? [String] ?? []
            variables += environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return try TestSupport.run(["env", "-i"] + variables + ["/usr/sbin/chroot", root] + arguments)
        }

        /// `arguments` (the image's entrypoint and command when nil) run by runc, a real OCI runtime, in the bundle
        /// umoci made, with `environment` added and each (host folder, container path) of `mounts` bound in.
        func runc(_ arguments: [String]? = nil, environment: [String: String] = [:],
                  mounts: [(source: String, destination: String)] = []) throws -> ToolResult {
            let path = bundle + "/config.json"
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
            var process = config["process"] as? [String: Any] ?? [:]
            process["terminal"] = false
            if let arguments { process["args"] = arguments }
            process["env"] = (process["env"] as? [String] ?? []) + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            config["process"] = process
            config["mounts"] = (config["mounts"] as? [[String: Any]] ?? []) + mounts.map {
                ["destination": $0.destination, "type": "bind", "source": $0.source, "options": ["rbind", "rw"]]
            }
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: path))
            return try TestSupport.run(["runc", "run", "--bundle", bundle, "falcopack-test-\(getpid())-\(UUID().uuidString.prefix(8))"])
        }

        /// The image's Entrypoint, as its configuration gives it.
        func entrypoint() throws -> [String] { config["Entrypoint"] as? [String] ?? [] }

        func calls() -> [String] {
            (try? String(contentsOfFile: root + "/calls.log", encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        }
    }

    @Test func skopeoInspectsAndCopiesEveryTagFromTheLayoutAndTheArchive() throws {
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: layout + "/index.json")))
            as? [String: Any]
        // One entry per tag (and the two -slim aliases of falco-no-driver); the images' bills of materials are listed
        // as artifacts, untagged.
        let manifests = (index?["manifests"] as? [[String: Any]] ?? []).filter { $0["artifactType"] == nil }
        #expect(manifests.count == Self.images.count * 2 + 2)
        let work = try TemporaryDirectory()
        for image in Self.images {
            for tag in [Release.version, "latest"] {
                let ref = reference(image, tag)
                let inspected = try runChecked(["skopeo", "inspect", "oci:\(layout):\(ref)"]).stdout
                let digest = (try JSONSerialization.jsonObject(with: inspected) as? [String: Any])?["Digest"] as? String
                #expect(manifests.contains { ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == ref
                        && $0["digest"] as? String == digest }, "\(ref)")
                try runChecked(["skopeo", "copy", "oci:\(layout):\(ref)", "dir:" + work.file("\(image)-\(tag)")])
                try runChecked(["skopeo", "inspect", "docker-archive:\(archive):\(ref)"])
            }
            try runChecked(["skopeo", "copy", "docker-archive:\(archive):\(reference(image))",
                            "oci:" + work.file("from-archive") + ":\(image)"])
        }
        // The archive's manifest.json names every tag, as docker load reads it.
        let members = try runChecked(["tar", "-xOf", archive, "manifest.json"]).stdout
        let tags = (try JSONSerialization.jsonObject(with: members) as? [[String: Any]])?.flatMap { $0["RepoTags"] as? [String] ?? [] }
        #expect(Set(tags ?? []) == Set(Self.images.flatMap { [reference($0), reference($0, "latest")] }
                                        + [reference("falco", Release.version + "-slim"), reference("falco", "latest-slim")]))
    }

    @Test func aLayerTwoImagesHoldIsOneBlob() throws {
        func layers(_ image: String) throws -> [String] { Self.layers(try Self.manifest(layout, reference(image))) }
        let falco = try layers("falco"), loader = try layers("falco-driver-loader"), noDriver = try layers("falco-no-driver")
        // Base, then falco's layer: the same in the three images.
        #expect(falco[1] == loader[1] && falco[1] == noDriver[1])
        #expect(Set(falco).intersection(loader).count >= 4)
    }

    @Test func theFalcoImageRunsTheLoaderThenFalco() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco"))
        let result = try image.run(["/usr/bin/falco", "--version"])
        #expect(result.output.contains("Falco version: \(Release.version)"), "\(result.stderr)")
        // The real loader ran against the stub host tools: no module of this version was loaded or installed, the
        // download failed, and falco started anyway.
        #expect(image.calls().first == "lsmod " && image.calls().contains { $0.hasPrefix("curl ") }, "\(image.calls())")
        #expect(result.stderr.contains("falco-driver-loader module failed; starting anyway"), "\(result.stderr)")
        // dpkg knows falco, as installed.
        let status = try runChecked(["dpkg", "--root=\(image.root)", "-s", "falco"]).output
        #expect(status.contains("Status: install ok installed\n") && status.contains("Version: \(Release.version)\n"))
        let listed = try runChecked(["dpkg", "--root=\(image.root)", "-L", "falco"]).output
        #expect(listed.contains("/usr/bin/falco\n") && listed.contains("/etc/falco/falco.yaml\n"))
        let verified = try run(["dpkg", "--root=\(image.root)", "-V", "falco"])
        #expect(verified.status == 0 && verified.output.isEmpty, "\(verified.output)")
    }

    @Test func skippingTheLoader() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco"))
        let skipped = try image.run(["/usr/bin/falco", "--version"], environment: ["SKIP_DRIVER_LOADER": "true"])
        #expect(skipped.status == 0 && image.calls().isEmpty, "\(image.calls())")
        #expect(skipped.stderr.isEmpty, "\(skipped.stderr)")
        let old = try image.run(["/usr/bin/falco", "--version"], environment: ["SKIP_MODULE_LOAD": "1"])
        #expect(old.status == 0 && image.calls().isEmpty)
        #expect(old.stderr.contains("SKIP_MODULE_LOAD is deprecated; set SKIP_DRIVER_LOADER instead"))
    }

    @Test func theDriverLoaderImageRunsTheLoaderAndExits() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco-driver-loader"))
        let result = try image.run(["--print-env"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.contains("DRIVER_VERSION"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: image.root + "/stub/falco-parent"))
    }

    @Test func theNoDriverImageHasNoLoaderAndNoDriverSources() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco-no-driver"))
        #expect(image.exists("/usr/bin/falco") && !image.exists("/usr/bin/falco-driver-loader"))
        #expect(!image.exists("/usr/src/scap-\(Release.driverVersion)"))
        let result = try image.run(["/usr/bin/falco", "--version"])
        #expect(result.output.contains("Falco version: \(Release.version)"))
    }

    @Test(arguments: images) func usagePrintsHowToRunTheImage(image name: String) throws {
        let image = try Unpacked(layout: layout, reference: reference(name))
        let result = try image.run(["usage"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.hasPrefix("\(reference(name)): "), "\(result.output)")
        #expect(image.calls().isEmpty)
        let dockerfile = try String(contentsOfFile: layout + "/dockerfiles/\(name)/Dockerfile", encoding: .utf8)
        #expect(dockerfile.contains("LABEL \"usage\"=\"\(reference(name)): "))
    }

    @Test func theBuilderPrintsUsageWhenGivenNothingToDo() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco-builder"))
        let result = try image.run()
        #expect(result.status == 0)
        #expect(result.output.contains("falcopack all --spec /usr/share/falcopack/Specs/falco.yaml"))
        #expect(image.exists("/usr/bin/falcopack") && image.exists("/usr/share/falcopack/Payloads/falco-driver-loader"))
    }

    /// The tester image is the one on the real Debian base, with Debian's dpkg and rpm.
    @Test func theTesterPassesOnTheReleaseItCarriesAndFailsOnADamagedPackage() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco-tester", "latest"))
        let passed = try image.run()
        #expect(passed.status == 0, "\(passed.output)")
        #expect(passed.output.hasSuffix("20 passed, 0 failed\n"), "\(passed.output)")
        let deb = image.root + "/release/falco-\(Release.version)-bpf-amd64.deb"
        try Data(try Data(contentsOf: URL(fileURLWithPath: deb)).prefix(3000)).write(to: URL(fileURLWithPath: deb))
        let failed = try image.run()
        #expect(failed.status == 1)
        #expect(failed.output.contains("FAIL falco-\(Release.version)-bpf-amd64.deb installs with dpkg"))
        #expect(failed.output.hasSuffix(" passed, 1 failed\n"), "\(failed.output)")
    }

    /// runc, a real OCI runtime, runs an image from the bundle umoci made.
    @Test func runcRunsTheNoDriverImage() throws {
        let image = try Unpacked(layout: layout, reference: reference("falco-no-driver"))
        let configPath = image.bundle + "/config.json"
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as? [String: Any] ?? [:]
        var process = config["process"] as? [String: Any] ?? [:]
        process["terminal"] = false
        process["args"] = ["/usr/bin/falco", "--version"]
        config["process"] = process
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        let result = try run(["runc", "run", "--bundle", image.bundle, "falcopack-test-\(getpid())"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.output.contains("Falco version: \(Release.version)"))
    }

    @Test func verifyChecksTheLayout() throws {
        let work = try TemporaryDirectory()
        let copy = work.file("dist")
        try runChecked(["cp", "-a", release.dist, copy])
        let layout = copy + "/falco-\(Release.version)-images"
        // One changed byte in the falco layer.
        let digest = Self.layers(try Self.manifest(layout, reference("falco")))[1]
        let blob = layout + "/blobs/sha256/" + digest.dropFirst("sha256:".count)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blob))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: blob))
        let result = try run([falcopackExecutable(), "verify", copy], in: repositoryRoot())
        #expect(result.status == 1)
        #expect(result.stderr.contains("falcopack: verify: falco-\(Release.version)-images: blob \(digest) holds bytes whose digest is"),
                "\(result.stderr)")
    }
}
