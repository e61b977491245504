import ByteIO
import Crypto
import FormatSeam
import Foundation
import PackageModel
import SBOM
import Signing

/// What the layout says of its images besides the images: a bill of materials per image, attached as an OCI 1.1
/// artifact whose subject is the image, and, in a signed build, a "simple signing" signature per tag in the
/// lookaside layout of containers/image.
extension ImageSetWriter {
    static let sbomMediaType = "application/spdx+json"
    static let emptyMediaType = "application/vnd.oci.empty.v1+json"
    static let signaturesFolder = "signatures"

    /// The image's own files (not its base's), as the bill of materials lists them.
    func files(of image: ContainerImage) throws -> [BillOfMaterials.File] {
        var files: [PackageFile] = []
        for name in image.layers {
            guard let layer = set.layers[name] else { continue }
            files += layer.files
            if let record = layer.installedRecord { files += record.files }
        }
        return try BillOfMaterials.File.listing(files)
    }

    /// Notes each image for the release's bill of materials, and writes its own as a referrer; returns the
    /// referrers' descriptors for the index.
    func writeBillsOfMaterials(_ images: [WrittenImage], version: String, license: String?,
                               supplier: String) throws -> [Descriptor] {
        let empty = try writeBytes(Array("{}".utf8), mediaType: Self.emptyMediaType)
        var referrers: [Descriptor] = []
        for written in images {
            let image = written.image
            let reference = image.references.first ?? image.name
            // Several platforms: an item per platform, each named for it.
            let itemName = set.isMultiPlatform ? "\(reference) linux/\(Self.ociArchitecture(image.platform))" : reference
            let repository = reference.split(separator: ":").dropLast().joined(separator: ":")
            let base = baseIdentity(written).map {
                BillOfMaterials.Base(reference: written.base.name, sha256: String($0.dropFirst("sha256:".count)))
            }
            let item = BillOfMaterials.Item(
                name: itemName, kind: .container, version: version, sha256: written.manifest.hex,
                purl: "pkg:oci/\(image.name)@sha256%3A\(written.manifest.hex)?repository_url=\(repository)",
                license: license, files: try files(of: image), base: base)
            context.notes.add(item)

            let bill = BillOfMaterials(name: image.name, version: version, supplier: supplier, license: license,
                                       created: UInt32(clamping: context.build.sourceDateEpoch), tool: context.build.tool,
                                       items: [item])
            let document = try writeBytes(try SPDXDocument.write(bill), mediaType: Self.sbomMediaType)
            let manifest = ImageManifest(artifactType: Self.sbomMediaType, config: empty.descriptor, layers: [document.descriptor],
                                         subject: written.manifest.descriptor,
                                         annotations: ["org.opencontainers.image.created": created])
            let blob = try writeBytes(try OCI.canonical(manifest), mediaType: OCI.manifestMediaType)
            var descriptor = blob.descriptor
            descriptor.artifactType = Self.sbomMediaType
            referrers.append(descriptor)
        }
        return referrers
    }

    /// What identifies an image's base: its manifest's digest when it came from a layout; for a rootfs or an archive,
    /// its one layer's digest, or a digest over its layers' digests in order; nil for scratch.
    func baseIdentity(_ written: WrittenImage) -> String? {
        if let digest = written.base.digest { return digest }
        let layers = written.layers.prefix(written.base.layers.count).map(\.digest)
        if layers.count <= 1 { return layers.first }
        return "sha256:" + Array(SHA256.hash(data: Array(layers.joined(separator: "\n").utf8))).hexString
    }

    /// One signature per tag of each image, as `skopeo standalone-sign` makes them, at
    /// `signatures/REPOSITORY@sha256=HEX/signature-N`; returns the files written, by path.
    /// With several platforms, each tag's image index is signed too, so a pull of every platform and a pull of one
    /// both verify.
    func writeSignatures(_ images: [WrittenImage], indexes: [String: Blob], signer: Signer) throws {
        var signed: [(references: [String], blob: Blob)] = images.map { ($0.image.references, $0.manifest) }
        var named: Set<String> = []
        for written in images where named.insert(written.image.name).inserted {
            if let index = indexes[written.image.name] { signed.append((written.image.references, index)) }
        }
        for (references, blob) in signed {
            try Self.writeSignatures(references, digest: blob.digest, signer: signer, build: context.build, into: folder)
        }
    }

    /// The signatures that `references` are the manifest or index `digest`, one file each.
    static func writeSignatures(_ references: [String], digest: String, signer: Signer, build: BuildContext,
                                into folder: FolderOutput) throws {
        // containers/image reads signature-1, -2, ... of a repository until one is missing: numbered per repository.
        var numbers: [String: Int] = [:]
        for reference in references {
            let payload = try claim(reference: reference, manifest: digest, creator: build.tool, time: build.sourceDateEpoch)
            let repository = reference.split(separator: ":").dropLast().joined(separator: ":")
            numbers[repository, default: 0] += 1
            let path = "\(signaturesFolder)/\(repository)@sha256=\(digest.dropFirst("sha256:".count))/signature-\(numbers[repository]!)"
            let out = try folder.create(path)
            try out.write(try signer.signedMessage(payload))
            try out.close()
        }
    }

    /// The "atomic container signature" claim: this reference is this manifest.
    static func claim(reference: String, manifest: String, creator: String, time: Int64) throws -> [UInt8] {
        try OCI.canonical(SignatureClaim(
            critical: SignatureClaim.Critical(identity: .init(dockerReference: reference), image: .init(dockerManifestDigest: manifest)),
            optional: SignatureClaim.Optional(creator: creator, timestamp: time)))
    }
}
