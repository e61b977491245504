import RPMFormat
import Testing

@Suite struct HeaderTests {
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.filter { !$0.isWhitespace })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    @Test func oneStringKnownAnswer() {
        var header = Header()
        header[HeaderTag(1000, .string)] = .string("a")
        let expected = Self.hex("""
            8eade801 00000000 00000002 00000012
            0000003f 00000007 00000002 00000010
            000003e8 00000006 00000000 00000001
            6100
            0000003f 00000007 ffffffe0 00000010
            """)
        #expect(header.serialized(region: Header.immutableRegion) == expected)
    }

    @Test func regionTrailerMatchesRpmbuild() {
        // rpmbuild's main header with 59 tags plus the region: trailer 0000003f 00000007 fffffc40 00000010.
        var header = Header()
        for number in 1000..<1059 { header[HeaderTag(UInt32(number), .int32)] = .int32([1]) }
        let bytes = header.serialized(region: Header.immutableRegion)
        #expect(Array(bytes.suffix(16)) == Self.hex("0000003f 00000007 fffffc40 00000010"))
    }

    @Test func integersAreAlignedAndSortedByTag() {
        var header = Header()
        header[HeaderTag(1030, .int16)] = .int16([0o100644, 0o40755])
        header[HeaderTag(1004, .i18nString)] = .i18nString("abc")
        header[HeaderTag(5009, .int64)] = .int64([1 << 33])
        header[HeaderTag(1028, .int32)] = .int32([7])
        let bytes = header.serialized(region: Header.immutableRegion)
        let indexCount = 5
        let index = Array(bytes[16..<(16 + 16 * indexCount)])
        func word(_ at: Int) -> Int {
            index[at..<(at + 4)].reduce(0) { ($0 << 8) | Int($1) }
        }
        let tags: [Int] = stride(from: 0, to: index.count, by: 16).map { word($0) }
        #expect(tags == [63, 1004, 1028, 1030, 5009])
        // "abc\0" at 0, INT32 aligned to 4, INT16 pair at 8, INT64 aligned to 16.
        let offsets: [Int] = stride(from: 16, to: index.count, by: 16).map { word($0 + 8) }
        #expect(offsets == [0, 4, 8, 16])
        let data = Array(bytes[(16 + 16 * indexCount)...])
        #expect(Array(data[0..<4]) == Array("abc\0".utf8))
        #expect(Array(data[4..<8]) == [0, 0, 0, 7])
        #expect(Array(data[8..<12]) == [0x81, 0xa4, 0x41, 0xed])
        #expect(Array(data[12..<16]) == [0, 0, 0, 0])
        #expect(Array(data[16..<24]) == [0, 0, 0, 2, 0, 0, 0, 0])
    }
}
