import Foundation
import FuzzHarness
import SBOM
import Testing
import TestSupport

/// Every input a fuzzer ever failed on (Tests/FuzzRegressions/TARGET/), replayed through the same reader in an
/// ordinary build: each must now be refused or read, never crash.
@Suite struct ReplayTests {
    static let folder = repositoryRoot() + "/Tests/FuzzRegressions"

    static var inputs: [(target: String, file: String)] {
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + target)) ?? []).sorted()
                .filter { !$0.hasPrefix(".") }.map { (target, folder + "/" + target + "/" + $0) }
        }
    }

    @Test func everyTargetIsKnown() {
        for (target, file) in Self.inputs { #expect(FuzzHarness.targets[target] != nil, "\(file)") }
        #expect(FuzzHarness.targets.keys.sorted() == ["apt-index", "compressed-index", "deb", "nfpm", "oci-archive", "openpgp", "publish", "rpm",
                                                      "sbom", "spec", "tar", "yum-index"])
    }

    /// The sbom target's seed reads back as the items it was written from.
    @Test func theBillOfMaterialsSeedReadsBack() throws {
        let seed = try #require(try FuzzHarness.seed("sbom"))
        let items = try SPDXDocument.items(of: seed)
        #expect(items.map(\.name) == ["falco-1.0-bpf-amd64.deb", "falco-1.0-images.tar", "falcosecurity/falco:1.0 linux/arm64"])
        #expect(items[0].files.map(\.path) == ["usr/bin/falco"] && items[0].purl == "pkg:deb/falco-bpf@1.0?arch=amd64")
        #expect(items[2].containedBy == "falco-1.0-images.tar" && items[2].base?.reference == "tester" && items[2].kind == .container)
    }

    @Test func everyKeptInputIsReadOrRefused() throws {
        for (target, file) in Self.inputs {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes.withUnsafeBytes { FuzzHarness.run(target, $0) }
        }
    }

    /// The publish target drives the whole update path: its seed (the indexes as published) publishes the second
    /// release, with --keep; a broken index in it is refused by name.
    @Test func thePublishTargetPublishesThroughTheIndexesItIsGiven() throws {
        let seed = try #require(try FuzzHarness.seed("publish"))
        #expect(try FuzzHarness.publish(seed) == ["1.0.1"])
        #expect(try FuzzHarness.publish([1] + seed.dropFirst()) == ["1.0.1"], "--keep 1")
        let broken = Array(String(decoding: seed, as: UTF8.self).replacingOccurrences(of: "\nSize: ", with: "\nSize: x").utf8)
        #expect(throws: (any Error).self) { try FuzzHarness.publish(broken) }
        do {
            _ = try FuzzHarness.publish(broken)
        } catch {
            #expect("\(error)".contains("Packages: Size: 'x"), "\(error)")
        }
        seed.withUnsafeBytes { FuzzHarness.run("publish", $0) }
    }
}
