import Crypto

extension Signer {
    /// `text` clearsigned (RFC 4880 section 7), as apt reads `InRelease`: the armor header names SHA-256, lines
    /// starting with `-` are dash-escaped, and the signature (type 0x01, text) covers the lines with trailing spaces
    /// and tabs removed, joined by CR LF, without the final line break.
    public func clearsign(_ text: String) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let canonical = lines.map { line in
            var trimmed = Substring(line)
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed.removeLast() }
            return String(trimmed)
        }
        var hasher = SHA256()
        hasher.update(data: Array(canonical.joined(separator: "\r\n").utf8))
        let signature = try sign(continuing: hasher, kind: .text)
        let escaped = lines.map { $0.hasPrefix("-") ? "- " + $0 : $0 }
        return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + escaped.joined(separator: "\n") + "\n"
            + Self.armored(signature)
    }
}
