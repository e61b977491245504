/// CRC-64/XZ of two byte runs joined, from the CRC of each and the second's length: an xz block's check when
/// its units were compressed apart. zlib's `crc32_combine` method: appending n zero bits to the first run
/// is a linear map over GF(2), applied by repeated squaring of the one-zero-bit matrix.
enum CRC64 {
    /// The reflected ECMA-182 polynomial, as liblzma's `lzma_crc64` uses it.
    static let polynomial: UInt64 = 0xC96C_5795_D787_0F42

    static func combine(_ first: UInt64, _ second: UInt64, secondLength: UInt64) -> UInt64 {
        guard secondLength > 0 else { return first }
        var odd = [UInt64](repeating: 0, count: 64)    // one zero bit
        odd[0] = polynomial
        for bit in 1..<64 { odd[bit] = 1 << UInt64(bit - 1) }
        var even = square(odd)                          // two zero bits
        odd = square(even)                              // four zero bits
        var crc = first
        var length = secondLength
        // Each pass squares once more: the first applies one zero byte (eight bits), the next two, then four...
        while true {
            even = square(odd)
            if length & 1 != 0 { crc = times(even, crc) }
            length >>= 1
            if length == 0 { break }
            odd = square(even)
            if length & 1 != 0 { crc = times(odd, crc) }
            length >>= 1
            if length == 0 { break }
        }
        return crc ^ second
    }

    private static func times(_ matrix: [UInt64], _ vector: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        var rest = vector
        var row = 0
        while rest != 0 {
            if rest & 1 != 0 { sum ^= matrix[row] }
            rest >>= 1
            row += 1
        }
        return sum
    }

    private static func square(_ matrix: [UInt64]) -> [UInt64] {
        matrix.map { times(matrix, $0) }
    }
}
