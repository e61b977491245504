import PackageModel
import Testing

@Suite struct BuildContextTests {
    @Test func sourceDateEpochWins() throws {
        let context = try BuildContext.fromEnvironment(["SOURCE_DATE_EPOCH": "1617235200"], fallback: 5)
        #expect(context.sourceDateEpoch == 1_617_235_200)
        #expect(context.owner == "root" && context.group == "root")
    }

    @Test func fallbackWithoutSourceDateEpoch() throws {
        #expect(try BuildContext.fromEnvironment([:], fallback: 42).sourceDateEpoch == 42)
    }

    @Test(arguments: ["", "-1", "12 34", "1.5", "yesterday", "１２"])
    func rejectsMalformedValues(value: String) {
        let error = #expect(throws: BuildContext.InvalidSourceDateEpoch.self) {
            try BuildContext.fromEnvironment(["SOURCE_DATE_EPOCH": value], fallback: 0)
        }
        #expect(error?.description.hasPrefix("SOURCE_DATE_EPOCH '\(value)'") == true)
    }
}
