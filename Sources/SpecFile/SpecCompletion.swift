import Foundation
import PackageModel

/// What a spec leaves to conventions, filled in before anything reads it: `{{ version }}` and `{{ name }}` in
/// every spec, and for a spec of one package (no `variants`) its variant, each format's section and file name, a
/// tarball, an image, bills of materials, signing by `--signing-key`, the systemd units where each format keeps
/// them, and a machine-readable copyright file. A spec that says something itself keeps it.
extension Spec {
    /// - Parameters:
    ///   - formats: each format's name and conventions.
    ///   - date: the build's date (SOURCE_DATE_EPOCH, else the spec's), the copyright's year.
    public func completed(formats: [(name: String, conventions: FormatConventions)], date: Int64) throws -> Spec {
        try SpecCompletion.complete(self, formats: formats, date: date)
    }
}

enum SpecCompletion {
    static func complete(_ spec: Spec, formats: [(name: String, conventions: FormatConventions)], date: Int64) throws -> Spec {
        var spec = spec
        defineReleaseValues(&spec)
        for format in formats {
            let conventions = format.conventions
            guard conventions.kind == .package else { continue }
            if spec.isOnePackage && spec.formats[format.name] == nil {
                spec.formats[format.name] = FormatSection(file: nil, contents: [], scripts: [:], relations: [:])
            }
            guard var section = spec.formats[format.name] else { continue }
            if section.file == nil { section.file = Template(conventions.fileName, at: SourceLocation(file: spec.file, key: format.name)) }
            for unit in spec.systemdUnits {
                guard let folder = conventions.unitDirectory else { continue }
                section.contents.append(ContentEntry(
                    location: unit.location, source: unit,
                    destination: Template(folder + "/" + (unit.text as NSString).lastPathComponent, at: unit.location),
                    type: .file, permissions: 0o644))
            }
            spec.formats[format.name] = section
        }
        guard spec.isOnePackage else { return spec }
        if spec.completesRelease {
            // Debian recommends both fields; a tool is in utils, and nothing depends on it.
            let at = SourceLocation(file: spec.file, key: "package")
            spec.package.section = spec.package.section ?? Template("utils", at: at)
            spec.package.priority = spec.package.priority ?? Template("optional", at: at)
            try addCopyright(&spec, date: date)
        }

        let top = SourceLocation(file: spec.file)
        for (_, conventions) in formats {
            switch conventions.kind {
            case .package:
                continue
            case .tarball where spec.tarballs == nil:
                spec.tarballs = binTarball(Template(conventions.fileName, at: top), contents: spec.contents)
            case .images where spec.images == nil && spec.completesRelease:
                spec.images = images(spec, conventions: conventions)
            default:
                continue
            }
        }
        if spec.sbom == nil {
            spec.sbom = SBOMSection(spdx: Template("{{ name }}-{{ version }}.spdx.json", at: top),
                                    cyclonedx: Template("{{ name }}-{{ version }}.cdx.json", at: top),
                                    components: [], location: top)
        }
        if spec.signing == nil {
            if !spec.inputs.contains(where: { $0.name == "signing-key" }) {
                spec.inputs.append(InputDeclaration(
                    name: "signing-key",
                    help: "OpenPGP secret key to sign the release with (a file, gpg-agent:FINGERPRINT, or the armored key); unsigned without one",
                    type: .string, defaultValue: nil, environment: "FALCOPACK_SIGNING_KEY", required: false, location: top))
            }
            spec.signing = SigningSection(key: Template("{{ signing-key }}", at: top), location: top)
        }
        return spec
    }

    /// `{{ version }}` is the package's version (a `--version` flag when it is written out), `{{ name }}` its name
    /// and `{{ release }}` its release, unless the spec defines them itself.
    private static func defineReleaseValues(_ spec: inout Spec) {
        let defined = Set(spec.inputs.map(\.name) + spec.variables.map(\.name))
        let version = spec.package.version
        if !defined.contains("version") {
            if (try? version.variables().isEmpty) == true {
                spec.inputs.append(InputDeclaration(name: "version", help: "the version, in every file name and package",
                                                    type: .string, defaultValue: version, environment: nil,
                                                    required: true, location: version.location))
                spec.package.version = Template("{{ version }}", at: version.location)
            } else {
                spec.variables.append(("version", version))
            }
        }
        if !defined.contains("name") { spec.variables.append(("name", spec.package.name)) }
        if !defined.contains("release") {
            spec.variables.append(("release", spec.package.release ?? Template("", at: spec.package.name.location)))
        }
    }

    /// The one tarball of a one-package release: the package's files under its top folder, the architecture spelled
    /// as Go projects' archives spell it.
    static func binTarball(_ file: Template, contents: [ContentEntry]) -> TarballsSection {
        TarballsSection(
            arch: nil,
            archByArchitecture: [.x86_64: Template("amd64", at: file.location), .aarch64: Template("arm64", at: file.location)],
            compression: nil,
            kinds: [Tarball(name: "bin", file: file, sourcesOnly: false, contents: contents.map(relativeToTop))])
    }

    /// A contents entry as a tarball holds it: relative to its top folder.
    private static func relativeToTop(_ entry: ContentEntry) -> ContentEntry {
        var entry = entry
        let text = entry.destination.text
        if text.hasPrefix("/") {
            entry.destination = Template(String(text.drop { $0 == "/" }), at: entry.destination.location)
        }
        return entry
    }

    private static func images(_ spec: Spec, conventions: FormatConventions) -> ImagesSection {
        let short = spec.image
        let at = short?.location ?? SourceLocation(file: spec.file)
        let program = spec.contents.first { $0.destination.text.contains("/bin/") && $0.type != .directory }
        let files = LayerEntry(
            name: "files",
            from: LayerEntry.Selection(variant: spec.variants[0].name, paths: spec.contents.map(\.destination),
                                       location: at),
            contents: [], location: at)
        let name = spec.package.name.text
        let image = ImageEntry(
            name: name, base: short?.base ?? Template("scratch", at: at), layers: [(files.name, at)],
            entrypoint: short?.entrypoint ?? program.map { [$0.destination] }, command: short?.command,
            environment: short?.environment ?? [], workingDirectory: nil, labels: [],
            usage: Template("{{ reference }}: {{ name }}, {{ version }}\n  docker run --rm {{ reference }}\n", at: at),
            architectures: nil, location: at)
        var labels: [(name: String, value: Template)] = [
            ("org.opencontainers.image.title", Template("{{ image }}", at: at)),
            ("org.opencontainers.image.version", Template("{{ version }}", at: at)),
        ]
        if let homepage = spec.package.homepage {
            labels.append(("org.opencontainers.image.url", homepage))
            labels.append(("org.opencontainers.image.source", homepage))
        }
        if let license = spec.package.license { labels.append(("org.opencontainers.image.licenses", license)) }
        if let vendor = spec.package.vendor { labels.append(("org.opencontainers.image.vendor", vendor)) }
        return ImagesSection(
            layout: Template(conventions.folder ?? conventions.fileName + ".d", at: at),
            archive: Template(conventions.fileName, at: at),
            repository: short?.repository ?? Template("localhost", at: at), compression: nil,
            channel: Template("release", at: at),
            tags: [("release", short?.tags ?? [Template("{{ version }}", at: at), Template("latest", at: at)])],
            labels: labels, location: at, images: [image], layers: [files])
    }

    // MARK: Copyright

    /// `/usr/share/doc/NAME/copyright` in Debian's machine-readable format, from the licence and a holder (the
    /// vendor, else the maintainer), unless the spec installs one.
    private static func addCopyright(_ spec: inout Spec, date: Int64) throws {
        let path = "/usr/share/doc/{{ package }}/copyright"
        let installs = spec.contents.contains { entry in
            entry.destination.text == path || entry.destination.text.hasSuffix("/copyright")
        }
        guard !installs else { return }
        let package = spec.package
        guard let license = package.license else {
            throw SpecError(at: SourceLocation(file: spec.file, key: "package"),
                            "package.license is missing: a package states its licence (an SPDX identifier such as Apache-2.0), or installs its own copyright file")
        }
        guard let text = licenseParagraph(license.text) else {
            throw SpecError(at: license.location,
                            "falcopack has no licence text for '\(license.text)' (it knows \(knownLicenses.joined(separator: ", "))); "
                            + "install a copyright file at \(path) with a contents entry")
        }
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!,
                                                                    from: Date(timeIntervalSince1970: Double(date))).year!
        let holder = (package.vendor ?? package.maintainer).text
        var document = """
            Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
            Upstream-Name: {{ name }}
            Upstream-Contact: \(package.maintainer.text)

            """
        if let homepage = package.homepage { document += "Source: \(homepage.text)\n" }
        document += "\nFiles: *\nCopyright: \(year) \(holder)\nLicense: \(text)\n"
        spec.contents.append(ContentEntry(location: license.location, destination: Template(path, at: license.location),
                                          type: .file, permissions: 0o644, attributes: [.doc, .license],
                                          text: Template(document, at: license.location)))
    }

    /// DEP-5 names of the licences Debian keeps in /usr/share/common-licenses, by SPDX identifier.
    private static let commonLicenses: [String: (name: String, file: String)] = [
        "Apache-2.0": ("Apache-2.0", "Apache-2.0"),
        "GPL-2.0-only": ("GPL-2", "GPL-2"), "GPL-2.0": ("GPL-2", "GPL-2"), "GPL-2.0-or-later": ("GPL-2+", "GPL-2"),
        "GPL-3.0-only": ("GPL-3", "GPL-3"), "GPL-3.0": ("GPL-3", "GPL-3"), "GPL-3.0-or-later": ("GPL-3+", "GPL-3"),
        "LGPL-2.1-only": ("LGPL-2.1", "LGPL-2.1"), "LGPL-2.1-or-later": ("LGPL-2.1+", "LGPL-2.1"),
        "LGPL-3.0-only": ("LGPL-3", "LGPL-3"), "LGPL-3.0-or-later": ("LGPL-3+", "LGPL-3"),
        "MPL-2.0": ("MPL-2.0", "MPL-2.0"), "CC0-1.0": ("CC0-1.0", "CC0-1.0"),
    ]

    private static var knownLicenses: [String] { (commonLicenses.keys + ["MIT"]).sorted() }

    /// The `License:` field's value and text: a pointer to Debian's copy, or the whole text where Debian has none.
    private static func licenseParagraph(_ spdx: String) -> String? {
        if let known = commonLicenses[spdx] {
            return "\(known.name)\n On Debian systems, the full text of this licence can be found in\n"
                + " /usr/share/common-licenses/\(known.file).\n"
        }
        guard spdx == "MIT" else { return nil }
        return """
            Expat
             Permission is hereby granted, free of charge, to any person obtaining a copy
             of this software and associated documentation files (the "Software"), to deal
             in the Software without restriction, including without limitation the rights
             to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
             copies of the Software, and to permit persons to whom the Software is
             furnished to do so, subject to the following conditions:
             .
             The above copyright notice and this permission notice shall be included in
             all copies or substantial portions of the Software.
             .
             THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
             IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
             FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
             AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
             LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
             OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
             THE SOFTWARE.

            """
    }
}
