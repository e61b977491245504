import BlockCompression
import ByteIO
import Codecs
import FormatSeam
import Foundation
import PackageModel

/// Container images: every image of a set in one OCI image layout (a folder: `oci-layout`, `index.json`,
/// `blobs/sha256/`, one index entry per tag), and the same layout as one archive that `docker load -i` takes
/// (Docker 25's form: the layout plus `manifest.json`). Written natively, with no daemon and no registry.
public struct ImageFormat: ArtifactFormat {
    public let name = "oci"
    /// The archive; the layout is the folder beside it.
    public let fileSuffixes = [".tar"]
    /// The layers are gzip members, as umoci and every runtime read them; zstd is allowed, xz is not.
    public let defaultCodec = Codec.defaultGzip

    public init() {}

    /// As OCI platforms spell it.
    public func architectureName(_ architecture: Architecture) -> String {
        switch architecture {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        case .all: "amd64"
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
                _ = try image.base.load()
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
        try ImageSetWriter(set: set, codec: artifact.codec, context: context, folder: folder).write(to: sink)
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
