import Foundation
import FuzzHarness
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
        #expect(FuzzHarness.targets.keys.sorted() == ["apt-index", "compressed-index", "deb", "oci-archive", "openpgp", "rpm", "spec", "tar", "yum-index"])
    }

    @Test func everyKeptInputIsReadOrRefused() throws {
        for (target, file) in Self.inputs {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes.withUnsafeBytes { FuzzHarness.run(target, $0) }
        }
    }
}
