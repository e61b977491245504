/// Deterministic test payloads: compressible text mixed with incompressible noise, so codecs do real work.
public enum SampleData {
    public static func bytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count)
        let words = Array("falco driver module probe syscall kernel event rule output ".utf8)
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            if state % 4 == 0 {
                // A run of noise.
                for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
                    out.append(UInt8(truncatingIfNeeded: state >> UInt64(shift)))
                }
            } else {
                let start = Int(state % UInt64(words.count))
                for i in 0..<16 where out.count < count {
                    out.append(words[(start + i) % words.count])
                }
            }
        }
        return out
    }
}
