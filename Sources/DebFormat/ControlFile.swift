import PackageModel

/// The `control` file of the control member: one stanza, every line ending in a newline.
enum ControlFile {
    static func render(_ metadata: PackageMetadata, installedSize: UInt64) -> String {
        var lines: [String] = [
            "Package: \(metadata.name)",
            "Version: \(metadata.version)",
            "Architecture: \(DebFormat().architectureName(metadata.architecture))",
            "Maintainer: \(metadata.maintainer)",
            "Installed-Size: \(installedSize)",
        ]
        for (field, name) in DebValidator.relationFields where !metadata.relations[field].isEmpty {
            lines.append("\(name): " + metadata.relations[field].map(\.description).joined(separator: ", "))
        }
        if let section = metadata.section { lines.append("Section: \(section)") }
        if let priority = metadata.priority { lines.append("Priority: \(priority)") }
        if let multiArch = metadata.multiArch { lines.append("Multi-Arch: \(multiArch)") }
        if let homepage = metadata.homepage { lines.append("Homepage: \(homepage)") }
        for extra in metadata.extraFields { lines.append("\(extra.name): \(extra.value)") }
        lines.append("Description: \(metadata.summary)")
        lines += extendedDescription(metadata.description)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Continuation lines of the description: paragraphs word-wrapped to 80 columns with one leading space,
    /// blank lines as " .", and lines already indented kept verbatim (dpkg shows them as they are).
    static func extendedDescription(_ text: String, width: Int = 80) -> [String] {
        var lines: [String] = []
        let paragraphs = text.split(separator: "\n", omittingEmptySubsequences: false)
            .split(whereSeparator: { $0.allSatisfy { $0 == " " || $0 == "\t" } })
        for (index, paragraph) in paragraphs.enumerated() {
            if index > 0 { lines.append(" .") }
            if paragraph.first?.first == " " {
                lines += paragraph.map { " " + $0 }
                continue
            }
            var line = ""
            for word in paragraph.joined(separator: " ").split(separator: " ") {
                if !line.isEmpty && 1 + line.count + 1 + word.count > width {
                    lines.append(" " + line)
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            if !line.isEmpty { lines.append(" " + line) }
        }
        return lines
    }
}
