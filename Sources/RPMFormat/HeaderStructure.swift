/// The data types of header entries (rpm `format_header.md`, `lib/header.c`).
public enum HeaderType: UInt32, Sendable {
    case char = 1, int8 = 2, int16 = 3, int32 = 4, int64 = 5, string = 6, bin = 7, stringArray = 8, i18nString = 9

    /// Alignment of the type's data from the start of the data store.
    var alignment: Int {
        switch self {
        case .int16: 2
        case .int32: 4
        case .int64: 8
        default: 1
        }
    }
}

/// A header tag: its number and the type rpm's reader insists on for it.
public struct HeaderTag: Hashable, Sendable, Comparable {
    public let number: UInt32
    public let type: HeaderType

    public init(_ number: UInt32, _ type: HeaderType) {
        self.number = number
        self.type = type
    }

    public static func < (lhs: HeaderTag, rhs: HeaderTag) -> Bool { lhs.number < rhs.number }
}

/// The value of one entry. Its case must match the tag's type.
public enum HeaderValue: Hashable, Sendable {
    case int16([UInt16])
    case int32([UInt32])
    case int64([UInt64])
    case string(String)
    case bin([UInt8])
    case stringArray([String])
    case i18nString(String)

    var type: HeaderType {
        switch self {
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .string: .string
        case .bin: .bin
        case .stringArray: .stringArray
        case .i18nString: .i18nString
        }
    }

    /// The index entry's count: elements for arrays, bytes for BIN, 1 for a string.
    var count: UInt32 {
        switch self {
        case .int16(let v): UInt32(v.count)
        case .int32(let v): UInt32(v.count)
        case .int64(let v): UInt32(v.count)
        case .bin(let v): UInt32(v.count)
        case .stringArray(let v): UInt32(v.count)
        case .string, .i18nString: 1
        }
    }

    func appendData(to data: inout [UInt8]) {
        switch self {
        case .int16(let values): for v in values { data.appendBigEndian(v) }
        case .int32(let values): for v in values { data.appendBigEndian(v) }
        case .int64(let values): for v in values { data.appendBigEndian(v) }
        case .bin(let bytes): data += bytes
        case .string(let s), .i18nString(let s): data += Array(s.utf8) + [0]
        case .stringArray(let strings): for s in strings { data += Array(s.utf8) + [0] }
        }
    }
}

/// An RPM header: `8E AD E8 01`, four reserved bytes, the index entry count and data size, the index sorted by
/// tag, then the data store. Entry 0 is the region tag (62 for the signature header, 63 for the main header)
/// whose 16-byte trailer closes the data store and covers the whole header, as rpm's `hdrblobVerifyRegion`
/// requires.
public struct Header: Sendable {
    public static let magic: [UInt8] = [0x8E, 0xAD, 0xE8, 0x01, 0, 0, 0, 0]
    public static let signatureRegion: UInt32 = 62
    public static let immutableRegion: UInt32 = 63

    private var entries: [HeaderTag: HeaderValue] = [:]

    public init() {}

    public subscript(tag: HeaderTag) -> HeaderValue? {
        get { entries[tag] }
        set {
            if let newValue {
                // String types may stand in for each other in the reader; any other mismatch is a bug here.
                let compatible = newValue.type == tag.type
                    || ([.string, .stringArray, .i18nString].contains(tag.type)
                        && [.string, .stringArray, .i18nString].contains(newValue.type))
                precondition(compatible, "header tag \(tag.number) is \(tag.type), not \(newValue.type)")
            }
            entries[tag] = newValue
        }
    }

    /// The header's bytes, from the magic to the end of its data.
    public func serialized(region: UInt32) -> [UInt8] {
        let sorted = entries.sorted { $0.key < $1.key }
        let indexCount = UInt32(sorted.count + 1)
        var data: [UInt8] = []
        var index: [UInt8] = []
        for (tag, value) in sorted {
            let alignment = value.type.alignment
            while data.count % alignment != 0 { data.append(0) }
            index.appendBigEndian(tag.number)
            index.appendBigEndian(value.type.rawValue)
            index.appendBigEndian(UInt32(data.count))
            index.appendBigEndian(value.count)
            value.appendData(to: &data)
        }
        // Region entry first in the index; its trailer is the last 16 bytes of the data store.
        var regionEntry: [UInt8] = []
        regionEntry.appendBigEndian(region)
        regionEntry.appendBigEndian(HeaderType.bin.rawValue)
        regionEntry.appendBigEndian(UInt32(data.count))
        regionEntry.appendBigEndian(UInt32(16))
        data.appendBigEndian(region)
        data.appendBigEndian(HeaderType.bin.rawValue)
        data.appendBigEndian(UInt32(bitPattern: -16 * Int32(indexCount)))
        data.appendBigEndian(UInt32(16))

        var bytes = Self.magic
        bytes.appendBigEndian(indexCount)
        bytes.appendBigEndian(UInt32(data.count))
        bytes += regionEntry
        bytes += index
        bytes += data
        return bytes
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
