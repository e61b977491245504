import PackageModel
import Testing

/// An epoch is the number before a version's first `:`; anything else before it is part of the version, as rpm and
/// dpkg would refuse it there.
@Suite struct PackageVersionTests {
    @Test(arguments: [("2:1.0", 2 as UInt?, "1.0"), ("0:1.0-1", 0, "1.0-1"), ("1.0", nil, "1.0"),
                      ("+1:2.0", nil, "+1:2.0"), ("a:1.0", nil, "a:1.0"), (":1.0", nil, ":1.0"), ("１:1.0", nil, "１:1.0")])
    func splittingEpoch(_ text: String, _ epoch: UInt?, _ version: String) {
        let split = PackageVersion.splittingEpoch(text)
        #expect(split.epoch == epoch && split.version == version)
    }
}
