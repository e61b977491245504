import Codecs
import FormatSeam
import Foundation
import PackageModel
import ReleaseLayout
import SBOM
import Signing
import SpecFile

/// Expands a spec into a `Plan`. Everything that can be wrong with the spec or the inputs is found here, before
/// any output exists: each format checks its artifacts, and a violation is reported at the spec line (or the flag)
/// that put the offending value there.
public struct Planner {
    let request: BuildRequest
    let hooks: PlanHooks
    let base: Scope
    /// The whole release the spec describes; the plan writes the entries the selection picks.
    let layout: ReleaseLayout

    public static func plan(_ request: BuildRequest, hooks: PlanHooks = PlanHooks()) throws -> Plan {
        try Planner(request: request, hooks: hooks).plan()
    }

    init(request: BuildRequest, hooks: PlanHooks) throws {
        self.request = request
        self.hooks = hooks
        base = try BuildScope.base(spec: request.spec, inputs: request.inputs, hooks: hooks)
        let inputs = request.inputs
        layout = try ReleaseLayout(spec: request.spec, formats: request.formats, base: base) { BuildScope.origin(of: $0, inputs: inputs) }
    }

    var spec: Spec { request.spec }

    func plan() throws -> Plan {
        let codecOverride = try request.compression.map { text in
            do {
                return try Codec(parsing: text)
            } catch {
                throw SpecError(.usage, at: SourceLocation(file: "--compression"), "\(error)")
            }
        }
        for name in request.selection.packages.keys where request.formats.named(name) == nil {
            throw SpecError(.usage, at: SourceLocation(file: spec.file), "no package format is named '\(name)'")
        }
        for (format, variants) in request.selection.packages {
            guard spec.formats[format] != nil else {
                throw SpecError(.usage, at: SourceLocation(file: spec.file),
                                "the spec has no '\(format)' section; add one to build \(format) packages")
            }
            for name in variants where !spec.variants.contains(where: { $0.name == name }) {
                throw SpecError(.usage, at: SourceLocation(file: "--driver"),
                                "'\(name)' is not a variant of \(spec.file) (variants: \(spec.variants.map(\.name).joined(separator: ", ")))")
            }
        }
        for name in request.selection.tarballs where !(spec.tarballs?.kinds.contains { $0.name == name } ?? false) {
            throw SpecError(.usage, at: SourceLocation(file: "--\(name)"), "'\(name)' is not a tarball of \(spec.file)")
        }
        if !request.selection.images.isEmpty && spec.images == nil {
            throw SpecError(.usage, at: SourceLocation(file: spec.file), "the spec declares no images")
        }
        let architectures = try selectedArchitectures()
        try InputCheck.check(request, architectures: architectures)
        try checkRules()

        var jobs: [Job] = []
        var aliases: [Alias] = []
        let selection = request.selection
        for entry in layout.entries where entry.architecture.map(architectures.contains) ?? true {
            switch entry.role {
            case .package(let format, let variant) where selection.packages[format]?.contains(variant) == true:
                jobs.append(try packageJob(entry, codecOverride: codecOverride))
            case .alias(let target) where jobs.contains { $0.name == target }:
                aliases.append(Alias(name: entry.name, target: target))
            case .tarball(let name, _) where selection.tarballs.contains(name):
                jobs.append(try tarballJob(entry))
            case .images where !selection.images.isEmpty:
                let imagesOnly = selection.packages.isEmpty && selection.tarballs.isEmpty
                if let job = try imageJob(entry, names: selection.images, others: jobs, architectures: architectures,
                                          imagesOnly: imagesOnly) {
                    jobs.append(job)
                }
            default:
                continue
            }
        }
        let billOfMaterials = selection.checksums ? try billOfMaterialsPlan() : nil
        var plan = Plan(jobs: jobs, aliases: aliases, writesChecksums: request.selection.checksums,
                        outputDirectory: request.outputDirectory, context: request.context,
                        concurrency: max(1, request.jobs), cacheDirectory: request.cacheDirectory)
        plan.billOfMaterials = billOfMaterials
        plan.signer = try signer()
        return plan
    }

    /// `--arch`, in any spelling, each one of the spec's; every architecture when it is not given.
    private func selectedArchitectures() throws -> Set<Architecture> {
        let declared = spec.package.architectures
        var chosen = Set<Architecture>()
        for spelling in request.selection.architectures {
            guard let architecture = Architecture(spelling: spelling) else {
                throw SpecError(.usage, at: SourceLocation(file: "--arch"),
                                "'\(spelling)' is not an architecture (x86_64 or amd64, aarch64 or arm64)")
            }
            guard declared.contains(architecture) else {
                throw SpecError(.usage, at: SourceLocation(file: "--arch"),
                                "'\(spelling)' is not an architecture of \(spec.file) (\(declared.map(\.rawValue).joined(separator: ", ")))")
            }
            chosen.insert(architecture)
        }
        return chosen.isEmpty ? Set(declared) : chosen
    }

    /// The release's own rules, at the line or flag that made the offending name.
    private func checkRules() throws {
        guard let violation = layout.violations().first else { return }
        let (location, category) = switch (violation.kind, violation.template) {
        case (.imageTag, let template?): origin(of: template)
        case (_, let template?): (template.location, SpecError.Category.spec)
        case (_, nil): (SourceLocation(file: spec.file), SpecError.Category.spec)
        }
        throw SpecError(category, at: location, violation.description)
    }

    // MARK: Signing and bills of materials

    /// The signer of the spec's key, unlocked now: a key that cannot sign stops the build before anything is written.
    private func signer() throws -> Signer? {
        guard let section = spec.signing else { return nil }
        let key = try section.key.expand(in: base).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { return nil }
        return try SigningKeys.signer(key: key, passphrase: request.signingPassphrase,
                                      notBefore: UInt32(clamping: request.context.sourceDateEpoch))
    }

    private func billOfMaterialsPlan() throws -> BillOfMaterialsPlan? {
        try BillOfMaterialsPlan.make(spec: spec, layout: layout)
    }

    // MARK: Packages

    private func packageJob(_ entry: ReleaseLayout.Entry, codecOverride: Codec?) throws -> Job {
        let format = entry.format!, variant = entry.variant!
        let (artifact, provenance) = try packageArtifact(format, section: spec.formats[format.name]!, variant: variant,
                                                         architecture: entry.architecture!, scope: entry.scope,
                                                         codecOverride: codecOverride)
        try provenance.reporting { try format.validate(artifact) }
        return Job(name: entry.name, role: entry.role, format: format, artifact: artifact, signature: entry.signature)
    }

    /// A variant's package in one format, and where each part of it came from; not yet checked by the format.
    func packageArtifact(_ format: any ArtifactFormat, section: FormatSection, variant: Variant,
                         architecture: Architecture, scope: Scope, codecOverride: Codec?) throws -> (Artifact, Provenance) {
        let perFormat = variant.formats[format.name] ?? VariantFormat()
        var provenance = Provenance(spec: spec)
        let package = spec.package

        provenance.metadata[.name] = origin(of: variant.package)
        var metadata = try packageMetadata(
            format, name: try scope.value(of: "package", at: variant.package.location),
            summary: variant.summary ?? section.summary ?? package.summary, release: section.release ?? package.release,
            architecture: architecture, scope: scope, provenance: &provenance
        ) { provenance in
            var relations = Relations()
            for source in [section.relations, variant.relations, perFormat.relations] {
                for (field, templates) in source.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    for template in templates {
                        relations[field].append(try relation(template, in: scope))
                        provenance.relations[field, default: []].append(origin(of: template))
                    }
                }
            }
            return relations
        }
        if let description = section.description { metadata.description = try description.expand(in: scope) }
        if let group = section.section { metadata.section = try group.expand(in: scope) }
        if let packager = section.packager { metadata.packager = try packager.expand(in: scope) }
        for (name, value) in section.fields {
            metadata.extraFields.append(ExtraField(name: name, value: try value.expand(in: scope)))
        }
        var files = try ContentResolver(root: .installPaths, scope: scope)
            .resolve(spec.contents + section.contents + variant.contents + perFormat.contents)
        // What a package installs in /etc is configuration (Debian policy 10.7.2; rpm's %config), unless the
        // spec says how (an nfpm configuration says it of every file).
        for index in files.indices where spec.completesRelease && files[index].file.path.hasPrefix("/etc/")
            && !files[index].file.attributes.contains(.config) {
            switch files[index].file.type {
            case .regular, .generated: files[index].file.attributes.formUnion([.config, .noReplace])
            default: break
            }
        }
        for file in files { provenance.files[file.file.path] = (file.origin, .spec) }
        let scriptTemplates = section.scripts.merging(variant.scripts) { $1 }.merging(perFormat.scripts) { $1 }
        var scripts = PackageScripts()
        for (slot, template) in scriptTemplates {
            scripts[slot] = try readScript(template, in: scope)
            provenance.scripts[slot] = (template.location, .spec)
        }
        for (slot, template) in section.scriptTexts {
            scripts[slot] = try template.expand(in: scope)
            provenance.scripts[slot] = (template.location, .spec)
        }

        let codec: Codec
        if let codecOverride {
            codec = codecOverride
            provenance.codec = (SourceLocation(file: "--compression"), .usage)
        } else if let template = section.compression {
            codec = try parseCodec(template, in: scope)
            provenance.codec = (template.location, .spec)
        } else {
            codec = format.defaultCodec
        }
        var built = Package(metadata: metadata, files: files.map(\.file), scripts: scripts)
        if spec.isOnePackage && (spec.completesRelease || !spec.changelog.isEmpty) {
            built.metadata.nativeChangelog = spec.nativeChangelog
            built.metadata.changelog = try changelog(format, release: section.release ?? spec.package.release,
                                                       scope: scope, version: metadata.version)
            built = try format.addingDocuments(to: built)
        }
        return (Artifact(package: built, codec: codec), provenance)
    }

    /// The spec's changelog as the format writes versions, else one entry for this version, dated by the build.
    private func changelog(_ format: any ArtifactFormat, release: Template?, scope: Scope,
                           version: PackageVersion) throws -> [ChangelogEntry] {
        let maintainer = try spec.package.maintainer.expand(in: scope)
        guard !spec.changelog.isEmpty else {
            return [ChangelogEntry(date: request.context.sourceDateEpoch, maintainer: maintainer,
                                   version: version.description, changes: ["Release \(version.upstream)."])]
        }
        let release = try release?.expand(in: scope)
        return try spec.changelog.map { entry in
            let written = try format.version(upstream: try entry.version.expand(in: scope), release: release)
            return ChangelogEntry(date: entry.date, maintainer: try entry.maintainer?.expand(in: scope) ?? maintainer,
                                  version: written.description,
                                  changes: try entry.changes.map { try $0.expand(in: scope) })
        }
    }

    /// The package section of the spec as one artifact carries it, expanded in its scope under the artifact's name
    /// and summary: the same fields for a package, a tarball and an image set, so each is described alike (in the
    /// bills of materials, say). The version is checked by the format first, then `relations` are made.
    func packageMetadata(_ format: any ArtifactFormat, name: String, summary: Template, release: Template?,
                         architecture: Architecture, scope: Scope,
                         provenance: inout Provenance,
                         relations: (inout Provenance) throws -> Relations = { _ in Relations() }) throws -> PackageMetadata {
        let package = spec.package
        provenance.metadata[.version] = origin(of: package.version)
        let version = try provenance.reporting {
            try format.version(upstream: try package.version.expand(in: scope), release: try release?.expand(in: scope))
        }
        let relations = try relations(&provenance)
        for (field, template) in [(PackageMetadata.Field.maintainer, package.maintainer), (.summary, summary),
                                  (.description, package.description)] {
            provenance.metadata[field] = origin(of: template)
        }
        for (field, template) in [(PackageMetadata.Field.homepage, package.homepage), (.section, package.section),
                                  (.priority, package.priority), (.license, package.license), (.vendor, package.vendor)] {
            if let template { provenance.metadata[field] = origin(of: template) }
        }
        return PackageMetadata(
            name: name, version: version, architecture: architecture,
            maintainer: try package.maintainer.expand(in: scope), summary: try summary.expand(in: scope),
            description: try package.description.expand(in: scope), homepage: try package.homepage?.expand(in: scope),
            section: try package.section?.expand(in: scope), priority: try package.priority?.expand(in: scope),
            license: try package.license?.expand(in: scope), vendor: try package.vendor?.expand(in: scope),
            relations: relations)
    }

    private func relation(_ template: Template, in scope: Scope) throws -> Relation {
        let text = try template.expand(in: scope)
        do {
            return try Relation(parsing: text)
        } catch let error as Relation.InvalidRelation {
            throw SpecError(at: template.location, error.description)
        }
    }

    private func readScript(_ template: Template, in scope: Scope) throws -> String {
        let path = SpecPath.absolute(try template.expand(in: scope), base: spec.directory)
        return try Template.expandFile(path, in: scope, namedAt: template.location)
    }

    // MARK: Tarballs

    private func tarballJob(_ entry: ReleaseLayout.Entry) throws -> Job {
        let format = entry.format!, tarball = entry.tarball!, scope = entry.scope, name = entry.name
        let section = spec.tarballs!
        let top = ReleaseLayout.topFolder(ofTarball: name, format: format)
        let planned = try ContentResolver(root: .relativeToTop, scope: scope).resolve(tarball.contents)
        try hooks.checkTarball(tarball, planned)
        var provenance = Provenance(spec: spec)
        let files = planned.map { planned -> PackageFile in
            var file = planned.file
            file.path = "/" + top + file.path
            provenance.files[file.path] = (planned.origin, .spec)
            return file
        }
        let codec = try section.compression.map { try parseCodec($0, in: scope) } ?? format.defaultCodec
        // A tarball every architecture shares is described as the first architecture's, as it is named.
        let metadata = try packageMetadata(format, name: try scope.value(of: "package", at: spec.package.name.location),
                                           summary: spec.package.summary, release: nil,
                                           architecture: entry.architecture ?? spec.package.architectures[0],
                                           scope: scope, provenance: &provenance)
        let artifact = Artifact(package: Package(metadata: metadata, files: files), codec: codec)
        try provenance.reporting { try format.validate(artifact) }
        return Job(name: name, role: entry.role, format: format, artifact: artifact, signature: entry.signature)
    }

    // MARK: Names and codecs

    /// Where a template's value came from: the flag or variable of an input it uses, else its spec line.
    func origin(of template: Template) -> (SourceLocation, SpecError.Category) {
        BuildScope.origin(of: template, inputs: request.inputs)
    }

    func parseCodec(_ template: Template, in scope: Scope) throws -> Codec {
        do {
            return try Codec(parsing: try template.expand(in: scope))
        } catch let error as Codec.ParseError {
            throw SpecError(at: template.location, error.description)
        }
    }
}

/// Where each part of a planned artifact came from, so that a format's objection to it is reported there.
struct Provenance {
    typealias Origin = (location: SourceLocation, category: SpecError.Category)
    let spec: Spec
    var metadata: [PackageMetadata.Field: Origin] = [:]
    var relations: [RelationField: [Origin]] = [:]
    var scripts: [ScriptSlot: Origin] = [:]
    var files: [String: Origin] = [:]
    var codec: Origin?
    var images: [String: Origin] = [:]
    var layers: [String: Origin] = [:]

    init(spec: Spec) {
        self.spec = spec
    }

    /// Runs `body`, turning a format's violation into a spec error at the origin of what it objects to.
    func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let violation as FormatViolation {
            let (location, category) = origin(of: violation.subject)
            throw SpecError(category, at: location, violation.description)
        }
    }

    private func origin(of subject: FormatViolation.Subject) -> Origin {
        let found: Origin? = switch subject {
        case .metadata(let field): metadata[field]
        case .relation(let field, let index): relations[field].flatMap { index < $0.count ? $0[index] : nil }
        case .script(let slot): scripts[slot]
        case .file(let path): files[path]
        case .codec: codec
        case .image(let name): images[name]
        case .layer(let name): layers[name] ?? codec
        }
        return found ?? (SourceLocation(file: spec.file), .spec)
    }
}
