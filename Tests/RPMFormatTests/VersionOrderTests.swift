import Foundation
import Testing
import TestSupport
@testable import RPMFormat

/// rpm's version order (tildes, carets, letters against digits, leading zeros, separators) on a table of known
/// answers that the test checks against rpm's own comparison, `rpm.vercmp` in rpm's Lua, in one run of rpm.
@Suite struct RPMVersionOrderTests {
    static let vectors = VersionVectors.read(#filePath, "version-order.txt")

    @Test func theTableHoldsFiftyPairsAndRpmAgreesWithEveryOne() throws {
        #expect(Self.vectors.count >= 50)
        let script = Self.vectors.map { "print(rpm.vercmp(\"\($0.a)\", \"\($0.b)\") .. \"\\n\")" }.joined(separator: " ")
        let answers = try runChecked(["rpm", "--eval", "%{lua: \(script)}"]).output
            .split(separator: "\n").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        #expect(answers.count == Self.vectors.count, "\(answers)")
        for (vector, answer) in zip(Self.vectors, answers) {
            #expect(answer == vector.order, "rpm says \(vector.a) vs \(vector.b) is \(answer.map(String.init) ?? "?")")
        }
    }

    @Test func falcopackOrdersEveryPairAsTheTableSays() {
        for vector in Self.vectors {
            #expect(RPMVersionOrder.rpmvercmp(vector.a, vector.b).signum() == vector.order, "\(vector.a) vs \(vector.b)")
            #expect(RPMVersionOrder.rpmvercmp(vector.b, vector.a).signum() == -vector.order, "\(vector.b) vs \(vector.a)")
        }
    }
}
