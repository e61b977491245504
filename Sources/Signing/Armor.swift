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
        let text = String(decoding: bytes.prefix(512), as: UTF8.self)
        return text.contains("-----BEGIN PGP ")
    }

    /// The bytes of the first armored block of `text`; its checksum, when it has one, must match.
    public static func decode(_ text: String) throws -> (kind: String, bytes: [UInt8]) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { line -> String in
            // Spaces and tabs around a line are not part of it (RFC 4880 section 6.2).
            var trimmed = line
            while let first = trimmed.first, first == " " || first == "\t" { trimmed.removeFirst() }
            while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
            return String(trimmed)
        }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN PGP ") && $0.hasSuffix("-----") }) else {
            throw OpenPGPError.malformed("no armor header")
        }
        let kind = String(lines[begin].dropFirst("-----BEGIN PGP ".count).dropLast(5))
        guard let end = lines[begin...].firstIndex(where: { $0 == "-----END PGP \(kind)-----" }) else {
            throw OpenPGPError.malformed("no armor footer for \(kind)")
        }
        // Header lines (Version:, Comment:) end at the first blank line.
        var body = lines[(begin + 1)..<end]
        if let blank = body.firstIndex(where: \.isEmpty) { body = body[(blank + 1)...] }
        var checksum: String?
        var base64 = ""
        for line in body where !line.isEmpty {
            if line.hasPrefix("=") && line.count == 5 { checksum = String(line.dropFirst()) } else { base64 += line }
        }
        guard let data = Data(base64Encoded: base64) else { throw OpenPGPError.malformed("the armor is not base64") }
        let bytes = Array(data)
        if let checksum, let expected = Data(base64Encoded: checksum), expected.count == 3 {
            let crc = crc24(bytes)
            guard Array(expected) == [UInt8(crc >> 16), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)] else {
                throw OpenPGPError.malformed("the armor checksum does not match")
            }
        }
        return (kind, bytes)
    }

    /// CRC-24 (section 6.1): initial 0xB704CE, polynomial 0x1864CFB.
    static func crc24(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xB7_04CE
        for byte in bytes {
            crc ^= UInt32(byte) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x100_0000 != 0 { crc ^= 0x186_4CFB }
            }
        }
        return crc & 0xFF_FFFF
    }
}
