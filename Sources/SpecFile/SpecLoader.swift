import Foundation
import PackageModel

extension Spec {
    /// Reads a spec file and checks it against `SpecSchema` for the package formats `formats`: an unknown key, a
    /// wrong type or a missing required key is an error naming the file, line and key.
    /// A spec larger or deeper than this is refused before it is parsed: no convention needs more, and a YAML
    /// parser recurses per level.
    public static let maximumSize = 4 << 20
    public static let maximumDepth = 64

    public static func load(path: String, formats: [String]) throws -> Spec {
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > maximumSize {
            throw SpecError(at: SourceLocation(file: path),
                            "the spec is \(info.st_size) bytes; a spec is at most \(maximumSize) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(.input, at: SourceLocation(file: path),
                            "cannot read the spec (pass --spec PATH to name another)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(at: SourceLocation(file: path), "the spec is not UTF-8 text")
        }
        var spec = try parse(text, file: path, formats: formats)
        if !spec.givesDate { spec.sourceDateEpoch = defaultDate(of: path) }
        return spec
    }

    public static func parse(_ text: String, file: String, formats: [String]) throws -> Spec {
        guard text.utf8.count <= maximumSize else {
            throw SpecError(at: SourceLocation(file: file), "the spec is \(text.utf8.count) bytes; a spec is at most \(maximumSize) bytes")
        }
        if let line = deepLine(text) {
            throw SpecError(at: SourceLocation(file: file, line: line), "nested deeper than \(maximumDepth) levels")
        }
        let root = try SpecNode.parse(text, file: file)
        try root.check(against: SpecSchema.root(formats: formats))
        if let version = root["spec-version"], version.int != 1 {
            throw version.error("this falcopack reads spec-version 1")
        }

        let package = try readPackage(root["package"]!)
        let isOnePackage = root["variants"] == nil
        let variants = try root["variants"].map { try readVariants($0, formats: formats) }
            ?? [Variant.only(package.name)]
        let defaults = variants.filter(\.isDefault)
        if defaults.count > 1 {
            throw root["variants"]!.error("more than one variant says 'default: true' (\(defaults.map(\.name).joined(separator: ", ")))")
        }
        var sections: [String: FormatSection] = [:]
        for name in formats {
            guard let node = root[name] else { continue }
            let section = readFormat(node)
            if let alias = section.alias, defaults.isEmpty {
                throw SpecError(at: alias.location, "an alias needs a variant with 'default: true'")
            }
            sections[name] = section
        }

        var spec = Spec(
            file: file,
            sourceDateEpoch: Int64(root["source-date-epoch"]?.int ?? 0),
            inputs: try root["inputs"].map(readInputs) ?? [],
            variables: try root["variables"]?.entries().map { ($0.name, $0.node.template) } ?? [],
            driver: root["driver"].map { DriverSection(sources: $0.string("sources")!, name: $0.string("name"),
                                                        version: $0.string("version")) },
            package: package,
            contents: readContents(root["contents"]),
            variants: variants,
            formats: sections,
            tarballs: try root["tarballs"].map { try readTarballs($0, package: root["package"]!) },
            images: try readImages(root),
            signing: root["signing"].map { SigningSection(key: $0.string("key")!, location: $0.location) },
            sbom: root["sbom"].map { node in
                SBOMSection(
                    spdx: node.string("spdx"), cyclonedx: node.string("cyclonedx"),
                    components: node["components"]?.items.map { item in
                        SBOMSection.Component(name: item.string("name")!, version: item.string("version")!,
                                              license: item.string("license"), description: item.string("description"))
                    } ?? [],
                    location: node.location)
            },
            repository: try root["repository"].map { node in
                try RepositorySection(name: node.string("name"), origin: node.string("origin"), label: node.string("label"),
                                  suite: node.string("suite"), codename: node.string("codename"),
                                  component: node.string("component"), install: node.string("install"),
                                  architectures: try readRepositoryArchitectures(node, package: root["package"]!),
                                  url: node.string("url"))
            }
        )
        spec.givesDate = root["source-date-epoch"] != nil
        spec.isOnePackage = isOnePackage
        spec.changelog = try root["changelog"]?.items.map { entry in
            let date = entry["date"]!
            guard let seconds = Self.day(date.text) else { throw date.error("'\(date.text)' is not a date YYYY-MM-DD") }
            return ChangelogSection(version: entry.string("version")!, maintainer: nil, date: seconds,
                                    changes: entry.templates("changes"), location: entry.location)
        } ?? []
        spec.systemdUnits = root.templates("systemd-units")
        spec.image = try root["image"].map { node in
            ShortImageSection(base: node.string("base"), repository: node.string("repository"),
                              entrypoint: node["entrypoint"].map { $0.items.map(\.template) },
                              command: node["command"].map { $0.items.map(\.template) },
                              environment: try node["environment"]?.entries().map { ($0.name, $0.node.template) } ?? [],
                              tags: node["tags"].map { $0.items.map(\.template) }, location: node.location)
        }
        return spec
    }

    /// Midnight UTC of `YYYY-MM-DD`, in seconds since 1970.
    static func day(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }
        return Int64(date.timeIntervalSince1970)
    }

    /// The date of a spec that gives none: the last commit of the git repository holding it, else the file's
    /// modification time, so that two builds of one checkout agree without SOURCE_DATE_EPOCH.
    static func defaultDate(of file: String) -> Int64 {
        let folder = (file as NSString).deletingLastPathComponent
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", folder.isEmpty ? "." : folder, "log", "-1", "--format=%ct", "--",
                         (file as NSString).lastPathComponent]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        if (try? git.run()) != nil {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            git.waitUntilExit()
            if git.terminationStatus == 0,
               let seconds = Int64(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
                return seconds
            }
        }
        var info = stat()
        return stat(file, &info) == 0 ? Int64(info.st_mtim.tv_sec) : 0
    }

    /// The first line nested deeper than `maximumDepth`: flow brackets outside quotes, block indentation and `- `
    /// entries, counted before any parser sees them.
    static func deepLine(_ text: String) -> Int? {
        var flow = 0
        var line = 1
        var quote: UInt8?
        var atLineStart = true
        var blockDepth = 0
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == 0x0A {
                line += 1
                atLineStart = true
                blockDepth = 0
                continue
            }
            if atLineStart {
                if byte == 0x20 { blockDepth += 1; continue }
                if byte == UInt8(ascii: "-"), bytes.first == 0x20 { blockDepth += 2; bytes = bytes.dropFirst(); continue }
                atLineStart = false
                if blockDepth / 2 > maximumDepth { return line }
            }
            if let open = quote {
                if byte == open { quote = nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
            case UInt8(ascii: "#"): while let next = bytes.first, next != 0x0A { bytes = bytes.dropFirst() }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flow += 1
                if flow > maximumDepth { return line }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(0, flow - 1)
            default: break
            }
        }
        return nil
    }

    private static func readImages(_ root: SpecNode) throws -> ImagesSection? {
        guard let imagesNode = root["images"] else {
            if let set = root["image-set"] { throw set.error("image-set needs images to write") }
            return nil
        }
        guard let set = root["image-set"] else { throw imagesNode.error("images need an image-set section (layout, archive, repository, tags)") }
        let layers = try root["image-layers"]?.entries().map { name, node in
            LayerEntry(
                name: name,
                from: node["from"].map { from in
                    LayerEntry.Selection(variant: from["variant"]!.text, paths: from.templates("paths"), location: from.location)
                },
                contents: readContents(node["contents"]),
                installed: node["installed"].map { installed in
                    LayerEntry.Installed(format: installed["format"]!.text, variant: installed["variant"]!.text,
                                         location: installed.location)
                },
                artifacts: node["artifacts"].map { artifacts in
                    LayerEntry.Artifacts(formats: artifacts["formats"]!.items.map(\.text), destination: artifacts.string("dst")!,
                                         location: artifacts.location)
                },
                compression: node.string("compression"),
                location: node.location)
        } ?? []
        let images = try imagesNode.entries().map { name, node in
            let named = node["layers"]!.items.map { (name: $0.text, location: $0.location) }
            for layer in named where !layers.contains(where: { $0.name == layer.name }) {
                throw SpecError(at: layer.location, "no image-layers entry is named '\(layer.name)' (layers: \(layers.map(\.name).joined(separator: ", ")))")
            }
            return ImageEntry(
                name: name, base: node.string("base")!, layers: named,
                entrypoint: node["entrypoint"].map { $0.items.map(\.template) },
                command: node["command"].map { $0.items.map(\.template) },
                environment: try node["environment"]?.entries().map { ($0.name, $0.node.template) } ?? [],
                workingDirectory: node.string("working-dir"),
                labels: try node["labels"]?.entries().map { ($0.name, $0.node.template) } ?? [],
                usage: node.string("usage")!,
                architectures: try node["architectures"].map { list in
                    try list.items.map { try known($0, spelling: $0.text, package: root["package"]!) }
                },
                aliases: node.templates("aliases"),
                location: node.location)
        }
        return ImagesSection(
            layout: set.string("layout")!, archive: set.string("archive")!, repository: set.string("repository")!,
            compression: set.string("compression"), channel: set.string("channel"),
            tags: try set["tags"]!.entries().map { ($0.name, $0.node.items.map(\.template)) },
            labels: try set["labels"]?.entries().map { ($0.name, $0.node.template) } ?? [],
            location: set.location, images: images, layers: layers)
    }

    private static func readInputs(_ node: SpecNode) throws -> [InputDeclaration] {
        try node.entries().map { name, input in
            InputDeclaration(
                name: name,
                help: input["help"]!.text,
                type: input["type"].flatMap { InputDeclaration.ValueType(rawValue: $0.text) } ?? .string,
                defaultValue: input.string("default"),
                environment: input["env"]?.text,
                required: input["required"]?.bool ?? true,
                perArchitecture: input.flag("per-architecture"),
                location: input.location
            )
        }
    }

    private static func readPackage(_ node: SpecNode) throws -> PackageSection {
        // Without a summary, the description's first line is one, as in a Debian control file.
        var summary = node.string("summary")
        var description = node.string("description")!
        if summary == nil {
            let text = description.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let lines = text.split(separator: "\n", maxSplits: 1)
            guard lines.count == 2 else {
                throw node["description"]!.error("give a summary, or a description of two lines or more: its first line is the summary")
            }
            let line = description.location.line.map { $0 + 1 }
            summary = Template(String(lines[0]), at: description.location)
            description = Template(String(lines[1]).trimmingCharacters(in: .whitespacesAndNewlines),
                                   at: SourceLocation(file: description.location.file, line: line, key: description.location.key))
        }
        return try PackageSection(
            name: node.string("name")!, version: node.string("version")!, release: node.string("release"),
            architectures: node["architecture"].map(readArchitectures) ?? [Architecture.building],
            maintainer: node.string("maintainer")!, summary: summary!,
            description: description, homepage: node.string("homepage"),
            license: node.string("license"), vendor: node.string("vendor"), section: node.string("section"),
            priority: node.string("priority")
        )
    }

    private static func readVariants(_ node: SpecNode, formats: [String]) throws -> [Variant] {
        try node.entries().map { name, variant in
            Variant(
                name: name,
                package: variant.string("package")!,
                isDefault: variant.flag("default"),
                summary: variant.string("summary"),
                contents: readContents(variant["contents"]),
                scripts: readScripts(variant["scripts"]),
                relations: readRelations(variant),
                formats: Dictionary(uniqueKeysWithValues: formats.compactMap { name in
                    variant[name].map { (name, readVariantFormat($0)) }
                })
            )
        }
    }

    private static func readVariantFormat(_ node: SpecNode) -> VariantFormat {
        VariantFormat(contents: readContents(node["contents"]), scripts: readScripts(node["scripts"]),
                      relations: readRelations(node))
    }

    private static func readFormat(_ node: SpecNode) -> FormatSection {
        FormatSection(
            file: node.string("file")!, alias: node.string("alias"), compression: node.string("compression"),
            release: node.string("release"), contents: readContents(node["contents"]),
            scripts: readScripts(node["scripts"]), relations: readRelations(node)
        )
    }

    /// `architecture: x86_64` or `architecture: [x86_64, aarch64]`, in any spelling, each once; `all` alone.
    private static func readArchitectures(_ node: SpecNode) throws -> [Architecture] {
        let items = node.isScalar ? [node] : node.items
        guard !items.isEmpty else { throw node.error("lists no architecture") }
        var architectures: [Architecture] = []
        for item in items {
            let architecture = Architecture(spelling: item.text)!
            guard !architectures.contains(architecture) else {
                throw item.error("'\(item.text)' is \(architecture.rawValue), listed already")
            }
            architectures.append(architecture)
        }
        if architectures.count > 1 && architectures.contains(.all) {
            throw node.error("'all' is a release of its own: list machine architectures, or all alone")
        }
        return architectures
    }

    /// The architecture `node` spells, which must be one of the package's.
    private static func known(_ node: SpecNode, spelling: String, package: SpecNode) throws -> Architecture {
        let declared = try package["architecture"].map(readArchitectures) ?? [Architecture.building]
        guard let architecture = Architecture(spelling: spelling), declared.contains(architecture) else {
            throw node.error("'\(spelling)' is not an architecture of this spec (package.architecture: \(declared.map(\.rawValue).joined(separator: ", ")))")
        }
        return architecture
    }

    private static func readRepositoryArchitectures(_ node: SpecNode, package: SpecNode) throws -> [Architecture] {
        try node["architectures"]?.items.map { try known($0, spelling: $0.text, package: package) } ?? []
    }

    private static func readTarballs(_ node: SpecNode, package: SpecNode) throws -> TarballsSection {
        let archNode = node["arch"]
        var byArchitecture: [Architecture: Template] = [:]
        if let archNode, !archNode.isScalar {
            for (name, value) in try archNode.entries() {
                let architecture = try known(value, spelling: name, package: package)
                guard byArchitecture.updateValue(value.template, forKey: architecture) == nil else {
                    throw value.error("'\(name)' is \(architecture.rawValue), spelled already")
                }
            }
        }
        return TarballsSection(
            arch: archNode?.isScalar == true ? archNode?.template : nil,
            archByArchitecture: byArchitecture,
            compression: node.string("compression"),
            kinds: try node["kinds"]!.entries().map { name, kind in
                Tarball(name: name, file: kind.string("file")!, sourcesOnly: kind.flag("sources-only"),
                            contents: readContents(kind["contents"]))
            }
        )
    }

    private static func readScripts(_ node: SpecNode?) -> ScriptTemplates {
        var scripts: ScriptTemplates = [:]
        for slot in ScriptSlot.allCases {
            if let template = node?.string(slot.rawValue) { scripts[slot] = template }
        }
        return scripts
    }

    private static func readRelations(_ node: SpecNode) -> RelationTemplates {
        var relations: RelationTemplates = [:]
        for field in RelationField.allCases {
            let list = node.templates(field.rawValue)
            if !list.isEmpty { relations[field] = list }
        }
        return relations
    }

    private static func readContents(_ node: SpecNode?) -> [ContentEntry] {
        node?.items.map { entry in
            var attributes: PackageFile.Attributes = []
            if entry.flag("config") { attributes.formUnion([.config, .noReplace]) }
            if entry.flag("doc") { attributes.insert(.doc) }
            if entry.flag("license") { attributes.insert(.license) }
            return ContentEntry(
                location: entry.location,
                source: entry.string("src"),
                destination: entry.string("dst")!,
                type: entry["type"].flatMap { ContentEntry.EntryType(rawValue: $0.text) },
                target: entry.string("target"),
                permissions: entry["mode"]?.mode,
                isTemplate: entry.flag("template"),
                isGzipped: entry.flag("gzip"),
                attributes: attributes,
                exclude: entry.templates("exclude")
            )
        } ?? []
    }
}
