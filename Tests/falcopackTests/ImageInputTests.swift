import Foundation
import Testing
import TestSupport

/// Bases of every kind, channels, and what is wrong with an image's inputs: one error line, its exit code, and
/// nothing under a final name.
@Suite struct ImageInputTests {
    let release: Release
    init() throws { release = try Release.shared.get() }

    /// `falcopack image` into a fresh folder, with the test bases unless `extra` gives others.
    func image(_ extra: [String], out: String) throws -> ToolResult {
        var bases = try ImageBases.flags()
        for flag in extra where flag.hasSuffix("-base") {
            if let index = bases.firstIndex(of: flag) { bases.removeSubrange(index...index + 1) }
        }
        return try run([falcopackExecutable(), "image", "--version", Release.version, "--falco-bin", release.falcoBinary,
                        "--out", out] + bases + extra, in: repositoryRoot())
    }

    func expectRefused(_ result: ToolResult, status: Int32, _ message: String, out: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("falcopack: error: ") && result.stderr.dropLast().split(separator: "\n").count == 1,
                "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.filter { !$0.hasPrefix(".") }.isEmpty && !left.contains { $0.hasPrefix(".falco") },
                "left behind: \(left)", sourceLocation: sourceLocation)
    }

    @Test func aDockerArchiveBaseAndScratch() throws {
        let work = try TemporaryDirectory()
        let archive = work.file("base.tar")
        try runChecked(["skopeo", "copy", "oci:\(release.layout):falcosecurity/falco-tester:latest",
                        "docker-archive:\(archive):example/base:1"])
        let out = work.file("dist")
        // A docker archive holds one platform's image: the amd64 build takes it, a build of both refuses it.
        let both = try image(["--name", "falco-no-driver", "--no-driver-base", "docker-archive:\(archive):example/base:1"], out: out)
        try expectRefused(both, status: 66, "the base is linux/amd64, with no linux/arm64 image; give a base for linux/arm64 (an image index of both platforms)", out: out)
        let result = try image(["--name", "falco-no-driver", "--no-driver-base", "docker-archive:\(archive):example/base:1",
                                "--arch", "amd64"], out: out)
        #expect(result.status == 0, "\(result.stderr)")
        let layout = out + "/falco-\(Release.version)-images"
        let unpacked = try ImageTests.Unpacked(layout: layout, reference: "falcosecurity/falco-no-driver:latest")
        // The base's files, then ours.
        #expect(unpacked.exists("/usr/bin/dpkg"))
        #expect(unpacked.exists("/usr/bin/falco"))
        let annotations = try ImageTests.manifest(layout, "falcosecurity/falco-no-driver:latest")["annotations"] as? [String: String]
        #expect(annotations?["org.opencontainers.image.base.name"] == "example/base:1")

        let empty = work.file("scratch")
        let scratch = try image(["--name", "falco-no-driver", "--no-driver-base", "scratch"], out: empty)
        #expect(scratch.status == 0, "\(scratch.stderr)")
        let layers = try runChecked(["skopeo", "inspect", "oci:\(empty)/falco-\(Release.version)-images:falcosecurity/falco-no-driver:latest"]).stdout
        #expect(((try JSONSerialization.jsonObject(with: layers) as? [String: Any])?["Layers"] as? [Any])?.count == 2)
    }

    @Test func theDevelopmentChannelTagsMasterOnly() throws {
        let work = try TemporaryDirectory()
        let result = try image(["--name", "falco-no-driver", "--channel", "development"], out: work.file("dist"))
        #expect(result.status == 0, "\(result.stderr)")
        let index = try String(contentsOfFile: work.file("dist/falco-\(Release.version)-images/index.json"), encoding: .utf8)
        #expect(index.contains("\"falcosecurity/falco-no-driver:master\"") && !index.contains(":latest\""))
    }

    @Test func aMissingBase() throws {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        let result = try image(["--name", "falco-no-driver", "--no-driver-base", "oci:/nonexistent/layout:tag"], out: out)
        try expectRefused(result, status: 66, "--no-driver-base: input 'no-driver-base' (--no-driver-base): base image '/nonexistent/layout' does not exist", out: out)
    }

    @Test func aBaseTagThatDoesNotExist() throws {
        let work = try TemporaryDirectory()
        let out = work.file("dist")
        let base = "oci:\(repositoryRoot())/.cache/bases/tester:no-such-tag"
        let result = try image(["--name", "falco-no-driver", "--no-driver-base", base], out: out)
        try expectRefused(result, status: 66, "--no-driver-base: oci field base '\(base)': no image is tagged 'no-such-tag' (tags: tester)", out: out)
    }

    @Test func aBaseBlobWhoseBytesDoNotMatchItsDigest() throws {
        let work = try TemporaryDirectory()
        let copy = work.file("base")
        try runChecked(["cp", "-r", repositoryRoot() + "/.cache/bases/tester", copy])
        let layer = try #require(ImageTests.layers(try ImageTests.manifest(copy, "tester")).first)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: copy + "/blobs/sha256/" + layer.dropFirst(7)))
        try handle.seek(toOffset: 1000)
        try handle.write(contentsOf: Data([0x00, 0xFF, 0x00, 0xFF]))
        try handle.close()
        let out = work.file("dist")
        let result = try image(["--name", "falco-no-driver", "--no-driver-base", "oci:\(copy):tester"], out: out)
        try expectRefused(result, status: 66, "layer blob \(layer) does not match its digest or size: the base is damaged", out: out)
    }

    @Test func aBaseWhoseLayersAreMissingForOnePlatform() throws {
        let work = try TemporaryDirectory()
        let copy = work.file("base")
        try runChecked(["cp", "-r", repositoryRoot() + "/.cache/bases/tester", copy])
        let layer = try #require(ImageTests.layers(try ImageTests.manifest(copy, "tester", platform: "arm64")).first)
        try FileManager.default.removeItem(atPath: copy + "/blobs/sha256/" + layer.dropFirst(7))
        let out = work.file("dist")
        let result = try image(["--name", "falco-no-driver", "--no-driver-base", "oci:\(copy):tester"], out: out)
        try expectRefused(result, status: 66, ":tester': the linux/arm64 image's layer blob \(layer) is missing", out: out)
        // The amd64 image alone does not need it.
        let amd64 = try image(["--name", "falco-no-driver", "--no-driver-base", "oci:\(copy):tester", "--arch", "amd64"], out: out)
        #expect(amd64.status == 0, "\(amd64.stderr)")
    }

    @Test func anImageNamingAnUnknownLayer() throws {
        let work = try TemporaryDirectory()
        let spec = work.file("falco.yaml")
        let text = try String(contentsOfFile: repositoryRoot() + "/Specs/falco.yaml", encoding: .utf8)
            .replacingOccurrences(of: "    layers: [falco]\n", with: "    layers: [falco, falco-libs]\n")
            .replacingOccurrences(of: "default: ../", with: "default: \(repositoryRoot())/")
        try text.write(toFile: spec, atomically: true, encoding: .utf8)
        let out = work.file("dist")
        let result = try image(["--spec", spec, "--name", "falco-no-driver"], out: out)
        try expectRefused(result, status: 65, "falco.yaml:", out: out)
        #expect(result.stderr.contains(": images.falco-no-driver.layers[1]: no image-layers entry is named 'falco-libs' (layers: falco, "))
    }

    @Test func aFileCompressedForTheBinTarballIsNotCompressedAgainForALayer() throws {
        let work = try TemporaryDirectory()
        let cache = work.file("cache")
        // busybox: over 1 MiB, so it is a unit of its own in the tarball and in the layer, both gzip -9.
        let common = ["--version", Release.version, "--falco-bin", "/bin/busybox", "--cache-dir", cache]
        try runChecked([falcopackExecutable(), "tar", "--bin", "--out", work.file("tar")] + common)
        let images = try run([falcopackExecutable(), "image", "--name", "falco-no-driver", "--out", work.file("img")]
                             + common + (try ImageBases.flags()), in: repositoryRoot())
        #expect(images.status == 0, "\(images.stderr)")
        let counts = images.stderr.split(separator: "\n").last { $0.contains("units compressed") } ?? ""
        let reused = Int(counts.split(separator: " ").dropFirst(4).first ?? "") ?? 0
        #expect(reused >= 1, "\(counts)")
    }
}
