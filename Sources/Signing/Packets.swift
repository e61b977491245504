/// OpenPGP packets (RFC 4880 section 4): a tag and a body. Read in either header format; written in the old one,
/// as gpg writes keys and signatures, which every verifier reads.
public struct Packet: Hashable, Sendable {
    public enum Tag: UInt8, Sendable {
        case signature = 2
        case onePassSignature = 4
        case secretKey = 5
        case publicKey = 6
        case secretSubkey = 7
        case compressedData = 8
        case literalData = 11
        case trust = 12
        case userID = 13
        case publicSubkey = 14
    }

    public var tag: UInt8
    public var body: [UInt8]

    public init(tag: UInt8, body: [UInt8]) {
        self.tag = tag
        self.body = body
    }

    public init(_ tag: Tag, _ body: [UInt8]) {
        self.init(tag: tag.rawValue, body: body)
    }

    public var known: Tag? { Tag(rawValue: tag) }

    /// The packet with its header: old format, the shortest length that holds the body.
    public var bytes: [UInt8] {
        var out: [UInt8]
        let count = body.count
        if count < 0x100 {
            out = [0x80 | tag << 2, UInt8(count)]
        } else if count < 0x10000 {
            out = [0x80 | tag << 2 | 1, UInt8(count >> 8), UInt8(count & 0xFF)]
        } else {
            out = [0x80 | tag << 2 | 2] + UInt32(count).bigEndianBytes
        }
        return out + body
    }

    /// Every packet of `bytes`, in order. Lengths are checked against what is there: a length field never makes
    /// the reader allocate or read past the input.
    public static func parse(_ bytes: [UInt8]) throws -> [Packet] {
        var packets: [Packet] = []
        var at = 0
        func need(_ count: Int) throws {
            guard count >= 0, at + count <= bytes.count else { throw OpenPGPError.malformed("a packet runs past the end") }
        }
        while at < bytes.count {
            let first = bytes[at]
            guard first & 0x80 != 0 else { throw OpenPGPError.malformed("byte \(at) is not a packet header") }
            at += 1
            var tag: UInt8
            var body: [UInt8] = []
            if first & 0x40 != 0 {
                tag = first & 0x3F
                // New format, possibly in partial-length chunks.
                while true {
                    try need(1)
                    let octet = Int(bytes[at])
                    at += 1
                    var length: Int
                    var partial = false
                    if octet < 192 {
                        length = octet
                    } else if octet < 224 {
                        try need(1)
                        length = ((octet - 192) << 8) + Int(bytes[at]) + 192
                        at += 1
                    } else if octet == 255 {
                        try need(4)
                        length = Int(UInt32(bigEndian: bytes[at..<at + 4]))
                        at += 4
                    } else {
                        length = 1 << (octet & 0x1F)
                        partial = true
                    }
                    try need(length)
                    body += bytes[at..<at + length]
                    at += length
                    if !partial { break }
                }
            } else {
                tag = (first >> 2) & 0x0F
                let lengthType = first & 0x03
                var length: Int
                switch lengthType {
                case 0:
                    try need(1)
                    length = Int(bytes[at])
                    at += 1
                case 1:
                    try need(2)
                    length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
                    at += 2
                case 2:
                    try need(4)
                    length = Int(UInt32(bigEndian: bytes[at..<at + 4]))
                    at += 4
                default:
                    length = bytes.count - at
                }
                try need(length)
                body = Array(bytes[at..<at + length])
                at += length
            }
            packets.append(Packet(tag: tag, body: body))
        }
        return packets
    }
}

/// A key, signature or message that cannot be used, and why.
public enum OpenPGPError: Error, CustomStringConvertible, Sendable {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed OpenPGP data: \(reason)"
        case .unsupported(let reason): "unsupported: \(reason)"
        }
    }
}

/// Reads the fields of a packet body in order, every read checked against its end.
struct BodyReader {
    let bytes: [UInt8]
    var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { at >= bytes.count }
    var rest: [UInt8] { Array(bytes[min(at, bytes.count)...]) }

    mutating func byte() throws -> UInt8 {
        guard at < bytes.count else { throw OpenPGPError.malformed("a packet ends early") }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, at + count <= bytes.count else { throw OpenPGPError.malformed("a packet ends early") }
        defer { at += count }
        return Array(bytes[at..<at + count])
    }

    mutating func uint16() throws -> Int { Int(try byte()) << 8 | Int(try byte()) }

    mutating func uint32() throws -> UInt32 { UInt32(bigEndian: try take(4)[...]) }

    /// A multiprecision integer: a 2-byte bit count, then the bytes (section 3.2).
    mutating func mpi() throws -> [UInt8] {
        let bits = try uint16()
        return try take((bits + 7) / 8)
    }
}

extension UInt32 {
    init(bigEndian bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    var bigEndianBytes: [UInt8] { [UInt8(self >> 24), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)] }
}

/// A multiprecision integer as OpenPGP writes it: leading zero bytes dropped, the exact bit count in front (Sequoia
/// refuses a count that does not match the leading bit).
func mpi(_ value: [UInt8]) -> [UInt8] {
    let trimmed = Array(value.drop { $0 == 0 })
    guard let first = trimmed.first else { return [0, 0] }
    let bits = (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    return [UInt8(bits >> 8), UInt8(bits & 0xFF)] + trimmed
}

/// `value` as exactly `count` bytes, zeros in front: MPIs lose their leading zeros, keys and signatures need them.
func padded(_ value: [UInt8], to count: Int) -> [UInt8] {
    let trimmed = Array(value.drop { $0 == 0 })
    return trimmed.count >= count ? trimmed : [UInt8](repeating: 0, count: count - trimmed.count) + trimmed
}
