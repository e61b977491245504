import Foundation

/// The random moments of a test that kills: drawn from a seed that is logged, and that `FALCOPACK_KILL_SEED` gives
/// back, so a failure seen once can be replayed exactly.
public struct KillSeed: RandomNumberGenerator, CustomStringConvertible {
    public let seed: UInt64
    private var state: UInt64

    /// The seed from `FALCOPACK_KILL_SEED`, else a new one; printed either way.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        seed = environment["FALCOPACK_KILL_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        state = seed
        print("kill seed \(seed) (replay with FALCOPACK_KILL_SEED=\(seed))")
    }

    /// SplitMix64: small, and the same numbers from the same seed on every machine.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public var description: String { "FALCOPACK_KILL_SEED=\(seed)" }
}
