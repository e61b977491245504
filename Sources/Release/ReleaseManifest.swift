import ByteIO
import FormatSeam
import Foundation
import Pipeline
import ReleaseLayout

/// What one published release holds, kept beside its files (`files/NAME/VERSION/release.json`), so the page lists every
/// release without reading its artifacts again.
struct ReleaseManifest: Codable, Equatable, Sendable {
    struct Artifact: Codable, Equatable, Sendable {
        var name: String
        var size: UInt64
        var sha256: String
        /// Relative to the repository root.
        var href: String
        /// The detached signature's path, or nil for a package signed inside.
        var signature: String?
    }

    struct Image: Codable, Equatable, Sendable {
        var reference: String
        var digest: String
    }

    var version: String
    /// The project, in a repository of several, whose releases are not the repository's first's; nil otherwise.
    var product: String?
    var artifacts: [Artifact]
    var images: [Image]

    /// The files copied under the release's folder in `files/`: everything but the packages (in their repositories) and aliases.
    var filesBeside: [String] {
        artifacts.filter { $0.href.hasPrefix(Publisher.filesFolder + "/") }.flatMap { artifact in
            [artifact.name] + (artifact.signature.map { [OutputFile.basename(of: $0)] } ?? [])
        }
    }

    func sameArtifacts(as other: ReleaseManifest) -> Bool {
        Set(artifacts.map { "\($0.name) \($0.sha256)" }) == Set(other.artifacts.map { "\($0.name) \($0.sha256)" })
    }

    /// - Parameters:
    ///   - digests: sizes and SHA-256 of the release's files, as verifying it read them; any other file is read here.
    ///   - listed: the files `SHA256SUMS` lists, as verifying it read them.
    /// - Parameter slot: the release's folder under `files/`: `VERSION`, or `PRODUCT/VERSION` with `product`.
    static func make(_ directory: String, version: String, slot: String, product: String?,
                     expected: [String: Verifier.Expectation],
                     locations: [String: String], digests: [String: Verifier.FileDigest] = [:], listed: [String]) throws -> ReleaseManifest {
        var artifacts: [Artifact] = []
        var images: [Image] = []
        func artifact(_ name: String, href: String, signed: Bool) throws -> Artifact {
            let path = directory + "/" + name
            let digest = try digests[name] ?? Verifier.digest(path)
            let signatureName = ReleaseLayout.signatureName(of: name)
            let signature = signed && FileManager.default.fileExists(atPath: directory + "/" + signatureName)
                ? OutputFile.directory(of: href) + "/" + signatureName : nil
            return Artifact(name: name, size: digest.size, sha256: digest.sha256, href: href, signature: signature)
        }
        let beside = Publisher.filesFolder + "/" + slot + "/"
        for (name, expectation) in expected.sorted(by: { $0.key < $1.key }) {
            switch expectation.role {
            case .package:
                guard let location = locations[directory + "/" + name] else { continue }
                artifacts.append(try artifact(name, href: location, signed: false))
            case .tarball, .images:
                artifacts.append(try artifact(name, href: beside + name, signed: true))
            case .folder:
                images += try Self.images(in: directory + "/" + name)
            default:
                continue
            }
        }
        // SHA256SUMS and what it lists besides the artifacts (the bills of materials).
        let others = [ReleaseLayout.checksumsName] + listed.filter { expected[$0] == nil }
        for name in others where digests[name] != nil || FileManager.default.fileExists(atPath: directory + "/" + name) {
            artifacts.append(try artifact(name, href: beside + name, signed: true))
        }
        return ReleaseManifest(version: version, product: product, artifacts: artifacts, images: images)
    }

    /// The tagged images of a layout, from its index; entries without a tag (the artifacts that refer to images)
    /// are not images.
    static func images(in layout: String) throws -> [Image] {
        struct Index: Decodable {
            struct Entry: Decodable {
                var digest: String
                var annotations: [String: String]?
            }
            var manifests: [Entry]
        }
        let file = layout + "/index.json"
        guard let data = FileReader.contents(of: file) else { throw MalformedArtifact(path: file, reason: "cannot be read") }
        let index = try decode(Index.self, from: data, file: file)
        return index.manifests.compactMap { entry in
            entry.annotations?["org.opencontainers.image.ref.name"].map { Image(reference: $0, digest: entry.digest) }
        }
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The manifest a publish wrote as `file`; one that does not decode names the field.
    static func read(_ bytes: [UInt8], file: String) throws -> ReleaseManifest {
        try decode(ReleaseManifest.self, from: bytes, file: file)
    }

    /// `bytes` as JSON of `type`; what does not decode is an error naming the file and the field.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], file: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            let (path, reason): ([CodingKey], String) = switch error {
            case .keyNotFound(let key, let context): (context.codingPath + [key], "missing")
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                (context.codingPath, context.debugDescription)
            @unknown default: ([], "\(error)")
            }
            let field = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
            throw IndexError(file: file, field: field.isEmpty ? "(document)" : field, reason)
        }
    }
}
