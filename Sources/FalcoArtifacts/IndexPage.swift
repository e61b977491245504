import FormatSeam
import Foundation

/// The repository's `index.html`: a plain static page, no script, listing every release newest first with each
/// artifact's size, SHA-256 and signature, the image references and digests, and how to add the repository.
enum IndexPage {
    static func render(_ releases: [ReleaseManifest], settings: RepositorySettings, url: String, fingerprint: String) -> [UInt8] {
        let base = url.hasSuffix("/") ? url : url + "/"
        let keyring = "/usr/share/keyrings/\(settings.name)-archive-keyring.asc"
        let html = """
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
            <p>Debian and Ubuntu:</p>
            <pre>curl -fsSL \(escape(base + settings.keyFile)) | sudo tee \(escape(keyring)) &gt;/dev/null
            curl -fsSL \(escape(base + settings.name)).list | sudo tee /etc/apt/sources.list.d/\(escape(settings.name)).list
            sudo apt-get update &amp;&amp; sudo apt-get install -y falco</pre>
            <p>Fedora, RHEL, CentOS Stream, Amazon Linux:</p>
            <pre>sudo curl -fsSL -o /etc/yum.repos.d/\(escape(settings.name)).repo \(escape(base + settings.name)).repo
            sudo dnf install -y falco    # or yum</pre>

            """
        // The releases' rows, built as bytes: with hundreds of releases this is most of the page.
        var rows: [UInt8] = []
        rows.reserveCapacity(releases.count * 4096)
        for release in releases {
            let anchor = "v" + release.version.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            rows.append(contentsOf: "<h2 id=\"\(anchor)\">".utf8)
            append(escaped: release.version, to: &rows)
            rows.append(contentsOf: "</h2>\n<table>\n<tr><th>artifact</th><th>size</th><th>SHA-256</th><th>signature</th></tr>\n".utf8)
            for artifact in release.artifacts {
                rows.append(contentsOf: "<tr><td><a href=\"".utf8)
                append(escaped: artifact.href, to: &rows)
                rows.append(contentsOf: "\">".utf8)
                append(escaped: artifact.name, to: &rows)
                rows.append(contentsOf: "</a></td><td class=\"size\">\(size(artifact.size))</td><td class=\"digest\">".utf8)
                append(escaped: artifact.sha256, to: &rows)
                rows.append(contentsOf: "</td><td>".utf8)
                if let signature = artifact.signature {
                    rows.append(contentsOf: "<a href=\"".utf8)
                    append(escaped: signature, to: &rows)
                    rows.append(contentsOf: "\">".utf8)
                    append(escaped: (signature as NSString).lastPathComponent, to: &rows)
                    rows.append(contentsOf: "</a>".utf8)
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
                    append(escaped: image.reference, to: &rows)
                    rows.append(contentsOf: "</code></td><td class=\"digest\">".utf8)
                    append(escaped: image.digest, to: &rows)
                    rows.append(contentsOf: "</td></tr>\n".utf8)
                }
                rows.append(contentsOf: "</table>\n".utf8)
            }
        }
        if releases.isEmpty { rows.append(contentsOf: "<p>No release is published yet.</p>\n".utf8) }
        return Array(html.utf8) + rows + Array("</body>\n</html>\n".utf8)
    }

    static func size(_ bytes: UInt64) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / 1048576) }
        if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return "\(bytes) B"
    }

    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        append(escaped: text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` with `&`, `<`, `>` and `"` as entities, appended byte by byte.
    static func append(escaped text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            default: out.append(byte)
            }
        }
    }
}
