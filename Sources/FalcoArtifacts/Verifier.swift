import ArchiveFormats
import Compression
import Foundation
import Pipeline
import SpecFile

/// Checks a release folder against the convention a spec describes: the expected names for the version found in
/// the packages, aliases byte-identical to the default variant, package names, versions and architectures inside
/// the packages, tarballs under one top folder named after the file, no binaries in source tarballs, and
/// `SHA256SUMS` listing every artifact with its right digest.
public enum Verifier {
    public struct Report: Sendable {
        public var version: String?
        public var checked: [String]
        public var problems: [String]
        public var passed: Bool { problems.isEmpty }
    }

    public static func verify(directory: String, spec: Spec) -> Report {
        var problems: [String] = []
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        let artifacts = present.filter { $0.hasSuffix(".deb") || $0.hasSuffix(".rpm") || $0.hasSuffix(".tar.gz") }
        if artifacts.isEmpty { problems.append("\(directory): no .deb, .rpm or .tar.gz artifacts") }

        // The version, from the packages themselves.
        var inspections: [String: Inspection] = [:]
        for name in artifacts where !name.hasSuffix(".tar.gz") {
            do {
                inspections[name] = try Inspection.read(path: directory + "/" + name)
            } catch {
                problems.append("\(name): cannot be read: \(error)")
            }
        }
        let versions = Set(inspections.values.filter { $0.format == .deb }.compactMap { $0.field("Version") })
        guard versions.count == 1, let version = versions.first else {
            problems.append(versions.isEmpty ? "no readable deb to take the version from"
                                             : "the debs disagree on the version: \(versions.sorted().joined(separator: ", "))")
            return Report(version: nil, checked: artifacts, problems: problems)
        }

        // The names the convention expects for that version.
        let scope = Scope()
        scope.set("version", version)
        var expected: [String: ArtifactKind] = [:]
        var packageNames: [String: String] = [:]
        var aliases: [String: String] = [:]
        func name(_ template: Template, _ scope: () throws -> Scope) -> String? {
            do { return try template.expand(in: try scope()) } catch {
                problems.append("\(error)")
                return nil
            }
        }
        for (format, section) in [("deb", spec.deb), ("rpm", spec.rpm)] {
            for variant in spec.variants {
                let child = { try ArtifactScope.package(scope, spec: spec, format: format, variant: variant) }
                guard let file = name(section.file, child), let package = name(variant.package, child) else { continue }
                expected[file] = format == "deb" ? .deb(variant: variant.name) : .rpm(variant: variant.name)
                packageNames[file] = package
                if variant.isDefault, let alias = section.alias, let aliasName = name(alias, child) {
                    expected[aliasName] = .alias(of: file)
                    aliases[aliasName] = file
                }
            }
        }
        var sourcesOnly: Set<String> = []
        if let tarballs = spec.tarballs {
            for kind in tarballs.kinds {
                let child = { try ArtifactScope.tarball(scope, spec: spec, kind: kind) }
                guard let file = name(kind.file, child) else { continue }
                expected[file] = .tarball(kind: kind.name)
                if kind.sourcesOnly { sourcesOnly.insert(file) }
            }
        }
        for file in expected.keys.sorted() where !present.contains(file) {
            problems.append("\(file): missing (expected for version \(version))")
        }
        for file in artifacts where expected[file] == nil {
            problems.append("\(file): not a name the convention gives for version \(version)")
        }
        for file in expected.keys where !file.contains(version) {
            problems.append("\(file): the name does not contain the version")
        }

        // Inside the packages.
        let rpmVersion = version.replacingOccurrences(of: "-", with: "_")
        for (file, inspection) in inspections.sorted(by: { $0.key < $1.key }) {
            guard let package = packageNames[file] ?? aliases[file].flatMap({ packageNames[$0] }) else { continue }
            let (nameField, versionField, archField, wantedVersion, wantedArch) = inspection.format == .deb
                ? ("Package", "Version", "Architecture", version, spec.package.architecture.debianName)
                : ("Name", "Version", "Architecture", rpmVersion, spec.package.architecture.rpmName)
            for (field, wanted) in [(nameField, package), (versionField, wantedVersion), (archField, wantedArch)] {
                let found = inspection.field(field) ?? "(none)"
                if found != wanted { problems.append("\(file): \(field) is '\(found)', expected '\(wanted)'") }
            }
        }

        // Digests, aliases and tarballs.
        var digests: [String: String] = [:]
        for file in artifacts {
            digests[file] = try? FileDigests.compute(path: directory + "/" + file).sha256Hex
        }
        for (alias, target) in aliases.sorted(by: { $0.key < $1.key }) {
            if let a = digests[alias], let b = digests[target], a != b {
                problems.append("\(alias): not byte-identical to \(target)")
            }
        }
        for file in artifacts where file.hasSuffix(".tar.gz") {
            problems += checkTarball(directory + "/" + file, name: file, sourcesOnly: sourcesOnly.contains(file))
        }
        problems += checkSums(directory: directory, artifacts: artifacts, digests: digests)
        return Report(version: version, checked: artifacts, problems: problems)
    }

    static func checkTarball(_ path: String, name: String, sourcesOnly: Bool) -> [String] {
        let top = String(name.dropLast(".tar.gz".count))
        var problems: [String] = []
        do {
            let reader = try ArchiveReader(path: path)
            var binaries: [String] = []
            while let entry = try reader.next() {
                if entry.path != top && entry.path != top + "/" && !entry.path.hasPrefix(top + "/") {
                    problems.append("\(name): '\(entry.path)' is outside the top folder '\(top)/'")
                }
                if sourcesOnly && entry.type == .regular {
                    let data = try reader.readData()
                    if let kind = BinaryDetector.kind(of: Array(data.prefix(20)), name: entry.path) {
                        binaries.append("\(entry.path) (\(kind))")
                    }
                }
            }
            if !binaries.isEmpty {
                problems.append("\(name): a source tarball holds binaries: \(binaries.joined(separator: ", "))")
            }
        } catch {
            problems.append("\(name): cannot be read: \(error)")
        }
        return problems
    }

    static func checkSums(directory: String, artifacts: [String], digests: [String: String]) -> [String] {
        guard let text = try? String(contentsOfFile: directory + "/" + Plan.checksumsName, encoding: .utf8) else {
            return ["\(Plan.checksumsName): missing"]
        }
        var problems: [String] = []
        var listed: Set<String> = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") || parts[1].hasPrefix("*") else {
                problems.append("\(Plan.checksumsName): malformed line '\(line)'")
                continue
            }
            let file = String(parts[1].dropFirst())
            listed.insert(file)
            guard let digest = digests[file] ?? (try? FileDigests.compute(path: directory + "/" + file).sha256Hex) else {
                problems.append("\(Plan.checksumsName): lists '\(file)', which is missing")
                continue
            }
            if digest != parts[0] { problems.append("\(file): SHA-256 is \(digest), \(Plan.checksumsName) says \(parts[0])") }
        }
        for file in artifacts where !listed.contains(file) {
            problems.append("\(file): not listed in \(Plan.checksumsName)")
        }
        return problems
    }
}
