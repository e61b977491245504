import Foundation
import Testing
import TestSupport

/// A 5 GiB falco (sparse zeros, with fast codecs to keep it quick) through the whole release: dpkg, rpm, GNU tar,
/// bsdtar and umoci take every artifact with the file whole, and falcopack's memory stays what it is at 100 MB.
@Suite(.serialized) struct HugeFileTests {
    static let size: UInt64 = 5 << 30

    @Test func aFiveGiBFalcoEndToEnd() throws {
        let work = try TemporaryDirectory()
        let shell = try ImageBases.shell.get()
        /// Builds the release around a sparse falco of `size` bytes; returns the output folder and peak memory (KB).
        func build(size: UInt64, name: String) throws -> (out: String, peakKB: Int) {
            let falco = work.file("falco-\(name)")
            try runChecked(["truncate", "-s", String(size), falco])
            try runChecked(["chmod", "755", falco])
            let out = work.file("dist-\(name)"), timing = work.file("time-\(name)")
            let started = Date()
            let result = try run(["/usr/bin/time", "-f", "%M", "-o", timing, falcopackExecutable(), "all", "--falco-bin", "x86_64=" + falco, "--arch", "x86_64",
                                  "--compression", "zstd:1", "--out", out, "--falco-base", shell, "--no-driver-base", shell,
                                  "--builder-base", shell, "--tester-base", shell, "--falcopack-bin", falcopackExecutable()],
                                 in: repositoryRoot())
            #expect(result.status == 0, "\(result.stderr)")
            let peakKB = Int(try String(contentsOfFile: timing, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                .split(separator: "\n").last ?? "0") ?? 0
            print("falcopack all with a \(name) falco: \(Int(Date().timeIntervalSince(started))) s, peak \(peakKB / 1024) MB")
            return (out, peakKB)
        }
        let small = try build(size: 100 << 20, name: "100MiB")
        let (out, peakKB) = try build(size: Self.size, name: "5GiB")
        // Memory does not grow with the file: within a quarter (and 32 MB of slack) of the 100 MiB build's.
        #expect(peakKB <= small.peakKB * 5 / 4 + 32 * 1024, "peak \(peakKB / 1024) MB at 5 GiB, \(small.peakKB / 1024) MB at 100 MiB")

        // dpkg installs it (its scripts run against the stub host) and dpkg -V finds nothing changed.
        let environment = ["HOME": "/root", "TMPDIR": "/tmp"]
        do {
            let directory = try TemporaryDirectory()
            let root = try DpkgRoot(in: directory)
            try root.simulateHost(headers: false)
            try root.publishProbe()
            let install = try root.dpkg(["--force-depends", "-i", out + "/falco-0.28.1-bpf-amd64.deb"], environment: environment)
            #expect(install.status == 0, "\(install.stderr)")
            #expect(try Self.size(of: root.path + "/usr/bin/falco") == Self.size)
            let verify = try root.dpkg(["-V", "falco-bpf"])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output) \(verify.stderr)")
        }

        // rpm: digests, install, verify.
        let rpm = out + "/falco-0.28.1-bpf-x86_64.rpm"
        #expect(try runChecked(["rpm", "-K", "--nosignature", rpm]).output.contains("digests OK"))
        do {
            let directory = try TemporaryDirectory()
            let root = try RPMRoot(in: directory, shell: true)
            try root.simulateHost(headers: false)
            try root.publishProbe()
            let install = try root.rpm(["--nodeps", "-i", rpm], environment: environment)
            #expect(install.status == 0, "\(install.stderr)")
            #expect(try Self.size(of: root.path + "/usr/bin/falco") == Self.size)
            let verify = try root.rpm(["-V", "--nodeps", "falco-bpf"])
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output) \(verify.stderr)")
        }

        // The bin tarball: GNU tar and bsdtar list the size and extract the whole file (to a pipe).
        let tarball = out + "/falco-0.28.1-bin-x86.tar.gz"
        let member = "falco-0.28.1-bin-x86/usr/bin/falco"
        #expect(try runChecked(["tar", "-tvzf", tarball]).output.contains(" \(Self.size) "), "GNU tar lists the size")
        #expect(try runChecked(["bsdtar", "-tvf", tarball]).output.contains(" \(Self.size) "), "bsdtar lists the size")
        for tool in ["tar -xzOf", "bsdtar -xOf"] {
            let extracted = try runChecked(["sh", "-c", "\(tool) \"$1\" \"$2\" | wc -c", "sh", tarball, member]).output
            #expect(UInt64(extracted.trimmingCharacters(in: .whitespacesAndNewlines)) == Self.size, "\(tool): \(extracted)")
        }

        // The falco-no-driver image: umoci unpacks its layer with the whole file.
        let bundle = work.file("bundle")
        try runChecked(["umoci", "unpack", "--image", out + "/falco-0.28.1-images:falcosecurity/falco-no-driver:0.28.1", bundle])
        #expect(try Self.size(of: bundle + "/rootfs/usr/bin/falco") == Self.size)
    }

    static func size(of path: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
