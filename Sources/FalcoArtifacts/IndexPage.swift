import FormatSeam
import Foundation

/// The repository's `index.html`: a plain static page, no script, listing every release newest first with each
/// artifact's size, SHA-256 and signature, the image references and digests, and how to add the repository.
enum IndexPage {
    static func render(_ releases: [ReleaseManifest], settings: RepositorySettings, url: String, fingerprint: String) -> String {
        let base = url.hasSuffix("/") ? url : url + "/"
        let keyring = "/usr/share/keyrings/\(settings.name)-archive-keyring.asc"
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
            <p>Debian and Ubuntu:</p>
            <pre>curl -fsSL \(escape(base + settings.keyFile)) | sudo tee \(escape(keyring)) &gt;/dev/null
            curl -fsSL \(escape(base + settings.name)).list | sudo tee /etc/apt/sources.list.d/\(escape(settings.name)).list
            sudo apt-get update &amp;&amp; sudo apt-get install -y falco</pre>
            <p>Fedora, RHEL, CentOS Stream, Amazon Linux:</p>
            <pre>sudo curl -fsSL -o /etc/yum.repos.d/\(escape(settings.name)).repo \(escape(base + settings.name)).repo
            sudo dnf install -y falco    # or yum</pre>

            """
        for release in releases {
            let anchor = "v" + release.version.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            html += "<h2 id=\"\(anchor)\">\(escape(release.version))</h2>\n<table>\n"
            html += "<tr><th>artifact</th><th>size</th><th>SHA-256</th><th>signature</th></tr>\n"
            for artifact in release.artifacts {
                let signature = artifact.signature.map { "<a href=\"\(escape($0))\">\(escape(($0 as NSString).lastPathComponent))</a>" }
                    ?? "inside the package"
                html += "<tr><td><a href=\"\(escape(artifact.href))\">\(escape(artifact.name))</a></td>"
                    + "<td class=\"size\">\(size(artifact.size))</td><td class=\"digest\">\(artifact.sha256)</td>"
                    + "<td>\(signature)</td></tr>\n"
            }
            html += "</table>\n"
            if !release.images.isEmpty {
                html += "<table>\n<tr><th>image</th><th>manifest digest</th></tr>\n"
                for image in release.images {
                    html += "<tr><td><code>\(escape(image.reference))</code></td><td class=\"digest\">\(escape(image.digest))</td></tr>\n"
                }
                html += "</table>\n"
            }
        }
        if releases.isEmpty { html += "<p>No release is published yet.</p>\n" }
        return html + "</body>\n</html>\n"
    }

    static func size(_ bytes: UInt64) -> String {
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / 1048576) }
        if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return "\(bytes) B"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
