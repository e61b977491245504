import Foundation
import Testing
import TestSupport

/// docs/migration.md's Helm chart of the 0.28 era with the split images: falco-driver-loader as the init container
/// (`bpf`), then falco-no-driver with the chart's arguments and environment, the two sharing `/root/.falco` as the
/// chart's emptyDir, both under runc. The loader runs against the simulated host of the test bases, whose network
/// has the probe published.
@Suite(.serialized) struct MigrationTests {
    let release: Release
    let v = Release.version

    init() throws { release = try Release.shared.get() }

    /// The falco container of chart falco-1.11.1, with eBPF on.
    static let chartArguments = ["/usr/bin/falco", "--cri", "/run/containerd/containerd.sock", "-K",
                                 "/var/run/secrets/kubernetes.io/serviceaccount/token", "-k",
                                 "https://$(KUBERNETES_SERVICE_HOST)", "-pk"]
    static let chartEnvironment = ["FALCO_BPF_PROBE": ""]

    @Test func theChartsInitContainerAndFalcoNoDriverShareTheProbe() throws {
        let work = try TemporaryDirectory()
        let driverFS = work.file("driver-fs"), state = work.file("stub")
        // The probe for the test bases' host (Debian, kernel 5.15.0-56-generic, #62), where the loader downloads it.
        let probe = state + "/network/download.falco.org/driver/\(Release.driverVersion)/x86_64/scap_debian_\(FakeHost.kernel)_62.o"
        try FileManager.default.createDirectory(atPath: (probe as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: driverFS, withIntermediateDirectories: true)
        try Data("probe".utf8).write(to: URL(fileURLWithPath: probe))

        let loader = try ImageTests.Unpacked(layout: release.layout, reference: "falcosecurity/falco-driver-loader:\(v)")
        let initContainer = try loader.runc(try loader.entrypoint() + ["bpf"],
                                            mounts: [(driverFS, "/root/.falco"), (state, "/stub")])
        #expect(initContainer.status == 0, "\(initContainer.output) \(initContainer.stderr)")
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: driverFS + "/falco-bpf.o")
        #expect(link.hasSuffix("/scap_debian_\(FakeHost.kernel)_62.o"), "\(link)")

        let falco = try ImageTests.Unpacked(layout: release.layout, reference: "falcosecurity/falco-no-driver:\(v)")
        // falco-no-driver has no entrypoint script: the chart's arguments are the command, as they were with 0.28.
        #expect(try falco.entrypoint().isEmpty)
        let chart = try falco.runc(Self.chartArguments, environment: Self.chartEnvironment, mounts: [(driverFS, "/root/.falco")])
        // The demo's stand-in falco says what it was given; Falco would read the probe the loader left.
        #expect(chart.stderr.contains("falco \(v): this is the falcopack demo stand-in"), "\(chart.stderr)")
        let sees = try falco.runc(["sh", "-c", "test \"$(cat /root/.falco/falco-bpf.o)\" = probe && echo \"FALCO_BPF_PROBE=[$FALCO_BPF_PROBE]\""],
                                  environment: Self.chartEnvironment, mounts: [(driverFS, "/root/.falco")])
        #expect(sees.status == 0 && sees.output == "FALCO_BPF_PROBE=[]\n", "\(sees.output) \(sees.stderr)")

        // The falco image as it is: its entrypoint runs the loader, then the chart's arguments.
        let whole = try ImageTests.Unpacked(layout: release.layout, reference: "falcosecurity/falco:\(v)")
        let fresh = work.file("fresh")
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let single = try whole.runc(try whole.entrypoint() + Self.chartArguments, environment: Self.chartEnvironment,
                                    mounts: [(fresh, "/root/.falco"), (state, "/stub")])
        #expect(single.stderr.contains("falco \(v): this is the falcopack demo stand-in"), "\(single.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: fresh + "/falco-bpf.o").hasSuffix("_62.o"))
    }
}
