import Foundation

/// ASCII armor (RFC 4880 section 6): a header line, base64 in lines of 64, a CRC-24 checksum, a footer line.
public enum Armor {
    public enum Kind: String, Sendable {
        case publicKey = "PUBLIC KEY BLOCK"
        case privateKey = "PRIVATE KEY BLOCK"
        case signature = "SIGNATURE"
        case message = "MESSAGE"
    }

    public static func encode(_ bytes: [UInt8], as kind: Kind) -> String {
        let base64 = Data(bytes).base64EncodedString()
        var lines = ["-----BEGIN PGP \(kind.rawValue)-----", ""]
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(String(base64[index..<end]))
            index = end
        }
        let crc = crc24(bytes)
        lines.append("=" + Data([UInt8(crc >> 16), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]).base64EncodedString())
        lines.append("-----END PGP \(kind.rawValue)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `bytes` start like armor rather than a binary packet.
    public static func isArmored(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN PGP ".utf8)
        let head = bytes.prefix(512)
        guard head.count >= marker.count else { return false }
        return (head.startIndex...(head.endIndex - marker.count)).contains { head[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    /// `text` cut before each armor header after the first: one piece per armored block.
    public static func blocks(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        let marker = Array("\n-----BEGIN PGP ".utf8)
        var pieces: [ArraySlice<UInt8>] = []
        var start = text.startIndex, index = text.startIndex
        while index + marker.count <= text.endIndex {
            if text[index] == 0x0A, text[index..<(index + marker.count)].elementsEqual(marker) {
                if index > start { pieces.append(text[start..<(index + 1)]) }
                start = index + 1
            }
            index += 1
        }
        pieces.append(text[start...])
        return pieces
    }

    /// The bytes of the first armored block in `text`; its checksum, when it has one, must match. Read as bytes:
    /// a publish reads thousands of signatures.
    public static func decode(bytes text: [UInt8]) throws -> (kind: String, bytes: [UInt8]) {
        let lines = self.lines(text)
        let begin = Array("-----BEGIN PGP ".utf8), dashes = Array("-----".utf8)
        guard let first = lines.firstIndex(where: { $0.starts(with: begin) && $0.count >= begin.count + dashes.count && $0.suffix(5).elementsEqual(dashes) }) else {
            throw OpenPGPError.malformed("no armor header")
        }
        let kindBytes = lines[first].dropFirst(begin.count).dropLast(dashes.count)
        let kind = String(decoding: kindBytes, as: UTF8.self)
        let footer = Array("-----END PGP ".utf8) + kindBytes + dashes
        guard let end = lines[first...].firstIndex(where: { $0.elementsEqual(footer) }) else {
            throw OpenPGPError.malformed("no armor footer for \(kind)")
        }
        // Header lines (Version:, Comment:) end at the first blank line.
        var body = lines[(first + 1)..<end]
        if let blank = body.firstIndex(where: \.isEmpty) { body = body[(blank + 1)...] }
        var checksum: ArraySlice<UInt8>?
        var base64: [UInt8] = []
        for line in body where !line.isEmpty {
            if line.first == UInt8(ascii: "=") && line.count == 5 { checksum = line.dropFirst() } else { base64 += line }
        }
        guard let data = Data(base64Encoded: Data(base64)) else { throw OpenPGPError.malformed("the armor is not base64") }
        let bytes = Array(data)
        if let checksum, let expected = Data(base64Encoded: Data(checksum)), expected.count == 3 {
            let crc = crc24(bytes)
            guard Array(expected) == [UInt8(crc >> 16), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)] else {
                throw OpenPGPError.malformed("the armor checksum does not match")
            }
        }
        return (kind, bytes)
    }

    /// The lines of `text`, split at LF, CR, CR LF, VT and FF, each without the spaces and tabs around it
    /// (RFC 4880 section 6.2).
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, index = 0
        func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var line = line
            while let byte = line.first, byte == 0x20 || byte == 0x09 { line.removeFirst() }
            while let byte = line.last, byte == 0x20 || byte == 0x09 { line.removeLast() }
            return line
        }
        while index < text.count {
            switch text[index] {
            case 0x0A, 0x0B, 0x0C, 0x0D:
                lines.append(trimmed(text[start..<index]))
                if text[index] == 0x0D, index + 1 < text.count, text[index + 1] == 0x0A { index += 1 }
                start = index + 1
            default:
                break
            }
            index += 1
        }
        lines.append(trimmed(text[start..<text.count]))
        return lines
    }

    /// CRC-24 (section 6.1): initial 0xB704CE, polynomial 0x1864CFB; a byte at a time from a table.
    static func crc24(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xB7_04CE
        for byte in bytes { crc = (crc << 8) ^ crc24Table[Int(UInt8(truncatingIfNeeded: crc >> 16) ^ byte)] }
        return crc & 0xFF_FFFF
    }

    private static let crc24Table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index) << 16
        for _ in 0..<8 {
            crc <<= 1
            if crc & 0x100_0000 != 0 { crc ^= 0x186_4CFB }
        }
        return crc & 0xFF_FFFF
    }
}
