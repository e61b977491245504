import Foundation
import Testing
import TestSupport
@testable import DebFormat

/// Debian's version order (tildes, epochs, revisions, letters against digits) on a table of known answers that
/// the test checks against `dpkg --compare-versions` itself, so neither the table nor the code can drift alone.
@Suite struct DebVersionOrderTests {
    static let vectors = VersionVectors.read(#filePath, "version-order.txt")

    @Test func theTableHoldsFiftyPairsAndDpkgAgreesWithEveryOne() throws {
        #expect(Self.vectors.count >= 50)
        for vector in Self.vectors {
            let relation = ["-1": "lt", "0": "eq", "1": "gt"][String(vector.order)]!
            let dpkg = try run(["dpkg", "--compare-versions", vector.a, relation, vector.b])
            #expect(dpkg.status == 0, "dpkg says \(vector.a) is not \(relation) \(vector.b)")
        }
    }

    @Test func falcopackOrdersEveryPairAsTheTableSays() {
        for vector in Self.vectors {
            #expect(DebVersionOrder.compare(vector.a, vector.b).signum() == vector.order, "\(vector.a) vs \(vector.b)")
            #expect(DebVersionOrder.compare(vector.b, vector.a).signum() == -vector.order, "\(vector.b) vs \(vector.a)")
        }
    }
}
