import Foundation
import Testing
import TestSupport

/// `falcopack merge`: the halves of a release built one architecture per machine, joined into the release one
/// build of both writes (the same SHA256SUMS, the same tree, byte for byte), with nothing compressed again; and every
/// pair that cannot be joined refused in one line with nothing written.
@Suite(.serialized) struct MergeTests {
    let release: Release
    let key: SigningKey
    let v = Release.version

    init() throws {
        release = try Release.shared.get()
        key = try SigningKey.shared.get()
    }

    /// One architecture's half of the shared release, built as it was.
    func half(_ architecture: String, in work: TemporaryDirectory) throws -> String {
        let out = work.file("dist-" + architecture)
        try falcopack(["all", "--arch", architecture, "--version", v, "--falco-bin", release.falcoBinary,
                       "--falco-bin", "arm64=" + release.falcoBinaryArm64, "--out", out] + (try ImageBases.flags()) + key.flags)
        return out
    }

    func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    @Test func theHalvesJoinIntoTheReleaseOneBuildWrites() throws {
        let work = try TemporaryDirectory()
        let amd64 = try half("amd64", in: work), arm64 = try half("arm64", in: work)
        // Each half is the release of its architecture.
        let verified = try falcopack(["verify", arm64, "--public-key", key.publicKey])
        #expect(verified.output.contains("artifacts follow the convention for version \(v), aarch64 only"), "\(verified.output)")

        let merged = work.file("dist")
        try falcopack(["merge", arm64, amd64, "--out", merged] + key.flags)
        let sums = try String(contentsOfFile: merged + "/SHA256SUMS", encoding: .utf8)
        #expect(sums == (try String(contentsOfFile: release.path("SHA256SUMS"), encoding: .utf8)))
        let tree = try run(["diff", "-r", release.dist, merged])
        #expect(tree.status == 0, "\(tree.output)")
        #expect(try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: merged).output.split(separator: "\n").count == 20)
        // Nothing compressed again: the packages and the layers are the halves' own files.
        #expect(inode(merged + "/falco-\(v)-module-arm64.deb") == inode(arm64 + "/falco-\(v)-module-arm64.deb"))
        let layer = ImageTests.layers(try ImageTests.manifest(merged + "/falco-\(v)-images", "falcosecurity/falco:\(v)", platform: "arm64"))[1]
        let blob = "/falco-\(v)-images/blobs/sha256/" + layer.dropFirst("sha256:".count)
        #expect(inode(merged + blob) == inode(arm64 + blob))
        #expect(try falcopack(["verify", merged, "--public-key", key.publicKey]).output.contains("19 artifacts follow the convention"))

        // A layer blob changed in a half's layout (which SHA256SUMS does not cover) is found as it is linked.
        let tampered = work.file("tampered")
        try runChecked(["cp", "-a", arm64, tampered])
        let tamperedBlob = tampered + blob
        var bytes = try Data(contentsOf: URL(fileURLWithPath: tamperedBlob))
        bytes[bytes.count / 2] ^= 0x01
        try runChecked(["rm", tamperedBlob])
        try bytes.write(to: URL(fileURLWithPath: tamperedBlob))
        let refusedOut = work.file("refused")
        let refused = try run([falcopackExecutable(), "merge", amd64, tampered, "--out", refusedOut] + key.flags, in: repositoryRoot())
        #expect(refused.status == 66, "\(refused.stderr)")
        #expect(refused.stderr.contains("blob \(layer) holds other bytes than its digest says: the release is damaged"), "\(refused.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: refusedOut)) ?? []).isEmpty)

        // A release whose images hold one platform of two is found out.
        let mixed = work.file("mixed")
        try runChecked(["cp", "-a", merged, mixed])
        try runChecked(["rm", "-rf", mixed + "/falco-\(v)-images"])
        try runChecked(["cp", "-a", amd64 + "/falco-\(v)-images", mixed + "/falco-\(v)-images"])
        let halfImages = try run([falcopackExecutable(), "verify", mixed], in: repositoryRoot())
        #expect(halfImages.status == 1)
        #expect(halfImages.stderr.contains("falcosecurity/falco:\(v) names linux/amd64; the release holds linux/amd64, linux/arm64"), "\(halfImages.stderr)")

        // publish takes the two halves at once, as the release they join into.
        let together = work.file("repo-halves"), whole = work.file("repo-whole")
        try falcopack(["publish", amd64, arm64, "--repo", together] + key.flags)
        try falcopack(["publish", merged, "--repo", whole] + key.flags)
        let files = try run(["diff", "-r", together + "/files", whole + "/files"])
        #expect(files.status == 0, "\(files.output)")
        let packages = try run(["diff", "-r", together + "/deb/pool", whole + "/deb/pool"])
        #expect(packages.status == 0, "\(packages.output)")
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var message: String
        var testDescription: String { name }
    }

    /// Small releases (no images) of the spec, unsigned unless `signed`.
    final class Halves {
        let work: TemporaryDirectory
        let spec: String
        init() throws {
            work = try TemporaryDirectory()
            spec = work.file("small.yaml")
            try specWithoutImages().write(toFile: spec, atomically: true, encoding: .utf8)
        }

        func build(_ name: String, _ arguments: [String]) throws -> String {
            let out = work.file(name)
            try falcopack(["all", "--spec", spec, "--out", out] + arguments)
            return out
        }
    }

    @Test func whatCannotBeJoinedIsRefusedWithNothingWritten() throws {
        let halves = try Halves()
        let amd64 = try halves.build("amd64", ["--arch", "amd64"])
        let arm64 = try halves.build("arm64", ["--arch", "arm64"])
        let other = try halves.build("other-version", ["--arch", "arm64", "--version", "1.2.3"])
        let sources = halves.work.file("driver")
        try runChecked(["cp", "-a", repositoryRoot() + "/.cache/scap/driver", sources])
        try "/* another line */\n".write(toFile: sources + "/extra.h", atomically: true, encoding: .utf8)
        let otherSources = try halves.build("other-sources", ["--arch", "arm64", "--driver-src", sources])
        let damaged = halves.work.file("damaged")
        try runChecked(["cp", "-a", arm64, damaged])
        try runChecked(["sh", "-c", "printf x >> '\(damaged)/falco-0.28.1-bin-aarch64.tar.gz'"])
        let signed = try halves.build("signed", ["--arch", "arm64"] + key.flags)

        let cases: [([String], String)] = [
            ([amd64, amd64], "\(amd64): holds x86_64, as \(amd64) does: merge joins one release per architecture"),
            ([amd64, other], "\(other): is version 1.2.3, \(amd64) is 0.28.1: merge joins the halves of one release"),
            ([amd64, otherSources], "\(otherSources): falco-0.28.1-src-x86.tar.gz differs from \(amd64)'s: the releases were built from other sources or another spec"),
            ([amd64, damaged], "\(damaged): does not verify (falco-0.28.1-bin-aarch64.tar.gz: SHA-256 is"),
            ([amd64, signed], "\(signed): is signed: pass the key that signed it"),
            ([amd64, "/nonexistent/dist"], "/nonexistent/dist: cannot be listed:"),
            ([amd64], "give two release folders or more"),
        ]
        for (folders, message) in cases {
            let out = halves.work.file("out-\(UUID().uuidString.prefix(6))")
            let result = try runIn(repositoryRoot(), [falcopackExecutable(), "merge", "--spec", halves.spec] + folders + ["--out", out],
                                   environment: ProcessInfo.processInfo.environment.filter { $0.key != "FALCOPACK_SIGNING_KEY" })
            #expect(result.status == (folders.count < 2 ? 64 : 66), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            // A usage error comes with ArgumentParser's usage lines; every refusal of releases is one line.
            if folders.count >= 2 { #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)") }
            let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(left.isEmpty, "left behind: \(left)")
        }
        // The two unsigned halves of the small spec do join.
        let joined = halves.work.file("joined")
        try falcopack(["merge", "--spec", halves.spec, amd64, arm64, "--out", joined])
        let whole = try halves.build("whole", [])
        #expect(try String(contentsOfFile: joined + "/SHA256SUMS", encoding: .utf8) == (try String(contentsOfFile: whole + "/SHA256SUMS", encoding: .utf8)))
    }
}
