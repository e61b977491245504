import FormatSeam
import Foundation
import Pipeline
import SpecFile

/// The file names a spec gives its artifacts, as functions of the version: which version a set of names carries,
/// and what the convention expects of each name for a version.
struct NameTemplates: @unchecked Sendable {
    let spec: Spec
    let formats: [any ArtifactFormat]
    /// Each template as a pattern with the version as the unknown, built once: a publish of many releases matches
    /// every one against the same patterns.
    private var patterns: [VersionPattern] = []

    init(spec: Spec, formats: [any ArtifactFormat]) {
        self.spec = spec
        self.formats = formats
        patterns = versionPatterns()
    }

    /// Every artifact's name template and the scope to expand it in, given a scope holding `version`.
    private func templates(_ base: Scope) -> [(Template, () throws -> Scope, Verifier.Expectation?)] {
        var result: [(Template, () throws -> Scope, Verifier.Expectation?)] = []
        for format in formats {
            guard let section = spec.formats[format.name] else { continue }
            for variant in spec.variants {
                let scope = { try ArtifactScope.package(base, spec: spec, format: format, variant: variant) }
                result.append((section.file, scope, nil))
                if variant.isDefault, let alias = section.alias { result.append((alias, scope, nil)) }
            }
        }
        for tarball in spec.tarballs?.kinds ?? [] {
            guard let format = try? ArtifactScope.format(of: tarball, among: formats) else { continue }
            result.append((tarball.file, { try ArtifactScope.tarball(base, spec: spec, tarball: tarball, format: format) }, nil))
        }
        if let images = spec.images {
            result.append((images.archive, { base }, nil))
            result.append((images.layout, { base }, nil))
        }
        return result
    }

    /// The version that explains the most names: each template is matched against every name with the version as
    /// the unknown. A template that cannot be expanded matches nothing here; `expectations` reports it.
    private func versionPatterns() -> [VersionPattern] {
        let marker = "\u{1}version\u{1}"
        let base = Scope()
        base.set("version", marker)
        return templates(base).compactMap { template, scope, _ in
            guard let pattern = try? template.expand(in: try scope()), pattern.contains(marker) else { return nil }
            return VersionPattern(pattern, marker: marker)
        }
    }

    func version(explaining names: [String]) -> String? {
        var votes: [String: Set<String>] = [:]
        for pattern in patterns {
            for name in names {
                guard let version = pattern.version(in: name) else { continue }
                votes[version, default: []].insert(name)
            }
        }
        return votes.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }

    /// What every expected name must be for `version`, problems with the spec itself appended.
    func expectations(version: String, problems: inout [String]) -> [String: Verifier.Expectation] {
        let base = Scope()
        base.set("version", version)
        var expected: [String: Verifier.Expectation] = [:]
        func expand(_ template: Template, in scope: Scope) -> String? {
            do { return try template.expand(in: scope) } catch {
                problems.append("\(error)")
                return nil
            }
        }
        for format in formats {
            guard let section = spec.formats[format.name] else { continue }
            for variant in spec.variants {
                let scope: Scope
                do {
                    scope = try ArtifactScope.package(base, spec: spec, format: format, variant: variant)
                } catch {
                    problems.append("\(error)")
                    continue
                }
                guard let file = expand(section.file, in: scope), let package = expand(variant.package, in: scope) else { continue }
                let release = (section.release ?? spec.package.release).flatMap { expand($0, in: scope) }
                guard let spelled = try? format.version(upstream: version, release: release) else {
                    problems.append("\(file): version \(version) cannot be spelled for \(format.name)")
                    continue
                }
                let identity = Inspection.Identity(name: package, version: spelled.description,
                                                   architecture: format.architectureName(spec.package.architecture))
                expected[file] = Verifier.Expectation(role: .package(format: format.name, variant: variant.name),
                                                      format: format, identity: identity)
                if variant.isDefault, let alias = section.alias, let aliasName = expand(alias, in: scope) {
                    expected[aliasName] = Verifier.Expectation(role: .alias(of: file), format: format, identity: identity)
                }
            }
        }
        for tarball in spec.tarballs?.kinds ?? [] {
            do {
                let format = try ArtifactScope.format(of: tarball, among: formats)
                let scope = try ArtifactScope.tarball(base, spec: spec, tarball: tarball, format: format)
                let file = try tarball.file.expand(in: scope)
                expected[file] = Verifier.Expectation(role: .tarball(name: tarball.name, format: format.name),
                                                      format: format, sourcesOnly: tarball.sourcesOnly)
            } catch {
                problems.append("\(error)")
            }
        }
        if let images = spec.images {
            do {
                guard let format = formats.claiming(images.archive.text) else {
                    throw SpecError(at: images.archive.location, "'\(images.archive.text)' names no format's file")
                }
                let scope = base.child()
                scope.set("format", format.name)
                let archive = try images.archive.expand(in: scope)
                let repository = try images.repository.expand(in: scope)
                var channels: [(name: String, references: Set<String>)] = []
                for (channel, tags) in images.tags {
                    let expanded = try tags.map { try $0.expand(in: scope) }
                    channels.append((channel, Set(images.images.flatMap { image in expanded.map { "\(repository)/\(image.name):\($0)" } })))
                }
                expected[archive] = Verifier.Expectation(role: .images(format: format.name), format: format, channels: channels)
                expected[try images.layout.expand(in: scope)] = Verifier.Expectation(role: .folder(of: archive), format: format,
                                                                                    channels: channels)
            } catch {
                problems.append("\(error)")
            }
        }
        for file in expected.keys.sorted() where !file.contains(version) {
            problems.append("\(file): the name does not contain the version")
        }
        return expected
    }
}

/// A name template with the version as the unknown: literal parts with the same version between each two. A name
/// matches when it is the parts joined by one non-empty version, on one line; the name's length fixes the version's.
struct VersionPattern: Sendable {
    let parts: [[UInt8]]

    init(_ pattern: String, marker: String) {
        parts = pattern.components(separatedBy: marker).map { Array($0.utf8) }
    }

    func version(in name: String) -> String? {
        let name = Array(name.utf8)
        let literal = parts.reduce(0) { $0 + $1.count }, repeats = parts.count - 1
        guard repeats > 0, name.count > literal, (name.count - literal) % repeats == 0, name.starts(with: parts[0]) else { return nil }
        let length = (name.count - literal) / repeats
        var at = parts[0].count
        let version = name[at..<(at + length)]
        guard !version.contains(0x0A), !version.contains(0x0D) else { return nil }
        for part in parts.dropFirst() {
            guard name[at...].starts(with: version) else { return nil }
            at += length
            guard name[at...].starts(with: part) else { return nil }
            at += part.count
        }
        return at == name.count ? String(decoding: version, as: UTF8.self) : nil
    }
}
