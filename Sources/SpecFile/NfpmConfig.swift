import Foundation
import PackageModel
import Yams

/// An nfpm configuration read as nfpm reads it, as a spec of one package: the same packages from the same file.
/// Every key nfpm knows is checked where it is written (an unknown one is an error at its line, as nfpm's strict
/// decoder has it); sections for formats falcopack does not build (apk, archlinux, ipk, msix) are left out, as nfpm
/// leaves them out of a deb; a key falcopack cannot honour is an error at its line, never ignored.
public enum NfpmConfig {
    /// - Parameters:
    ///   - environment: what `$VAR` and `${VAR}` expand to, in the fields nfpm expands.
    ///   - workingDirectory: relative sources are read from here, as nfpm reads them.
    public static func spec(path: String, environment: [String: String],
                            workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> Spec {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SpecError(.input, at: SourceLocation(file: path), "cannot read the nfpm configuration")
        }
        var spec = try parse(text, file: path, environment: environment, workingDirectory: workingDirectory)
        spec.sourceDateEpoch = Spec.defaultDate(of: path)
        return spec
    }

    /// The configuration `text`, as the file `file` holds it.
    public static func parse(_ text: String, file path: String, environment: [String: String],
                             workingDirectory: String) throws -> Spec {
        guard text.utf8.count <= Spec.maximumSize else {
            throw SpecError(at: SourceLocation(file: path), "the configuration is \(text.utf8.count) bytes; falcopack reads at most \(Spec.maximumSize)")
        }
        if let line = Spec.deepLine(text) {
            throw SpecError(at: SourceLocation(file: path, line: line), "nested deeper than \(Spec.maximumDepth) levels")
        }
        let root = try SpecNode.parse(text, file: path).node
        let reader = Reader(file: path, environment: environment, workingDirectory: workingDirectory)
        try reader.check(root, shape: "Config", key: "")
        return try reader.spec(root)
    }

    /// Whether the file at `path` is an nfpm configuration: nfpm's `name` and `arch` at its top, no `package`.
    /// Read from the keys that start a line, without parsing the file a second time on every build.
    public static func looksLikeNfpm(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count <= Spec.maximumSize else { return false }
        var keys = Set<Substring>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let first = line.first, first.isLetter, let colon = line.firstIndex(of: ":") else { continue }
            keys.insert(line[..<colon])
        }
        return keys.contains("name") && keys.contains("arch") && !keys.contains("package")
    }

    /// Keys by nfpm type, from `nfpm jsonschema`: each key's own type when it has fields, `[]TYPE` for a list of
    /// them, `map:TYPE` for a mapping of them.
    static let schema: [String: [String: String?]] = [
        "APK": ["arch": nil, "scripts": "APKScripts", "signature": "APKSignature"],
        "APKScripts": ["postupgrade": nil, "preupgrade": nil],
        "APKSignature": ["key_file": nil, "key_id": nil, "key_name": nil],
        "ArchLinux": ["arch": nil, "packager": nil, "pkgbase": nil, "scripts": "ArchLinuxScripts"],
        "ArchLinuxScripts": ["postupgrade": nil, "preupgrade": nil],
        "Config": ["apk": "APK", "arch": nil, "archlinux": "ArchLinux", "changelog": nil, "conflicts": nil, "contents": "[]Content", "deb": "Deb", "depends": nil, "description": nil, "disable_globbing": nil, "epoch": nil, "homepage": nil, "ipk": "IPK", "license": nil, "maintainer": nil, "msix": "MSIX", "mtime": nil, "name": nil, "overrides": "map:Overridables", "platform": nil, "prerelease": nil, "priority": nil, "provides": nil, "recommends": nil, "release": nil, "replaces": nil, "rpm": "RPM", "scripts": "Scripts", "section": nil, "suggests": nil, "umask": nil, "vendor": nil, "version": nil, "version_metadata": nil, "version_schema": nil],
        "Content": ["disown_subtree": nil, "dst": nil, "expand": nil, "file_info": "ContentFileInfo", "packager": nil, "src": nil, "type": nil],
        "ContentFileInfo": ["group": nil, "lang": nil, "mode": nil, "mtime": nil, "owner": nil],
        "Deb": ["arch": nil, "arch_variant": nil, "breaks": nil, "compression": nil, "fields": nil, "predepends": nil, "scripts": "DebScripts", "signature": "DebSignature", "triggers": "DebTriggers"],
        "DebScripts": ["config": nil, "rules": nil, "templates": nil],
        "DebSignature": ["key_file": nil, "key_id": nil, "method": nil, "signer": nil, "type": nil],
        "DebTriggers": ["activate": nil, "activate_await": nil, "activate_noawait": nil, "interest": nil, "interest_await": nil, "interest_noawait": nil],
        "IPK": ["abi_version": nil, "alternatives": "[]IPKAlternative", "arch": nil, "auto_installed": nil, "essential": nil, "fields": nil, "predepends": nil, "tags": nil],
        "IPKAlternative": ["link_name": nil, "priority": nil, "target": nil],
        "MSIX": ["applications": "[]MSIXApplication", "arch": nil, "capabilities": "MSIXCapabilities", "dependencies": "MSIXDependencies", "identity": "MSIXIdentity", "properties": "MSIXProperties", "publisher": nil, "signature": "MSIXSignature"],
        "MSIXApplication": ["entry_point": nil, "executable": nil, "id": nil, "visual_elements": "MSIXVisualElements"],
        "MSIXCapabilities": ["capabilities": nil, "device_capabilities": nil, "restricted": nil],
        "MSIXDependencies": ["target_device_families": "[]MSIXTargetDeviceFamily"],
        "MSIXIdentity": ["resource_id": nil],
        "MSIXProperties": ["display_name": nil, "logo": nil, "publisher_display_name": nil],
        "MSIXSignature": ["pfx_file": nil],
        "MSIXTargetDeviceFamily": ["max_version_tested": nil, "min_version": nil, "name": nil],
        "MSIXVisualElements": ["background_color": nil, "description": nil, "display_name": nil, "square150x150_logo": nil, "square44x44_logo": nil],
        "Overridables": ["apk": "APK", "archlinux": "ArchLinux", "conflicts": nil, "contents": "[]Content", "deb": "Deb", "depends": nil, "ipk": "IPK", "msix": "MSIX", "provides": nil, "recommends": nil, "replaces": nil, "rpm": "RPM", "scripts": "Scripts", "suggests": nil, "umask": nil],
        "RPM": ["arch": nil, "buildhost": nil, "compression": nil, "group": nil, "packager": nil, "prefixes": nil, "requires": "RPMRequires", "scripts": "RPMScripts", "signature": "RPMSignature", "summary": nil],
        "RPMRequires": ["post": nil],
        "RPMScripts": ["posttrans": nil, "pretrans": nil, "verify": nil],
        "RPMSignature": ["key_file": nil, "key_id": nil],
        "Scripts": ["postinstall": nil, "postremove": nil, "preinstall": nil, "preremove": nil],
    ]

    /// Formats falcopack does not build: their sections and `packager:` entries are left out, as nfpm leaves them out.
    static let otherFormats: Set<String> = ["apk", "archlinux", "ipk", "msix", "xbps"]

    /// nfpm's architecture names falcopack builds, and what each is.
    static let architectures: [String: Architecture] = [
        "amd64": .x86_64, "arm64": .aarch64, "all": .all, "386": .i386, "arm5": .armv5, "arm6": .armv6, "arm7": .armv7,
        "ppc64le": .ppc64le, "s390x": .s390x, "riscv64": .riscv64, "mips": .mips, "mipsle": .mipsle,
        "mips64le": .mips64le, "loong64": .loong64,
    ]
}

extension NfpmConfig {
    struct Reader {
        let file: String
        let environment: [String: String]
        let workingDirectory: String

        func location(_ node: Node, _ key: String) -> SourceLocation {
            SourceLocation(file: file, line: node.mark?.line, key: key.isEmpty ? nil : key)
        }

        func error(_ node: Node, _ key: String, _ message: String) -> SpecError {
            SpecError(at: location(node, key), message)
        }

        func join(_ key: String, _ child: String) -> String { key.isEmpty ? child : key + "." + child }

        // MARK: Checking

        /// Every key is one nfpm knows, every value of the kind it takes.
        func check(_ node: Node, shape: String, key: String) throws {
            if shape.hasPrefix("map:") {
                guard let mapping = node.mapping else { throw error(node, key, "expected a mapping") }
                for (name, value) in mapping {
                    try check(value, shape: String(shape.dropFirst(4)), key: join(key, name.string ?? ""))
                }
                return
            }
            if shape.hasPrefix("[]") {
                guard let sequence = node.sequence else { throw error(node, key, "expected a list") }
                for (index, element) in sequence.enumerated() {
                    try check(element, shape: String(shape.dropFirst(2)), key: "\(key)[\(index)]")
                }
                return
            }
            guard let fields = NfpmConfig.schema[shape] else { return }
            guard let mapping = node.mapping else {
                if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.tag.rawValue == Tag.Name.null.rawValue { return }
                throw error(node, key, "expected a mapping")
            }
            for (name, value) in mapping {
                let text = name.string ?? ""
                guard let child = fields[text] else {
                    throw SpecError(at: location(name, join(key, text)),
                                    "unknown key '\(text)': nfpm has no such key here (it knows \(fields.keys.sorted().joined(separator: ", ")))")
                }
                if let child { try check(value, shape: child, key: join(key, text)) }
            }
        }

        // MARK: Values

        /// nfpm's `os.Expand`: `$NAME` and `${NAME}` from the environment, unset as empty.
        func expand(_ text: String) -> String {
            var out = ""
            var rest = Substring(text)
            while let dollar = rest.firstIndex(of: "$") {
                out += rest[..<dollar]
                rest = rest[rest.index(after: dollar)...]
                if rest.first == "{", let close = rest.firstIndex(of: "}") {
                    out += environment[String(rest[rest.index(after: rest.startIndex)..<close])] ?? ""
                    rest = rest[rest.index(after: close)...]
                } else {
                    let name = rest.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
                    if name.isEmpty { out += "$" } else { out += environment[String(name)] ?? "" }
                    rest = rest[name.endIndex...]
                }
            }
            return out + rest
        }

        func string(_ node: Node?, _ key: String) throws -> String? {
            guard let node else { return nil }
            guard case .scalar(let scalar) = node else { throw error(node, key, "expected a string") }
            if scalar.style == .plain && (scalar.string.isEmpty || scalar.tag.rawValue == Tag.Name.null.rawValue) { return nil }
            return scalar.string
        }

        func strings(_ node: Node?, _ key: String) throws -> [(String, Node)] {
            guard let node else { return [] }
            guard let sequence = node.sequence else { throw error(node, key, "expected a list") }
            return try sequence.enumerated().compactMap { index, item in
                try string(item, "\(key)[\(index)]").map { ($0, item) }
            }
        }

        /// A template of a value read from the file: nfpm's values are text, never falcopack templates.
        func template(_ text: String, _ node: Node, _ key: String) throws -> Template {
            guard !text.contains("{{") else {
                throw error(node, key, "'\(text)' holds '{{', which falcopack would read as a template")
            }
            return Template(text, at: location(node, key))
        }

        /// A key nfpm knows that falcopack cannot honour for what it builds.
        func refuse(_ node: Node?, _ key: String, _ why: String) throws {
            guard let node else { return }
            if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "false" { return }
            if case .sequence(let sequence) = node, sequence.isEmpty { return }
            if case .mapping(let mapping) = node, mapping.isEmpty { return }
            throw error(node, key, "falcopack cannot honour '\(key)': \(why)")
        }
    }
}

extension NfpmConfig.Reader {
    /// The formats an nfpm configuration describes that falcopack writes packages in.
    static let packageFormats = ["deb", "rpm"]

    func spec(_ root: Node) throws -> Spec {
        func value(_ key: String) throws -> String? { try string(root[key], key) }
        func required(_ key: String) throws -> (String, Node) {
            guard let node = root[key], let text = try string(node, key) else {
                throw SpecError(at: SourceLocation(file: file, key: key), "nfpm's '\(key)' is missing; nfpm needs it too")
            }
            return (text, node)
        }
        let at = SourceLocation(file: file)

        // What falcopack cannot do as nfpm would: refused where it is written.
        try refuse(root["umask"], "umask", "falcopack writes the modes file_info gives, or the sources'")
        try refuse(root["mtime"], "mtime", "falcopack dates every file by SOURCE_DATE_EPOCH")
        if let platform = try value("platform"), platform != "linux" {
            throw error(root["platform"]!, "platform", "falcopack builds linux packages, not \(platform)")
        }

        // The version, split as nfpm splits a semantic version; the epoch before it, the release after.
        let (name, nameNode) = try required("name")
        let (rawVersion, versionNode) = try required("version")
        var version = expand(rawVersion)
        var prerelease = expand(try value("prerelease") ?? "")
        var metadata = try value("version_metadata") ?? ""
        let schema = try value("version_schema") ?? "semver"
        guard schema == "semver" || schema == "none" else {
            throw error(root["version_schema"]!, "version_schema", "'\(schema)' is not semver or none")
        }
        if schema == "semver", let parsed = Self.semver(version) {
            version = parsed.core
            if prerelease.isEmpty { prerelease = parsed.prerelease }
            if metadata.isEmpty { metadata = parsed.metadata }
        }
        if !prerelease.isEmpty { version += "~" + prerelease }
        if !metadata.isEmpty { version += "+" + metadata }
        if let epoch = try value("epoch").map(expand), !epoch.isEmpty {
            guard epoch.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw error(root["epoch"]!, "epoch", "'\(epoch)' is not a number")
            }
            version = epoch + ":" + version
        }
        let release = try value("release").map(expand).flatMap { $0.isEmpty ? nil : $0 }

        let (archText, archNode) = try required("arch")
        guard let architecture = NfpmConfig.architectures[expand(archText)] else {
            throw error(archNode, "arch", "falcopack builds \(NfpmConfig.architectures.keys.sorted().joined(separator: ", ")), not '\(expand(archText))'")
        }

        let description = try value("description") ?? ""
        let lines = description.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let summary = String(lines.first ?? "")
        let descriptionNode = root["description"] ?? nameNode
        let maintainer = try value("maintainer") ?? ""

        let package = PackageSection(
            name: try template(name, nameNode, "name"), version: try template(version, versionNode, "version"), release: nil,
            architectures: [architecture], maintainer: try template(maintainer, root["maintainer"] ?? nameNode, "maintainer"),
            summary: try template(summary, descriptionNode, "description"),
            description: try template(lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .newlines) : "",
                                      descriptionNode, "description"),
            homepage: try value("homepage").map { try template($0, root["homepage"]!, "homepage") },
            license: try value("license").map { try template($0, root["license"]!, "license") },
            vendor: try value("vendor").map { try template(expand($0), root["vendor"]!, "vendor") },
            section: try value("section").map { try template($0, root["section"]!, "section") },
            // nfpm's default priority; its section has none.
            priority: try template(try value("priority") ?? "optional", root["priority"] ?? nameNode, "priority"))

        let globbing: Bool
        switch try value("disable_globbing") {
        case nil, "false"?: globbing = true
        case "true"?: globbing = false
        case let other?: throw error(root["disable_globbing"]!, "disable_globbing", "'\(other)' is not true or false")
        }
        var formats: [String: FormatSection] = [:]
        var signingKey: (String, Node)?
        for format in Self.packageFormats {
            let override = root["overrides"]?[format]
            let own = override?[format] ?? root[format]
            var section = FormatSection(file: nil, contents: [], scripts: [:], relations: [:])
            section.release = try release.map { try template($0, root["release"]!, "release") }

            // Lists an override gives replace the top-level ones, as nfpm merges them.
            for (key, field) in [("depends", RelationField.depends), ("recommends", .recommends), ("suggests", .suggests),
                                 ("conflicts", .conflicts), ("replaces", .replaces), ("provides", .provides)] {
                let node = override?[key] ?? root[key]
                let keyPath = override?[key] != nil ? "overrides.\(format).\(key)" : key
                // nfpm expands variables in an override's depends, and in no other list.
                let expands = override?[key] != nil && key == "depends"
                let list = try strings(node, keyPath).map { text, item in
                    try template(Self.debRelation(expands ? expand(text) : text), item, keyPath)
                }
                if !list.isEmpty { section.relations[field] = list }
            }
            let contentsNode = override?["contents"] ?? root["contents"]
            let contentsKey = override?["contents"] != nil ? "overrides.\(format).contents" : "contents"
            section.contents = try contents(contentsNode, key: contentsKey, format: format, globbing: globbing)
            section.scripts = try scripts(root["scripts"], key: "scripts")
                .merging(try scripts(override?["scripts"], key: "overrides.\(format).scripts")) { $1 }

            if let own {
                let key = override?[format] != nil ? "overrides.\(format).\(format)" : format
                try refuse(own["arch"], key + ".arch", "the package's architecture is 'arch'")
                if let compression = try string(own["compression"], key + ".compression") {
                    guard ["gzip", "xz", "zstd"].contains(compression) else {
                        throw error(own["compression"]!, key + ".compression", "falcopack compresses with gzip, xz or zstd, not \(compression)")
                    }
                    section.compression = Template(Self.codec(compression), at: location(own["compression"]!, key + ".compression"))
                }
                if let signature = own["signature"] {
                    try refuse(signature["key_id"], key + ".signature.key_id", "falcopack signs with the key in key_file")
                    try refuse(signature["method"], key + ".signature.method", "falcopack signs debs as debsigs does (_gpgorigin)")
                    try refuse(signature["signer"], key + ".signature.signer", "the signer is the key's")
                    if let type = try string(signature["type"], key + ".signature.type"), type != "origin" {
                        throw error(signature["type"]!, key + ".signature.type", "falcopack writes origin signatures, not \(type)")
                    }
                    if let keyFile = try string(signature["key_file"], key + ".signature.key_file") {
                        let path = SpecPath.absolute(expand(keyFile), base: workingDirectory)
                        if let (other, _) = signingKey, other != path {
                            throw error(signature["key_file"]!, key + ".signature.key_file", "falcopack signs a build with one key; \(other) signs the other format")
                        }
                        signingKey = (path, signature["key_file"]!)
                    }
                }
                switch format {
                case "deb":
                    try refuse(own["arch_variant"], key + ".arch_variant", "falcopack builds the baseline of each architecture")
                    if let triggers = own["triggers"] {
                        // deb-triggers(5): one directive and its name a line, in nfpm's order.
                        var lines: [String] = []
                        for directive in ["interest", "interest_await", "interest_noawait", "activate", "activate_await", "activate_noawait"] {
                            for (name, _) in try strings(triggers[directive], key + ".triggers." + directive) {
                                lines.append(directive.replacingOccurrences(of: "_", with: "-") + " " + name)
                            }
                        }
                        if !lines.isEmpty {
                            section.scriptTexts[.triggers] = try template(lines.joined(separator: "\n") + "\n", triggers, key + ".triggers")
                        }
                    }
                    try refuse(own["scripts"], key + ".scripts", "falcopack writes no debconf rules, templates or config")
                    for (relationKey, field) in [("breaks", RelationField.breaks), ("predepends", .preDepends)] {
                        let list = try strings(own[relationKey], key + "." + relationKey).map { text, item in
                            try template(Self.debRelation(text), item, key + "." + relationKey)
                        }
                        if !list.isEmpty { section.relations[field] = list }
                    }
                    if let fields = own["fields"]?.mapping {
                        for (fieldName, fieldValue) in fields {
                            let text = fieldName.string ?? ""
                            section.fields.append((text, try template(try string(fieldValue, key + ".fields." + text) ?? "",
                                                                      fieldValue, key + ".fields." + text)))
                        }
                    }
                case "rpm":
                    try refuse(own["prefixes"], key + ".prefixes", "falcopack writes packages that install where they say")
                    try refuse(own["requires"], key + ".requires", "give the dependency in depends")
                    try refuse(own["buildhost"], key + ".buildhost", "falcopack writes no build host, so builds are reproducible")
                    if let rpmScripts = own["scripts"] {
                        try refuse(rpmScripts["verify"], key + ".scripts.verify", "falcopack writes no %verifyscript")
                        for (scriptKey, slot) in [("pretrans", ScriptSlot.preTransaction), ("posttrans", .postTransaction)] {
                            if let path = try string(rpmScripts[scriptKey], key + ".scripts." + scriptKey) {
                                section.scripts[slot] = try template(SpecPath.absolute(path, base: workingDirectory),
                                                                    rpmScripts[scriptKey]!, key + ".scripts." + scriptKey)
                            }
                        }
                    }
                    if let text = try string(own["summary"], key + ".summary") { section.summary = try template(text, own["summary"]!, key + ".summary") }
                    if let text = try string(own["group"], key + ".group") { section.section = try template(text, own["group"]!, key + ".group") }
                    if let text = try string(own["packager"], key + ".packager") {
                        section.packager = try template(expand(text), own["packager"]!, key + ".packager")
                    }
                default:
                    break
                }
            }
            // nfpm's rpm description is the whole text; its Summary the first line unless rpm.summary says; its
            // Group rpm.group's, or none.
            if format == "rpm" {
                section.description = try template(description, descriptionNode, "description")
                if section.section == nil { section.section = Template("", at: at) }
            }
            if section.compression == nil { section.compression = Template("gzip:6", at: at) }
            formats[format] = section
        }
        for other in NfpmConfig.otherFormats { _ = root[other] }

        let top = try contents(root["contents"], key: "contents", format: nil, globbing: globbing)
        var spec = Spec(
            file: file, sourceDateEpoch: 0, inputs: [], variables: [], driver: nil,
            package: package, contents: [],
            variants: [Variant.only(package.name)],
            formats: formats,
            tarballs: SpecCompletion.binTarball(Template("{{ package }}-{{ file-version }}-linux-{{ arch }}.tar.gz", at: at),
                                                contents: top.filter { !$0.destination.text.allSatisfy { $0 == "/" } }),
            images: nil, signing: nil,
            sbom: SBOMSection(spdx: Template("{{ package }}-{{ file-version }}.spdx.json", at: at),
                              cyclonedx: Template("{{ package }}-{{ file-version }}.cdx.json", at: at), components: [], location: at),
            repository: nil)
        // File names carry the version without its epoch.
        spec.variables.append(("file-version", Template(String(PackageVersion.splittingEpoch(version).version), at: at)))
        spec.variables.append(("package", package.name))
        spec.isOnePackage = true
        spec.completesRelease = false
        spec.nativeChangelog = false
        if let path = try value("changelog") { spec.changelog = try changelog(path, node: root["changelog"]!) }
        if let (key, node) = signingKey { spec.signing = SigningSection(key: Template(key, at: location(node, "signature.key_file")), location: location(node, "signature.key_file")) }
        return spec
    }

    /// nfpm's `contents` for `format` (nil: every format's, as a tarball holds them), each as the spec entry it is.
    func contents(_ node: Node?, key: String, format: String?, globbing: Bool) throws -> [ContentEntry] {
        guard let node else { return [] }
        guard let sequence = node.sequence else { throw error(node, key, "expected a list") }
        var entries: [ContentEntry] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(key)[\(index)]"
            let packager = try string(item["packager"], path + ".packager") ?? ""
            if !packager.isEmpty && packager != format { continue }
            let type = try string(item["type"], path + ".type") ?? ""
            // Kinds rpm alone has, as nfpm leaves them out of a deb and a tarball.
            if ["ghost", "license", "licence", "readme", "doc"].contains(type) && format != "rpm" { continue }
            let info = item["file_info"]
            try refuse(item["expand"], path + ".expand", "falcopack expands no variables in paths")
            try refuse(item["disown_subtree"], path + ".disown_subtree", "falcopack owns what it installs")
            try refuse(info?["mtime"], path + ".file_info.mtime", "falcopack dates every file by SOURCE_DATE_EPOCH")
            try refuse(info?["lang"], path + ".file_info.lang", "falcopack marks no file with a language")
            for owner in ["owner", "group"] {
                if let name = try string(info?[owner], path + ".file_info." + owner), name != "root" {
                    throw error(info![owner]!, path + ".file_info." + owner, "falcopack installs every file as root:root, not \(name)")
                }
            }
            var mode: UInt32?
            if let text = try string(info?["mode"], path + ".file_info.mode") {
                guard let parsed = Self.mode(text) else { throw error(info!["mode"]!, path + ".file_info.mode", "'\(text)' is not a mode") }
                mode = parsed
            }
            guard let dst = try string(item["dst"], path + ".dst") else {
                throw error(item, path + ".dst", "every entry needs dst")
            }
            let dstNode = item["dst"]!
            let src = try string(item["src"], path + ".src")
            var attributes: PackageFile.Attributes = []
            var entryType: ContentEntry.EntryType?
            switch type {
            case "", "file": break
            case "config", "config|tree": attributes = [.config]
            case "config|noreplace", "config|noreplace|tree": attributes = [.config, .noReplace]
            case "config|missingok", "config|missingok|tree": attributes = [.config, .missingOK]
            case "doc": attributes = [.doc]
            case "license", "licence": attributes = [.license]
            case "readme": attributes = [.readme]
            case "ghost": attributes = [.ghost]
            case "dir": entryType = .directory
            case "symlink": entryType = .symlink
            case "tree": entryType = .tree
            default: throw error(item["type"]!, path + ".type", "'\(type)' is not a type nfpm has")
            }
            if type.hasSuffix("|tree") { entryType = .tree }
            let location = self.location(item, path)
            switch entryType {
            case .directory?:
                entries.append(ContentEntry(location: location, destination: try template(dst, dstNode, path + ".dst"),
                                            type: .directory, permissions: mode ?? 0o755))
            case .symlink?:
                guard let src else { throw error(item, path + ".src", "a symlink needs src, its target") }
                entries.append(ContentEntry(location: location, destination: try template(dst, dstNode, path + ".dst"),
                                            type: .symlink, target: try template(src, item["src"]!, path + ".src")))
            default:
                if attributes.contains(.ghost) {
                    entries.append(ContentEntry(location: location, destination: try template(dst, dstNode, path + ".dst"),
                                                type: .file, permissions: mode, attributes: attributes))
                    continue
                }
                guard let src else { throw error(item, path + ".src", "every file needs src") }
                for (source, target) in try sources(src, dst: dst, node: item["src"]!, key: path + ".src", globbing: globbing) {
                    var isFolder: ObjCBool = false
                    FileManager.default.fileExists(atPath: source, isDirectory: &isFolder)
                    entries.append(ContentEntry(location: location, source: try template(source, item["src"]!, path + ".src"),
                                                destination: try template(target, dstNode, path + ".dst"),
                                                type: isFolder.boolValue ? .tree : entryType ?? .file,
                                                permissions: mode, attributes: attributes))
                }
            }
        }
        return entries
    }

    /// The files a `src` names, each with its install path: as written, or every match of a glob under `dst` as a
    /// folder. A glob that matches nothing, or a source that is not there, is an error at its line.
    func sources(_ src: String, dst: String, node: Node, key: String, globbing: Bool) throws -> [(String, String)] {
        let absolute = SpecPath.absolute(src, base: workingDirectory)
        let isGlob = globbing && src.contains { "*?[{".contains($0) }
        guard isGlob else {
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw SpecError(.input, at: location(node, key), "'\(src)' does not exist (sources are read from \(workingDirectory), as nfpm reads them)")
            }
            return [(absolute, dst)]
        }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(absolute, 0, nil, &matches) == 0, matches.gl_pathc > 0 else {
            throw SpecError(.input, at: location(node, key), "the glob '\(src)' matches nothing (in \(workingDirectory))")
        }
        let found = (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
        // The part of the pattern before its first wildcard is what each match's path is kept relative to.
        let prefix = String(absolute.prefix { !"*?[{".contains($0) })
        let base = prefix.hasSuffix("/") ? prefix : (prefix as NSString).deletingLastPathComponent + "/"
        let folder = dst.hasSuffix("/") ? dst : dst + "/"
        return found.map { match in (match, folder + String(match.dropFirst(base.count))) }
    }

    /// The changelog nfpm reads (chglog's format): entries of `semver`, `date` (RFC 3339), `packager` and `changes`
    /// (each a `note`), newest first.
    func changelog(_ path: String, node: Node) throws -> [ChangelogSection] {
        let absolute = SpecPath.absolute(path, base: workingDirectory)
        guard let data = FileManager.default.contents(atPath: absolute), let text = String(data: data, encoding: .utf8) else {
            throw SpecError(.input, at: location(node, "changelog"), "'\(path)' cannot be read (it is read from \(workingDirectory), as nfpm reads it)")
        }
        let reader = NfpmConfig.Reader(file: absolute, environment: environment, workingDirectory: workingDirectory)
        guard let entries = try SpecNode.parse(text, file: absolute).node.sequence else {
            throw reader.error(node, "", "a changelog is a list of entries (semver, date, packager, changes)")
        }
        let dates = ISO8601DateFormatter()
        return try entries.enumerated().map { index, entry in
            let key = "[\(index)]"
            guard let version = try reader.string(entry["semver"], key + ".semver") else {
                throw reader.error(entry, key + ".semver", "every entry needs semver")
            }
            guard let text = try reader.string(entry["date"], key + ".date"), let date = dates.date(from: text) else {
                throw reader.error(entry["date"] ?? entry, key + ".date", "every entry needs a date such as 2024-05-01T10:00:00Z")
            }
            let notes = try (entry["changes"]?.sequence ?? []).enumerated().compactMap { number, change in
                try reader.string(change["note"], key + ".changes[\(number)].note")
            }
            return ChangelogSection(
                version: try reader.template(version, entry["semver"]!, key + ".semver"),
                maintainer: try reader.string(entry["packager"], key + ".packager").map { try reader.template($0, entry["packager"]!, key + ".packager") },
                date: Int64(date.timeIntervalSince1970),
                changes: try zip(notes.indices, notes).map { number, note in try reader.template(note, entry, key + ".changes[\(number)]") },
                location: reader.location(entry, key))
        }
    }

    func scripts(_ node: Node?, key: String) throws -> ScriptTemplates {
        var scripts: ScriptTemplates = [:]
        for (name, slot) in [("preinstall", ScriptSlot.preInstall), ("postinstall", .postInstall),
                             ("preremove", .preRemove), ("postremove", .postRemove)] {
            if let path = try string(node?[name], key + "." + name) {
                scripts[slot] = try template(SpecPath.absolute(path, base: workingDirectory), node![name]!, key + "." + name)
            }
        }
        return scripts
    }

    /// The level that gives what nfpm's encoder gives for its codec: gzip's default (6); zstd's default speed
    /// (3); for xz, level 1, whose packages are already smaller than those of nfpm's Go xz encoder (which come
    /// out near level 0's), so a `compression: xz` package is no larger than nfpm's.
    static func codec(_ name: String) -> String {
        switch name {
        case "gzip": "gzip:6"
        case "zstd": "zstd:3"
        default: "xz:1"
        }
    }

    /// A mode as nfpm's YAML gives it: `0755` and `0o755` are octal, `493` decimal.
    static func mode(_ text: String) -> UInt32? {
        if text.hasPrefix("0o") { return UInt32(text.dropFirst(2), radix: 8) }
        if text.hasPrefix("0") && text.count > 1 { return UInt32(text.dropFirst(), radix: 8) }
        return UInt32(text)
    }

    /// A relation in rpm's syntax (`glibc >= 2.31`) in deb's, which falcopack reads for every format.
    static func debRelation(_ text: String) -> String {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, ["<", "<=", "=", ">=", ">"].contains(parts[1]) else { return text }
        let operation = parts[1] == "<" ? "<<" : parts[1] == ">" ? ">>" : String(parts[1])
        return "\(parts[0]) (\(operation) \(parts[2]))"
    }

    /// `v1.2.3-rc.1+build5` as nfpm's semantic-version parser splits it: the core always three numbers.
    static func semver(_ text: String) -> (core: String, prerelease: String, metadata: String)? {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        var metadata = ""
        if let plus = rest.firstIndex(of: "+") {
            metadata = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
        }
        var prerelease = ""
        if let dash = rest.firstIndex(of: "-") {
            prerelease = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(numbers.count), numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return nil }
        let values = numbers.compactMap { UInt64($0) }
        guard values.count == numbers.count else { return nil }
        let padded = values + Array(repeating: 0, count: 3 - values.count)
        return (padded.map(String.init).joined(separator: "."), prerelease, metadata)
    }
}
