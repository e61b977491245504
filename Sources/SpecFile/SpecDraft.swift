import Foundation
import PackageModel

/// The short spec `falcopack init` writes: one package of one program, with its configuration and unit, every
/// value quoted so that whatever it holds stays a string.
public struct SpecDraft: Sendable {
    public var name: String
    public var version: String
    public var maintainer: String
    public var summary: String
    public var description: String
    public var license: String
    public var homepage: String?
    public var architecture: Architecture
    /// Paths as the spec writes them: relative to its folder, or absolute.
    public var binary: String
    public var config: String?
    public var unit: String?

    public init(name: String, version: String, maintainer: String, summary: String, description: String,
                license: String, homepage: String?, architecture: Architecture, binary: String, config: String?,
                unit: String?) {
        self.name = name
        self.version = version
        self.maintainer = maintainer
        self.summary = summary
        self.description = description
        self.license = license
        self.homepage = homepage
        self.architecture = architecture
        self.binary = binary
        self.config = config
        self.unit = unit
    }

    public var yaml: String {
        var lines = [
            "# \(name), packaged by falcopack: `falcopack all --spec THIS-FILE` writes its deb, rpm, tarball and image.",
            "# Every key: `falcopack schema`.",
            "package:",
            "  name: \(Self.quoted(name))",
            "  version: \(Self.quoted(version))",
            "  maintainer: \(Self.quoted(maintainer))",
            "  description: |",
            "    " + summary,
        ]
        lines += description.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
        lines.append("  license: \(Self.quoted(license))")
        if let homepage { lines.append("  homepage: \(Self.quoted(homepage))") }
        lines.append("  architecture: \(architecture.rawValue)")
        lines.append("contents:")
        lines.append("  - {src: \(Self.quoted(binary)), dst: \(Self.quoted("/usr/bin/" + name))}")
        if let config {
            lines.append("  - {src: \(Self.quoted(config)), dst: \(Self.quoted("/etc/\(name)/" + (config as NSString).lastPathComponent))}")
        }
        if let unit { lines.append("systemd-units: [\(Self.quoted(unit))]") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: JSON's string syntax is one.
    static func quoted(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
