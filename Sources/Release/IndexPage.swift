import ByteIO
import FormatSeam
import Foundation
import Signing

/// The repository's `index.html`: a plain static page, no script, listing every release newest first with each
/// artifact's size, SHA-256 and signature, the image references and digests, and how to add the repository.
enum IndexPage {
    /// One release's part of the page, and the key of the manifest it was drawn from.
    struct Section: Sendable {
        var key: String
        var html: ArraySlice<UInt8>
    }

    /// Names how a release's section is drawn: part of every section's key, so a page drawn differently is never
    /// reused. Change it whenever `section(_:)` changes.
    static let sectionStyle = "1"

    /// The key of a section drawn from a manifest with these bytes.
    static func key(manifest: [UInt8]) -> String { key("release section", manifest) }

    /// The key of a part of the page of `kind` drawn from `bytes`.
    private static func key(_ kind: String, _ bytes: [UInt8]) -> String {
        var digester = Digester(.sha256)
        digester.update(Array("falcopack \(kind) \(sectionStyle)\n".utf8))
        digester.update(bytes)
        return digester.finalize().bytes.hexString
    }

    /// `rows` after the marker naming `key` and the digest of the rows.
    private static func marked(_ rows: [UInt8], key: String) -> Section {
        Section(key: key, html: (Array("<!-- release \(key) \(digest(rows[...])) -->\n".utf8) + rows)[...])
    }

    static let marker = Array("<!-- release ".utf8)
    static let tail = Array("</body>\n</html>\n".utf8)

    /// The sections of a page this renders, by key: a publish reuses those whose manifest has not changed
    /// rather than reading every release's manifest again.
    static func sections(in page: [UInt8]) -> [String: ArraySlice<UInt8>] {
        var starts: [Int] = []
        var at = 0
        while let found = page.firstIndex(of: marker, from: at) {
            starts.append(found)
            at = found + marker.count
        }
        guard let end = page.firstIndex(of: tail, from: starts.last ?? 0) else { return [:] }
        var out: [String: ArraySlice<UInt8>] = [:]
        for (index, start) in starts.enumerated() {
            // "<!-- release KEY DIGEST -->\n", then the section the digest covers.
            let keyStart = start + marker.count, digestStart = keyStart + 65, bodyStart = digestStart + 64 + 5
            let sectionEnd = index + 1 < starts.count ? starts[index + 1] : end
            guard bodyStart <= sectionEnd else { continue }
            let key = String(decoding: page[keyStart..<(keyStart + 64)], as: UTF8.self)
            let digest = String(decoding: page[digestStart..<(digestStart + 64)], as: UTF8.self)
            // A section edited since it was drawn is drawn again.
            guard digest == Self.digest(page[bodyStart..<sectionEnd]) else { continue }
            out[key] = page[start..<sectionEnd]
        }
        return out
    }

    static func digest(_ bytes: ArraySlice<UInt8>) -> String {
        var digester = Digester(.sha256)
        bytes.withUnsafeBytes { digester.update($0) }
        return digester.finalize().bytes.hexString
    }

    /// A release's section, after a marker naming its key and the digest of what follows, so a later publish can
    /// find it and tell whether it was changed since.
    static func section(_ release: ReleaseManifest, key: String) -> Section {
        var rows: [UInt8] = []
        rows.reserveCapacity(4096)
        draw(release, into: &rows)
        return marked(rows, key: key)
    }

    /// The heading of one product's releases in a repository of several, with the command each format's users
    /// install it with; marked like a release's section, so a later publish finds where it ends.
    static func productHeading(_ product: String, commands: [String]) -> Section {
        var rows = Array("<h2 id=\"product-".utf8)
        rows.appendEscapingMarkup(product)
        rows += Array("\">".utf8)
        rows.appendEscapingMarkup(product)
        rows += Array("</h2>\n<pre>".utf8)
        rows.appendEscapingMarkup(commands.joined(separator: "\n"))
        rows += Array("</pre>\n".utf8)
        return marked(rows, key: key("product heading", rows))
    }

    /// - Parameter clients: each repository format's instructions, in the order of the formats.
    static func render(_ sections: [Section], settings: RepositorySettings, clients: [ClientInstructions],
                       fingerprint: String) -> [UInt8] {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(settings.label)) packages</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2333; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #d6dae3; }
            table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
            th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #eceef3; vertical-align: top; }
            td.size { text-align: right; white-space: nowrap; }
            code, pre, .digest { font-family: ui-monospace, monospace; font-size: 0.8rem; }
            .digest { word-break: break-all; color: #4a5470; }
            pre { background: #f4f5f8; padding: 0.8rem; overflow-x: auto; }
            </style>
            </head>
            <body>
            <h1>\(escape(settings.label)) packages</h1>
            <p>Signed with the OpenPGP key <a href="\(escape(settings.keyFile))">\(escape(settings.keyFile))</a>,
            fingerprint <code>\(escape(fingerprint))</code>. Each release's <code>SHA256SUMS</code> is signed too.</p>
            <h2>Add the repository</h2>

            """
        for client in clients {
            html += "<p>\(escape(client.systems)):</p>\n<pre>\(client.commands.map(escape).joined(separator: "\n"))</pre>\n"
        }
        var page = Array(html.utf8)
        for section in sections { page += section.html }
        if sections.isEmpty { page += Array("<p>No release is published yet.</p>\n".utf8) }
        return page + tail
    }

    /// One release's heading and tables, built as bytes: with hundreds of releases these are most of the page.
    static func draw(_ release: ReleaseManifest, into rows: inout [UInt8]) {
        let title = (release.product.map { $0 + " " } ?? "") + release.version
        let anchor = "v" + title.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        rows.append(contentsOf: "<h2 id=\"\(anchor)\">".utf8)
        rows.appendEscapingMarkup(title)
        rows.append(contentsOf: "</h2>\n<table>\n<tr><th>artifact</th><th>size</th><th>SHA-256</th><th>signature</th></tr>\n".utf8)
        for artifact in release.artifacts {
            rows.append(contentsOf: "<tr><td>".utf8)
            link(artifact.href, artifact.name, into: &rows)
            rows.append(contentsOf: "</td><td class=\"size\">\(size(artifact.size))</td><td class=\"digest\">".utf8)
            rows.appendEscapingMarkup(artifact.sha256)
            rows.append(contentsOf: "</td><td>".utf8)
            if let signature = artifact.signature {
                link(signature, OutputFile.basename(of: signature), into: &rows)
            } else {
                rows.append(contentsOf: "inside the package".utf8)
            }
            rows.append(contentsOf: "</td></tr>\n".utf8)
        }
        rows.append(contentsOf: "</table>\n".utf8)
        if !release.images.isEmpty {
            rows.append(contentsOf: "<table>\n<tr><th>image</th><th>manifest digest</th></tr>\n".utf8)
            for image in release.images {
                rows.append(contentsOf: "<tr><td><code>".utf8)
                rows.appendEscapingMarkup(image.reference)
                rows.append(contentsOf: "</code></td><td class=\"digest\">".utf8)
                rows.appendEscapingMarkup(image.digest)
                rows.append(contentsOf: "</td></tr>\n".utf8)
            }
            rows.append(contentsOf: "</table>\n".utf8)
        }
    }

    static func size(_ bytes: UInt64) -> String {
        if bytes >= 1 << 20 { return tenths(bytes, unit: 1 << 20) + " MiB" }
        if bytes >= 1 << 10 { return tenths(bytes, unit: 1 << 10) + " KiB" }
        return "\(bytes) B"
    }

    /// `bytes / unit` to one decimal, rounded half to even as `%.1f` rounds these exact quotients.
    static func tenths(_ bytes: UInt64, unit: UInt64) -> String {
        let scaled = bytes.multipliedReportingOverflow(by: 10)
        guard !scaled.overflow else { return String(format: "%.1f", Double(bytes) / Double(unit)) }
        var quotient = scaled.partialValue / unit
        let remainder = scaled.partialValue % unit
        if 2 * remainder > unit || (2 * remainder == unit && quotient % 2 == 1) { quotient += 1 }
        return "\(quotient / 10).\(quotient % 10)"
    }

    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.appendEscapingMarkup(text)
        return String(decoding: out, as: UTF8.self)
    }

    /// `<a href="HREF">TEXT</a>`, both escaped.
    static func link(_ href: String, _ text: String, into rows: inout [UInt8]) {
        rows.append(contentsOf: "<a href=\"".utf8)
        rows.appendEscapingMarkup(href)
        rows.append(contentsOf: "\">".utf8)
        rows.appendEscapingMarkup(text)
        rows.append(contentsOf: "</a>".utf8)
    }
}

extension IndexPage {
    /// Every `href` of a page, unescaped, in order.
    static func links(in page: [UInt8]) -> [String] {
        let text = String(decoding: page, as: UTF8.self)
        var links: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "href=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            links.append(String(rest[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&"))
            rest = rest[end...]
        }
        return links
    }
}
