import Foundation
import Testing
import TestSupport

/// The block compressor's units compressed on several threads, once per build, and kept across builds with
/// --cache-dir: none of it changes a byte. busybox stands in for falco here, being an ELF over 1 MiB, so the
/// packages share a content unit.
@Suite(.serialized) struct UnitReuseTests {
    let directory: TemporaryDirectory
    let payloads: String

    init() throws {
        directory = try TemporaryDirectory()
        payloads = directory.file("payloads")
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/Payloads", toPath: payloads)
    }

    func build(_ name: String, _ extra: [String]) throws -> (sums: String, stderr: String) {
        let out = directory.file(name)
        let result = try falcopack(["all", "--version", "9.8.7", "--falco-bin", "/bin/busybox", "--payloads", payloads,
                                    "--out", out] + (try ImageBases.flags()) + extra)
        return (try String(contentsOfFile: out + "/SHA256SUMS", encoding: .utf8), result.stderr)
    }

    func units(_ stderr: String) -> (compressed: Int, reused: Int) {
        let words = stderr.split(separator: "\n").last { $0.contains("units compressed") }?.split(separator: " ") ?? []
        return (Int(words.dropFirst().first ?? "") ?? -1, Int(words.dropFirst(4).first ?? "") ?? -1)
    }

    @Test func threadsAndTheCacheNeverChangeTheBytes() throws {
        let serial = try build("serial", ["--jobs", "1"])
        // The four xz packages share busybox's unit: compressed once, reused three times.
        #expect(units(serial.stderr).reused >= 3, "\(serial.stderr)")

        let parallel = try build("parallel", ["--jobs", "2"])
        #expect(parallel.sums == serial.sums)

        let cache = directory.file("cache")
        let cold = try build("cold", ["--jobs", "2", "--cache-dir", cache])
        #expect(cold.sums == serial.sums)
        let warm = try build("warm", ["--jobs", "1", "--cache-dir", cache])
        #expect(warm.sums == serial.sums)
        #expect(units(warm.stderr).compressed == 0, "\(warm.stderr)")
        #expect(units(warm.stderr).reused == units(cold.stderr).compressed + units(cold.stderr).reused)

        // An edited configuration file: only the units holding it are compressed again, and the bytes are those
        // of a build without the cache.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: payloads + "/config/falco.yaml"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("# edited\n".utf8))
        try handle.close()
        let edited = try build("edited", ["--cache-dir", cache])
        let fresh = try build("fresh", [])
        #expect(edited.sums == fresh.sums)
        #expect(edited.sums != serial.sums)
        let recompressed = units(edited.stderr).compressed
        #expect(recompressed > 0 && recompressed < units(cold.stderr).compressed / 2, "\(edited.stderr)")
    }

    @Test func aDamagedCachedUnitIsCompressedAgain() throws {
        let cache = directory.file("cache")
        let cold = try build("cold", ["--cache-dir", cache])
        let enumerator = FileManager.default.enumerator(atPath: cache)
        var damaged = 0
        while let name = enumerator?.nextObject() as? String {
            let path = cache + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try handle.seek(toOffset: 60)
            try handle.write(contentsOf: Data([0xFF, 0x00, 0xFF]))
            try handle.close()
            damaged += 1
        }
        #expect(damaged > 0)
        let again = try build("again", ["--cache-dir", cache])
        #expect(again.sums == cold.sums)
        #expect(units(again.stderr).compressed == damaged, "\(again.stderr)")
    }

    @Test func anUnusableCacheFolderIsAnOutputError() throws {
        let blocker = directory.file("file")
        _ = FileManager.default.createFile(atPath: blocker, contents: Data())
        let result = try runIn(repositoryRoot(), [falcopackExecutable(), "all", "--falco-bin", "/bin/busybox",
                                                  "--out", directory.file("out"), "--cache-dir", blocker],
                               environment: try ImageBases.environment())
        #expect(result.status == 73)
        #expect(!FileManager.default.fileExists(atPath: directory.file("out")))
        #expect(result.stderr == "falcopack: error: cache folder '\(blocker)': exists and is not a folder (pass --cache-dir DIR)\n")
    }
}
