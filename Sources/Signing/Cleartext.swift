import Crypto
import Foundation

extension Signer {
    /// `text` clearsigned (RFC 4880 section 7), as apt reads `InRelease`: the armor header names SHA-256, lines
    /// starting with `-` are dash-escaped, and the signature (type 0x01, text) covers the lines with trailing spaces
    /// and tabs removed, joined by CR LF, without the final line break.
    public func clearsign(_ text: String) throws -> String {
        try Self.clearsign(text, by: [self])
    }

    /// `text` clearsigned by each of `signers`, their signatures in one armored block: what a repository carries
    /// while its key is rotated (a client accepts one good signature from a key it trusts).
    public static func clearsign(_ text: String, by signers: [Signer]) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var hasher = SHA256()
        hasher.update(data: Cleartext.canonical(lines))
        let packets = try signers.flatMap { try $0.sign(continuing: hasher, kind: .text).packet.bytes }
        let escaped = lines.map { $0.hasPrefix("-") ? "- " + $0 : $0 }
        return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + escaped.joined(separator: "\n") + "\n"
            + Armor.encode(packets, as: .signature)
    }

    /// An armored detached signature over `data` by each of `signers`, in one block, as `gpg --detach-sign` with
    /// several `--local-user` writes it.
    public static func armored(_ data: [UInt8], by signers: [Signer]) throws -> String {
        Armor.encode(try signers.flatMap { try $0.sign(data).packet.bytes }, as: .signature)
    }
}

/// A clearsigned message read back: the text as signed, and its signatures.
public struct Cleartext: Sendable {
    /// The text, dash-escaping undone, with a final line break.
    public var text: String
    public var signatures: [Signature]
    /// What the signatures cover: the lines without trailing blanks, joined by CR LF.
    public var signed: [UInt8]

    public init(_ message: String) throws {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard let start = lines.firstIndex(of: "-----BEGIN PGP SIGNED MESSAGE-----"),
              let blank = lines[start...].firstIndex(of: ""),
              let armor = lines[blank...].firstIndex(of: "-----BEGIN PGP SIGNATURE-----") else {
            throw OpenPGPError.malformed("not a clearsigned message")
        }
        for header in lines[(start + 1)..<blank] where header.hasPrefix("Hash:") {
            let names = header.dropFirst(5).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.allSatisfy({ ["SHA256", "SHA384", "SHA512", "SHA224"].contains($0) }) else {
                throw OpenPGPError.unsupported("a clearsigned message hashed with \(header.dropFirst(5))")
            }
        }
        let body = lines[(blank + 1)..<armor].map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
        text = body.joined(separator: "\n") + "\n"
        signed = Self.canonical(body)
        let block = lines[armor...].joined(separator: "\n")
        signatures = try Signature.readDetached(Array(block.utf8))
    }

    /// Lines without trailing spaces, tabs and carriage returns, joined by CR LF: what a text signature covers.
    static func canonical(_ lines: [String]) -> [UInt8] {
        lines.map { line in
            var trimmed = Substring(line)
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed.removeLast() }
            return String(trimmed)
        }.joined(separator: "\r\n").utf8.map { $0 }
    }
}
