import Compression
import DebFormat
import Foundation
import PackageModel
import RPMFormat
import SpecFile
import TarballFormat

/// Expands a spec into a `Plan`. Everything that can be wrong with the spec or the inputs is found here, before
/// any output exists.
public struct Planner {
    let request: BuildRequest
    let hooks: PlanHooks
    let base: Scope

    public static func plan(_ request: BuildRequest, hooks: PlanHooks = PlanHooks()) throws -> Plan {
        try Planner(request: request, hooks: hooks).plan()
    }

    init(request: BuildRequest, hooks: PlanHooks) throws {
        self.request = request
        self.hooks = hooks
        base = Scope()
        for (name, input) in request.inputs.values { base.set(name, input.value) }
        for (name, value) in request.spec.variables { base.set(name, template: value) }
        try hooks.prepare(base)
    }

    private var spec: Spec { request.spec }

    func plan() throws -> Plan {
        let upstream = try checkedVersion()
        var jobs: [Job] = []
        var aliases: [Alias] = []
        for (format, variants) in [("deb", request.selection.debs), ("rpm", request.selection.rpms)] {
            let section = format == "deb" ? spec.deb : spec.rpm
            for name in variants {
                guard let variant = spec.variants.first(where: { $0.name == name }) else {
                    throw SpecError(.usage, at: SourceLocation(file: "--driver"),
                                    "'\(name)' is not a variant of \(spec.file) (variants: \(spec.variants.map(\.name).joined(separator: ", ")))")
                }
                let job = try packageJob(format: format, section: section, variant: variant, upstream: upstream)
                jobs.append(job)
                if variant.isDefault, let alias = section.alias {
                    let scope = try packageScope(format: format, variant: variant)
                    aliases.append(Alias(name: try fileName(alias, in: scope), target: job.name))
                }
            }
        }
        if let tarballs = spec.tarballs {
            for name in request.selection.tarballs {
                guard let kind = tarballs.kinds.first(where: { $0.name == name }) else {
                    throw SpecError(.usage, at: SourceLocation(file: "--\(name)"),
                                    "'\(name)' is not a tarball kind of \(spec.file)")
                }
                jobs.append(try tarballJob(kind, section: tarballs))
            }
        }

        var seen: Set<String> = []
        for name in jobs.map(\.name) + aliases.map(\.name) where !seen.insert(name).inserted {
            throw SpecError(at: SourceLocation(file: spec.file), "two artifacts would both be named '\(name)'; make the file templates differ")
        }
        return Plan(jobs: jobs, aliases: aliases, writesChecksums: request.selection.checksums,
                    outputDirectory: request.outputDirectory, context: request.context,
                    concurrency: max(1, request.jobs), cacheDirectory: request.cacheDirectory)
    }

    // MARK: Packages

    private func packageScope(format: String, variant: Variant) throws -> Scope {
        try ArtifactScope.package(base, spec: spec, format: format, variant: variant)
    }

    private func packageJob(format: String, section: FormatSection, variant: Variant, upstream: String) throws -> Job {
        let scope = try packageScope(format: format, variant: variant)
        let perFormat = format == "deb" ? variant.deb : variant.rpm
        let name = try fileName(section.file, in: scope)

        let version: PackageVersion
        let versionLocation = spec.package.version.location
        do {
            if format == "deb" {
                version = try PackageVersion(parsing: upstream)
            } else {
                // rpm versions cannot hold '-'; rpmbuild users write '_' for it.
                let release = try (section.release ?? spec.package.release).map { try $0.expand(in: scope) } ?? "1"
                version = PackageVersion(upstream: upstream.replacingOccurrences(of: "-", with: "_"), revision: release)
            }
        } catch {
            throw SpecError(.input, at: versionLocation, "\(error)")
        }

        var relations = Relations()
        for source in [section.relations, variant.relations, perFormat.relations] {
            try add(source, to: &relations, in: scope)
        }
        let metadata = PackageMetadata(
            name: try scope.value(of: "package", at: variant.package.location),
            version: version,
            architecture: spec.package.architecture,
            maintainer: try spec.package.maintainer.expand(in: scope),
            summary: try (variant.summary ?? spec.package.summary).expand(in: scope),
            description: try spec.package.description.expand(in: scope),
            homepage: try spec.package.homepage?.expand(in: scope),
            section: try spec.package.section?.expand(in: scope),
            priority: try spec.package.priority?.expand(in: scope),
            license: try spec.package.license?.expand(in: scope),
            vendor: try spec.package.vendor?.expand(in: scope),
            relations: relations
        )
        let resolver = ContentResolver(root: .filesystem, scope: scope)
        let files = try resolver.resolve(spec.contents + section.contents + variant.contents + perFormat.contents)
        let scripts = try readScripts(section.scripts.overridden(by: variant.scripts).overridden(by: perFormat.scripts),
                                      in: scope)
        let package = Package(metadata: metadata, files: files.map(\.file), scripts: scripts)

        let codec = try request.packageCodec ?? section.compression.map { try parseCodec($0, in: scope) } ?? .defaultXZ
        if format == "deb" {
            let writer: DebWriter
            do {
                writer = try DebWriter(dataCodec: codec)
            } catch {
                throw SpecError(.input, at: section.compression?.location ?? SourceLocation(file: "--compression"), "\(error)")
            }
            return Job(name: name, kind: .deb(variant: variant.name), work: .deb(package, writer))
        }
        return Job(name: name, kind: .rpm(variant: variant.name), work: .rpm(package, RPMWriter(codec: codec)))
    }

    private func add(_ templates: RelationTemplates, to relations: inout Relations, in scope: Scope) throws {
        for (kind, list) in templates {
            let parsed = try list.map { template in
                do {
                    return try Relation(parsing: try template.expand(in: scope))
                } catch let error as SpecError {
                    throw error
                } catch {
                    throw SpecError(at: template.location, "\(error)")
                }
            }
            switch kind {
            case .depends: relations.depends += parsed
            case .preDepends: relations.preDepends += parsed
            case .recommends: relations.recommends += parsed
            case .suggests: relations.suggests += parsed
            case .enhances: relations.enhances += parsed
            case .conflicts: relations.conflicts += parsed
            case .breaks: relations.breaks += parsed
            case .replaces: relations.replaces += parsed
            case .provides: relations.provides += parsed
            case .supplements: relations.supplements += parsed
            }
        }
    }

    private func readScripts(_ section: ScriptsSection, in scope: Scope) throws -> PackageScripts {
        func read(_ template: Template?) throws -> String? {
            guard let template else { return nil }
            let path = ResolvedInputs.absolute(try template.expand(in: scope), base: spec.directory)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw SpecError(.input, at: template.location, "cannot read script '\(path)'")
            }
            return try Template(text, at: SourceLocation(file: path, line: 1)).expand(in: scope)
        }
        return PackageScripts(
            preInstall: try read(section.preInstall), postInstall: try read(section.postInstall),
            preRemove: try read(section.preRemove), postRemove: try read(section.postRemove),
            debTriggers: try read(section.triggers), preTransaction: try read(section.preTransaction),
            postTransaction: try read(section.postTransaction)
        )
    }

    // MARK: Tarballs

    private func tarballJob(_ kind: TarballKind, section: TarballsSection) throws -> Job {
        let scope = try ArtifactScope.tarball(base, spec: spec, kind: kind)
        let name = try fileName(kind.file, in: scope)
        var top = name
        for suffix in [".tar.gz", ".tgz", ".tar.xz", ".tar.zst", ".tar"] where top.hasSuffix(suffix) {
            top.removeLast(suffix.count)
            break
        }
        let files = try ContentResolver(root: .tarball, scope: scope).resolve(kind.contents)
        try hooks.checkTarball(kind, files)
        let codec = try section.compression.map { try parseCodec($0, in: scope) } ?? .defaultGzip
        return Job(name: name, kind: .tarball(kind: kind.name),
                   work: .tarball(files.map(\.file), topDirectory: top, TarballWriter(codec: codec)))
    }

    // MARK: Checks

    /// The upstream version, checked once so every file name and package agrees on a clean value.
    private func checkedVersion() throws -> String {
        let template = spec.package.version
        let value = try template.expand(in: base)
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+~-")
        guard let first = value.unicodeScalars.first, CharacterSet.decimalDigits.contains(first),
              value.unicodeScalars.allSatisfy({ allowed.contains($0) }) else {
            throw SpecError(.input, at: origin(of: template),
                            "version '\(value)' must start with a digit and hold only letters, digits and . + ~ - (no spaces or slashes)")
        }
        return value
    }

    /// Where a template's value came from: the flag or variable of the input it uses, else its spec line.
    private func origin(of template: Template) -> SourceLocation {
        for name in (try? template.variables()) ?? [] {
            if let input = request.inputs.values[name] { return input.location }
        }
        return template.location
    }

    private func fileName(_ template: Template, in scope: Scope) throws -> String {
        let name = try template.expand(in: scope)
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"),
              !name.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) }) else {
            throw SpecError(.input, at: origin(of: template), "file name '\(name)' must be one path component without spaces")
        }
        return name
    }

    private func parseCodec(_ template: Template, in scope: Scope) throws -> Codec {
        do {
            return try Codec(parsing: try template.expand(in: scope))
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError(at: template.location, "\(error)")
        }
    }
}
