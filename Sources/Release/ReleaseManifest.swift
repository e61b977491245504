import ByteIO
import FormatSeam
import Foundation
import Pipeline
import ReleaseLayout

/// What one published release holds, kept beside its files (`files/VERSION/release.json`), so the page lists every
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
    var artifacts: [Artifact]
    var images: [Image]

    /// The files copied under `files/VERSION/`: everything but the packages (in their repositories) and aliases.
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
    static func make(_ directory: String, version: String, expected: [String: Verifier.Expectation],
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
        let beside = Publisher.filesFolder + "/" + version + "/"
        for (name, expectation) in expected.sorted(by: { $0.key < $1.key }) {
            switch expectation.role {
            case .package:
                guard let location = locations[directory + "/" + name] else { continue }
                artifacts.append(try artifact(name, href: location, signed: false))
            case .tarball, .images:
                artifacts.append(try artifact(name, href: beside + name, signed: true))
            case .folder:
                images += Self.images(in: directory + "/" + name)
            default:
                continue
            }
        }
        // SHA256SUMS and what it lists besides the artifacts (the bills of materials).
        let others = [ReleaseLayout.checksumsName] + listed.filter { expected[$0] == nil }
        for name in others where digests[name] != nil || FileManager.default.fileExists(atPath: directory + "/" + name) {
            artifacts.append(try artifact(name, href: beside + name, signed: true))
        }
        return ReleaseManifest(version: version, artifacts: artifacts, images: images)
    }

    /// The tagged images of a layout, from its index.
    static func images(in layout: String) -> [Image] {
        guard let data = FileManager.default.contents(atPath: layout + "/index.json"),
              let index = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return (index["manifests"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let reference = (entry["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"],
                  let digest = entry["digest"] as? String else { return nil }
            return Image(reference: reference, digest: digest)
        }
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    static func read(_ bytes: [UInt8]) throws -> ReleaseManifest {
        try JSONDecoder().decode(ReleaseManifest.self, from: Data(bytes))
    }
}
