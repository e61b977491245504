import ArchiveFormats
import ByteIO
import FormatSeam
import Foundation
import PackageModel
import Pipeline
import ReleaseLayout
import Signing
import SpecFile

/// Checks a release folder against the convention a spec describes: the names expected for the version the
/// names carry, aliases byte-identical to what they copy, the name, version and architecture inside every
/// package, tarballs under one top folder named after the file, no binaries in source tarballs, and `SHA256SUMS`
/// listing every artifact with its right digest. Every problem is reported by the file it is about; nothing that
/// cannot be read is passed over.
public enum Verifier {
    public struct Report: Sendable {
        public var version: String?
        public var checked: [String]
        public var problems: [ReleaseProblem]
        /// The architectures the release holds, when it holds fewer than the spec declares (one machine's half).
        public var architectures: [Architecture]? = nil
        /// The release was built without its images (`all --no-images`), as its `SHA256SUMS` shows.
        public var withoutImages = false
        public var passed: Bool { problems.isEmpty }
    }

    /// What the convention expects of one file.
    struct Expectation: Sendable {
        var role: ArtifactRole
        var format: any ArtifactFormat
        /// For packages: the identity the format spells.
        var identity: Inspection.Identity?
        var sourcesOnly = false
        /// For images: the references each tag channel gives them all.
        var channels: [(name: String, references: Set<String>)] = []
        /// For images: the platforms (`linux/arm64`) each image's tags must name, by image name.
        var platforms: [String: Set<String>] = [:]
    }

    /// What the layout expects of each file a format writes, by name; what cannot be worked out is a problem.
    /// `held`: the architectures the release holds; an image of none of them is not expected.
    static func expectations(_ layout: ReleaseLayout, spec: Spec, held: Set<Architecture> = [],
                             problems: inout [ReleaseProblem]) -> [String: Expectation] {
        var expected: [String: Expectation] = [:]
        for entry in layout.entries {
            guard let format = entry.format else { continue }
            var expectation = Expectation(role: entry.role, format: format)
            do {
                switch entry.role {
                case .package, .alias:
                    let section = spec.formats[format.name]
                    let release = try (section?.release ?? spec.package.release)?.expand(in: entry.scope)
                    let spelled = try format.version(upstream: layout.version, release: release)
                    expectation.identity = Inspection.Identity(
                        name: try entry.scope.value(of: "package", at: spec.package.name.location),
                        version: spelled.description, architecture: format.architectureName(entry.architecture ?? spec.package.architectures[0]))
                case .tarball:
                    expectation.sourcesOnly = entry.tarball?.sourcesOnly ?? false
                case .images, .folder:
                    guard let images = spec.images else { break }
                    let repository = try images.repository.expand(in: entry.scope)
                    for image in images.images {
                        let architectures = (image.architectures ?? spec.package.architectures).filter { held.isEmpty || held.contains($0) }
                        if !architectures.isEmpty {
                            expectation.platforms["\(repository)/\(image.name):"] = Set(architectures.map { "linux/" + format.architectureName($0) })
                        }
                    }
                    expectation.channels = entry.channels.map { channel in
                        (channel.name, Set(images.images.filter { image in
                            held.isEmpty || (image.architectures ?? spec.package.architectures).contains(where: held.contains)
                        }.flatMap { image in channel.tags.map { "\(repository)/\(image.name):\($0)" } }))
                    }
                default:
                    break
                }
            } catch {
                problems.append(ReleaseProblem(entry.name, .naming, "\(error)"))
                continue
            }
            expected[entry.name] = expectation
        }
        return expected
    }

    /// What the release of `version` must hold, by name, with every rule it breaks and every expected name not in
    /// `present` among `problems`; nil when the spec cannot name it (the problem says why).
    /// `held` gets the architectures the folder holds.
    /// A release whose `SHA256SUMS` lists no images, and that holds none, was built without them (`all
    /// --no-images`): none are expected, and `withoutImages` says so.
    static func expectations(version: String, convention: ReleaseConvention, present: [String], listed: [String]?,
                             problems: inout [ReleaseProblem], held: inout Set<Architecture>,
                             withoutImages: inout Bool) -> [String: Expectation]? {
        let layout: ReleaseLayout
        do {
            layout = try convention.layout(version: version)
        } catch {
            problems.append(ReleaseProblem(nil, .naming, "\(error)"))
            return nil
        }
        problems += layout.violations().map(ReleaseProblem.init(violation:))
        let found = Set(present)
        // A release built on one machine per architecture holds some of them: what those and every architecture
        // share must be there, nothing of the others.
        held = architectures(in: layout, present: found)
        var expected = expectations(layout, spec: convention.spec, held: held, problems: &problems)
        for entry in layout.entries {
            if let architecture = entry.architecture, !held.isEmpty, !held.contains(architecture) {
                expected[entry.name] = nil
            }
        }
        let images = layout.entries.filter { entry in
            switch entry.role {
            case .images: true
            case .folder(let of): layout.entries.contains { $0.name == of && $0.role == .images(format: $0.format?.name ?? "") }
            default: false
            }
        }.map(\.name)
        if let listed, !images.isEmpty, !images.contains(where: found.contains), !images.contains(where: listed.contains) {
            withoutImages = true
            for name in images { expected[name] = nil }
        }
        for file in expected.keys.sorted() where !found.contains(file) {
            problems.append(ReleaseProblem(file, .missing, "missing (expected for version \(version))"))
        }
        return expected
    }

    /// The architectures a release folder holds: those of which any file of the layout is present.
    static func architectures(in layout: ReleaseLayout, present: Set<String>) -> Set<Architecture> {
        Set(layout.entries.filter { present.contains($0.name) }.compactMap(\.architecture))
    }

    /// - Parameter keyring: when given, every artifact must also carry a signature by one of its keys that matches
    ///   its bytes: inside a package, in `FILE.asc` beside any other file, in the layout for each image tag.
    public static func verify(directory: String, convention: ReleaseConvention, keyring: Keyring? = nil) -> Report {
        let formats = convention.formats
        var problems: [ReleaseProblem] = []
        let present: [String]
        do {
            present = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            return Report(version: nil, checked: [], problems: [ReleaseProblem(directory, .unreadable, "cannot be listed: \(error.localizedDescription)")])
        }
        let artifacts = present.filter { formats.reading(directory + "/" + $0) != nil }
        guard !artifacts.isEmpty else {
            return Report(version: nil, checked: [], problems: [
                ReleaseProblem(directory, .naming, "no artifacts (files ending in \(formats.allSuffixes.joined(separator: ", ")))"),
            ])
        }

        // The version the names carry, and what the convention expects for it.
        guard let version = convention.version(explaining: artifacts) else {
            return Report(version: nil, checked: artifacts, problems: [
                ReleaseProblem(directory, .naming, "no artifact is named as the convention names them (\(artifacts.joined(separator: ", ")))"),
            ])
        }
        var held = Set<Architecture>()
        var withoutImages = false
        guard let expected = expectations(version: version, convention: convention, present: present,
                                          listed: (try? ChecksumList.read(directory).get())?.files, problems: &problems,
                                          held: &held, withoutImages: &withoutImages) else {
            return Report(version: version, checked: artifacts, problems: problems)
        }
        for file in artifacts where expected[file] == nil {
            problems.append(ReleaseProblem(file, .unexpected, "not a name the convention gives for version \(version)"))
        }

        // Inside each artifact. A file that cannot be read is reported once, here, and has no digest below.
        var digests: [String: String] = [:]
        for file in artifacts where !isFolder(directory + "/" + file) {
            do {
                digests[file] = try digest(directory + "/" + file).sha256
            } catch {
                problems.append(ReleaseProblem(file, .unreadable, "cannot be read: \(error)"))
            }
        }
        for file in artifacts {
            guard let expectation = expected[file] else { continue }
            let path = directory + "/" + file
            if case .folder = expectation.role {
                problems += expectation.format.problems(in: path).map { ReleaseProblem(nil, .content, $0) }
                problems += checkReferences(path, name: file, expectation: expectation)
                continue
            }
            guard let digest = digests[file] else { continue }
            switch expectation.role {
            case .alias(let target):
                if let targetDigest = digests[target], targetDigest != digest {
                    problems.append(ReleaseProblem(file, .alias, "not byte-identical to \(target)"))
                }
                problems += checkIdentity(path, name: file, expectation: expectation)
            case .package:
                problems += checkIdentity(path, name: file, expectation: expectation)
            case .tarball:
                problems += checkTarball(path, name: file, expectation: expectation, binaryType: convention.hooks.binaryType)
            case .images:
                problems += expectation.format.problems(in: path).map { ReleaseProblem(nil, .content, $0) }
            case .checksums, .folder, .billOfMaterials, .signature:
                continue
            }
        }
        problems += checkSums(directory: directory, artifacts: artifacts.filter { digests[$0] != nil || !isFolder(directory + "/" + $0) },
                              digests: digests)
        if let keyring {
            problems += checkSignatures(directory: directory, artifacts: artifacts, expected: expected, keyring: keyring)
        }
        var report = Report(version: version, checked: artifacts, problems: problems)
        if held.count < convention.spec.package.architectures.count { report.architectures = held.sorted() }
        report.withoutImages = withoutImages
        return report
    }

    /// A file's size and SHA-256, in one read.
    static func digest(_ path: String) throws -> FileDigest {
        let hashed = try hash(path)
        return FileDigest(size: hashed.size, sha256: hashed.digester.finalize().bytes.hexString)
    }

    /// A file read once into a SHA-256 left open, so a signature over the file can continue it.
    static func hash(_ path: String) throws -> (size: UInt64, digester: Digester) {
        var digester = Digester(.sha256)
        var size: UInt64 = 0
        try FileReader(path: path).forEachChunk {
            digester.update($0)
            size += UInt64($0.count)
        }
        return (size, digester)
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// Every image carries every tag of one channel.
    static func checkReferences(_ path: String, name: String, expectation: Expectation) -> [ReleaseProblem] {
        let images: [Inspection.Image]
        do {
            images = try Inspector.inspect(path: path, formats: [expectation.format]).images
        } catch {
            return [ReleaseProblem(name, .unreadable, "cannot be read: \(error)")]
        }
        let found = Set(images.map(\.reference))
        // Each tag names the platforms of the architectures the release holds, as the spec gives its image.
        var problems: [ReleaseProblem] = []
        var platforms: [String: Set<String>] = [:]
        for image in images { platforms[image.reference, default: []].insert(image.platform ?? "") }
        for (reference, named) in platforms.sorted(by: { $0.key < $1.key }) {
            guard let wanted = expectation.platforms.first(where: { reference.hasPrefix($0.key) })?.value, named != wanted else { continue }
            problems.append(ReleaseProblem(name, .content, "\(reference) names \(named.sorted().joined(separator: ", ")); the release holds \(wanted.sorted().joined(separator: ", "))"))
        }
        if expectation.channels.contains(where: { found.isSuperset(of: $0.references) }) { return problems }
        return problems + expectation.channels.map { channel in
            ReleaseProblem(name, .content, "missing the \(channel.name) tags \(channel.references.subtracting(found).sorted().joined(separator: ", "))")
        }
    }

    static func checkIdentity(_ path: String, name: String, expectation: Expectation) -> [ReleaseProblem] {
        let inspection: Inspection
        do {
            inspection = try Inspector.inspect(path: path, formats: [expectation.format])
        } catch {
            return [ReleaseProblem(name, .unreadable, "cannot be read: \(error)")]
        }
        guard let wanted = expectation.identity, let found = inspection.identity else { return [] }
        var problems: [ReleaseProblem] = []
        for (what, have, want) in [("package name", found.name, wanted.name), ("version", found.version, wanted.version),
                                   ("architecture", found.architecture, wanted.architecture)] where have != want {
            problems.append(ReleaseProblem(name, .identity, "the \(what) inside is '\(have)', expected '\(want)'"))
        }
        return problems
    }

    static func checkTarball(_ path: String, name: String, expectation: Expectation,
                             binaryType: ([UInt8], String) -> String?) -> [ReleaseProblem] {
        let top = ReleaseLayout.topFolder(ofTarball: name, format: expectation.format)
        var problems: [ReleaseProblem] = []
        do {
            let reader = try ArchiveReader(path: path)
            var binaries: [String] = []
            while let entry = try reader.next() {
                if entry.path != top && entry.path != top + "/" && !entry.path.hasPrefix(top + "/") {
                    problems.append(ReleaseProblem(name, .tarball, "'\(entry.path)' is outside the top folder '\(top)/'"))
                }
                if expectation.sourcesOnly && entry.type == .regular {
                    let header = try reader.readData(upTo: PlanHooks.binaryHeaderSize)
                    if let kind = binaryType(header, entry.path) {
                        binaries.append("\(entry.path) (\(kind))")
                    }
                }
            }
            if !binaries.isEmpty {
                problems.append(ReleaseProblem(name, .tarball, "a source tarball holds binaries: \(binaries.joined(separator: ", "))"))
            }
        } catch {
            problems.append(ReleaseProblem(name, .unreadable, "cannot be read: \(error)"))
        }
        return problems
    }

    static func checkSums(directory: String, artifacts: [String], digests: [String: String]) -> [ReleaseProblem] {
        checkSums(ChecksumList.read(directory), directory: directory, artifacts: artifacts, digests: digests)
    }

    static func checkSums(_ read: Result<ChecksumList, ChecksumList.Unreadable>, directory: String, artifacts: [String],
                          digests: [String: String]) -> [ReleaseProblem] {
        let list: ChecksumList
        switch read {
        case .success(let found): list = found
        case .failure(let problem): return [ReleaseProblem(ReleaseLayout.checksumsName, .checksums, problem.description)]
        }
        var problems = list.malformed.map { ReleaseProblem(ReleaseLayout.checksumsName, .checksums, "malformed line '\($0)'") }
        let listed = Set(list.entries.map(\.file))
        for (expected, file) in list.entries {
            let digest: String
            if let known = digests[file] {
                digest = known
            } else {
                do {
                    digest = try Self.digest(directory + "/" + file).sha256
                } catch {
                    problems.append(ReleaseProblem(ReleaseLayout.checksumsName, .checksums, "lists '\(file)', which cannot be read: \(error)"))
                    continue
                }
            }
            if digest != expected {
                problems.append(ReleaseProblem(file, .checksums, "SHA-256 is \(digest), \(ReleaseLayout.checksumsName) says \(expected)"))
            }
        }
        for file in artifacts where !listed.contains(file) {
            problems.append(ReleaseProblem(file, .checksums, "not listed in \(ReleaseLayout.checksumsName)"))
        }
        return problems
    }

    /// `SHA256SUMS` as read once: each line's digest and file, and the lines that are neither.
    struct ChecksumList: Sendable {
        var entries: [(digest: String, file: String)] = []
        var malformed: [String] = []
        var files: [String] { entries.map(\.file) }

        struct Unreadable: Error, CustomStringConvertible {
            var description: String
        }

        static func read(_ directory: String) -> Result<ChecksumList, Unreadable> {
            let path = directory + "/" + ReleaseLayout.checksumsName
            guard FileManager.default.fileExists(atPath: path) else { return .failure(Unreadable(description: "missing")) }
            guard let data = FileReader.contents(of: path) else {
                return .failure(Unreadable(description: "cannot be read"))
            }
            // As bytes: a publish reads one of these per release. A line is 64 digest characters, a space, then
            // a space or `*` and the name.
            var list = ChecksumList()
            for line in data.split(separator: 0x0A) {
                let start = line.startIndex
                guard line.count > 66, line[start + 64] == 0x20, line[start + 65] == 0x20 || line[start + 65] == 0x2A,
                      !line[start..<(start + 64)].contains(0x20) else {
                    list.malformed.append(String(decoding: line, as: UTF8.self))
                    continue
                }
                list.entries.append((String(decoding: line[start..<(start + 64)], as: UTF8.self),
                                     String(decoding: line[(start + 66)...], as: UTF8.self)))
            }
            return .success(list)
        }
    }
}
