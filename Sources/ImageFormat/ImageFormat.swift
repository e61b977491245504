import BlockCompression
import ByteIO
import Codecs
import FormatSeam
import Foundation
import PackageModel
import Signing

/// Container images: every image of a set in one OCI image layout (a folder: `oci-layout`, `index.json`,
/// `blobs/sha256/`, one index entry per tag), and the same layout as one archive that `docker load -i` takes
/// (Docker 25's form: the layout plus `manifest.json`). Written natively, with no daemon and no registry.
public struct ImageFormat: ArtifactFormat {
    public let name = "oci"
    /// The archive; the layout is the folder beside it.
    public let fileSuffixes = [".tar"]
    /// The layers are gzip members, as umoci and every runtime read them; zstd is allowed, xz is not.
    public let defaultCodec = Codec.defaultGzip
    public let conventions: FormatConventions? = FormatConventions(
        kind: .images, fileName: "{{ package }}-{{ version }}-image.tar", folder: "{{ package }}-{{ version }}-image")

    public init() {}

    /// As OCI platforms spell it.
    public func architectureName(_ architecture: Architecture) -> String {
        switch architecture {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        case .all: "amd64"
        case .i386: "386"
        case .armv5, .armv6, .armv7: "arm"
        case .ppc64le, .s390x, .riscv64, .mips, .mipsle, .mips64le, .loong64: architecture.rawValue
        }
    }

    public func version(upstream: String, release: String?) throws -> PackageVersion {
        PackageVersion(upstream: upstream, release: release)
    }

    public func validate(_ artifact: Artifact) throws {
        guard let set = artifact.images, !set.images.isEmpty else {
            throw FormatViolation(format: name, subject: .codec, field: "images", value: "", reason: "an image set needs images")
        }
        if case .xz = artifact.codec {
            throw FormatViolation(format: name, subject: .codec, field: "compression", value: "\(artifact.codec)",
                                  reason: "image layers are gzip or zstd; xz is not a layer media type")
        }
        for layer in set.layers.keys.sorted() {
            switch artifact.layerCompression[layer] {
            case .compressed(.xz)?:
                throw FormatViolation(format: name, subject: .layer(layer), field: "compression", value: "\(artifact.layerCompression[layer]!)",
                                      reason: "a layer is gzip, zstd or none; xz is not a layer media type")
            case nil:
                throw FormatViolation(format: name, subject: .layer(layer), field: "compression", value: "",
                                      reason: "the layer's compression was not planned")
            default:
                continue
            }
        }
        for image in set.images {
            func violation(_ field: String, _ value: String, _ reason: String) -> FormatViolation {
                FormatViolation(format: name, subject: .image(image.name), field: field, value: value, reason: reason)
            }
            for reference in image.references where !Self.isReference(reference) {
                throw violation("reference", reference, "must read NAME:TAG, NAME lowercase letters, digits, '.', '-', '_' and '/'")
            }
            for layer in image.layers where set.layers[layer] == nil {
                throw violation("layers", layer, "no layer of the set has this name")
            }
            do {
                _ = try image.base.load(platform: architectureName(image.platform))
            } catch let error as MalformedArtifact {
                throw violation("base", image.base.description, error.reason)
            }
            for (label, value) in image.config.labels where value.contains("\n") {
                throw violation("label \(label)", value, "a label is one line (a Dockerfile cannot hold more)")
            }
        }
    }

    public func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws {
        try validate(artifact)
        guard let folder = context.folder, let set = artifact.images else {
            throw FormatViolation(format: name, subject: .codec, field: "layout", value: "",
                                  reason: "an image set is written with its layout folder")
        }
        try ImageSetWriter(set: set, compression: artifact.layerCompression, context: context, folder: folder,
                           metadata: artifact.package.metadata).write(to: sink)
    }

    public func inspect(path: String, scratch: ScratchSpace) throws -> Inspection {
        try LayoutReader(path: path).inspection(format: name)
    }

    public func recognizes(folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + OCI.layoutFile)
    }

    public func problems(in path: String) -> [String] {
        LayoutReader(path: path).problems()
    }

    /// The simple-signing signatures of a layout folder: each a signed claim that a reference is a manifest, under
    /// `signatures/REPOSITORY@sha256=HEX/signature-N`. A claim must name the manifest its folder names, and a tag of
    /// the layout that points at it.
    public func signatures(in path: String) throws -> [EmbeddedSignature] {
        let reader = LayoutReader(path: path)
        guard reader.isFolder else { return [] }
        let root = path + "/" + ImageSetWriter.signaturesFolder
        guard let found = FileManager.default.enumerator(atPath: root) else { return [] }
        // What each tag names: its manifest, or its image index and each platform's manifest in it.
        var tagged: [String: Set<String>] = [:]
        for descriptor in try reader.manifests() {
            guard let reference = descriptor.annotations[OCI.refName] else { continue }
            tagged[reference, default: []].insert(descriptor.digest)
            for platform in try reader.platformManifests(of: descriptor) { tagged[reference]!.insert(platform.digest) }
        }
        var out: [EmbeddedSignature] = []
        for case let relative as String in found {
            let file = root + "/" + relative
            guard (relative as NSString).lastPathComponent.hasPrefix("signature-"),
                  let data = FileManager.default.contents(atPath: file) else { continue }
            let folder = (relative as NSString).deletingLastPathComponent
            guard let at = folder.range(of: "@sha256=", options: .backwards) else { continue }
            let folderDigest = "sha256:" + folder[at.upperBound...]
            let message: SignedMessage
            do {
                message = try SignedMessage(bytes: Array(data))
            } catch {
                throw MalformedArtifact(path: file, reason: "not a signed message (\(error))")
            }
            let claim = (try? JSONSerialization.jsonObject(with: Data(message.content))) as? [String: Any]
            let critical = claim?["critical"] as? [String: Any]
            let reference = (critical?["identity"] as? [String: Any])?["docker-reference"] as? String ?? "?"
            let digest = (critical?["image"] as? [String: Any])?["docker-manifest-digest"] as? String ?? "?"
            var problem: String?
            if critical?["type"] as? String != "atomic container signature" {
                problem = "\(relative) is not an atomic container signature"
            } else if digest != folderDigest {
                problem = "\(relative) claims \(reference) is \(digest), but lies under \(folderDigest)"
            } else if tagged[reference]?.contains(digest) != true {
                problem = "\(relative) claims \(reference) is \(digest), but the layout tags \(reference) as \(tagged[reference]?.sorted().joined(separator: ", ") ?? "nothing")"
            }
            let content = message.content
            for signature in message.signatures {
                out.append(EmbeddedSignature(subject: reference, signature: signature, problem: problem) { $0.update(content) })
            }
        }
        return out.sorted { $0.subject < $1.subject }
    }

    /// `name:tag` as docker accepts it (distribution's reference grammar, without a digest).
    static func isReference(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") else { return false }
        let name = text[..<colon], tag = text[text.index(after: colon)...]
        let nameOK = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-/".contains($0)) }
            && !name.hasPrefix("/") && !name.hasSuffix("/")
        let tagOK = (1...128).contains(tag.count) && tag.first.map { $0.isLetter || $0.isNumber || $0 == "_" } == true
            && tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return nameOK && tagOK
    }
}

extension ImageFormat {
    /// Reads a base image's index, manifest and configuration as a build does (every digest checked); returns
    /// how many layers it has.
    public static func readBase(_ base: BaseImage) throws -> Int {
        try base.load().layers.count
    }
}
