import ByteIO
import Crypto
import FormatSeam
import Foundation
import PackageModel

/// Joins image layouts each written for some platforms into the layout one build of every platform writes: each
/// platform's manifests, configurations and layers as they are (linked, never compressed again), an image index
/// per image of every platform it has, index.json, the Dockerfiles, the signatures of each platform's manifest as
/// they are and new ones of each index, and the archive for docker load.
struct LayoutMerge {
    let parts: [MergePart]
    let order: MergeOrder
    let context: WriteContext
    let folder: FolderOutput

    /// One image as the parts hold it.
    struct Image {
        var references: [String]
        /// Each platform's manifest descriptor (with its platform), and the part it is in.
        var platforms: [(architecture: String, descriptor: Descriptor, part: Int)] = []
    }

    func write(to sink: ByteSink) throws {
        var images: [String: Image] = [:]
        var indexBlobs: Set<String> = []
        var referrers: [(descriptor: Descriptor, subject: String)] = []
        for (number, part) in parts.enumerated() {
            guard let path = part.folder else { throw MalformedArtifact(path: part.file, reason: "the layout folder is missing") }
            let reader = LayoutReader(path: path)
            // index.json once: each tagged image with its references in order, and the artifacts that refer to them.
            var tagged: [(descriptor: Descriptor, references: [String])] = []
            for entry in try reader.json("index.json")["manifests"] as? [[String: Any]] ?? [] {
                guard var descriptor = Descriptor(json: entry) else {
                    throw MalformedArtifact(path: path, reason: "index.json lists an entry without a media type, digest or size")
                }
                if let artifactType = entry["artifactType"] as? String {
                    descriptor.artifactType = artifactType
                    guard let subject = Descriptor(json: try reader.json(OCI.blobPath(descriptor.digest))["subject"])?.digest else {
                        throw MalformedArtifact(path: path, reason: "the artifact \(descriptor.digest) names no subject")
                    }
                    referrers.append((descriptor, subject))
                } else if let reference = descriptor.annotations[OCI.refName] {
                    if let at = tagged.firstIndex(where: { $0.descriptor.digest == descriptor.digest }) {
                        tagged[at].references.append(reference)
                    } else {
                        tagged.append((descriptor, [reference]))
                    }
                }
            }
            for (descriptor, references) in tagged {
                guard descriptor.mediaType == OCI.indexMediaType else {
                    throw MalformedArtifact(path: path, reason: "\(references[0]) is not an image index: the release was written for one platform only")
                }
                indexBlobs.insert(descriptor.digest)
                let name = try Self.name(of: references[0], among: order.members, in: path)
                var image = images[name] ?? Image(references: references)
                guard image.references == references else {
                    throw MalformedArtifact(path: path, reason: "\(name) is tagged \(references.joined(separator: ", ")) here and \(image.references.joined(separator: ", ")) in \(parts[0].file)")
                }
                for platform in try reader.platformManifests(of: descriptor) {
                    guard let architecture = platform.platform?["architecture"] else {
                        throw MalformedArtifact(path: path, reason: "\(references[0]) lists a manifest with no platform")
                    }
                    guard !image.platforms.contains(where: { $0.architecture == architecture }) else {
                        throw MalformedArtifact(path: path, reason: "\(references[0]) holds linux/\(architecture) in two releases")
                    }
                    var plain = platform
                    plain.annotations = [:]
                    image.platforms.append((architecture, plain, number))
                }
                images[name] = image
            }
        }

        try FileManager.default.createDirectory(atPath: try folder.place("blobs/sha256"), withIntermediateDirectories: true)
        // The blobs of every part but their own indexes, linked; the signatures of each platform's manifest.
        let platformDigests = Set(images.values.flatMap { $0.platforms.map(\.descriptor.digest) })
        var blobSizes: [String: Int64] = [:]
        var taken: [(layout: String, hex: String)] = []
        var seen: Set<String> = []
        for part in parts {
            let blobs = part.folder! + "/blobs/sha256"
            for hex in try FileManager.default.contentsOfDirectory(atPath: blobs).sorted() where !hex.hasPrefix(".") {
                let digest = "sha256:" + hex
                guard !indexBlobs.contains(digest) || platformDigests.contains(digest), seen.insert(hex).inserted else { continue }
                taken.append((part.folder!, hex))
            }
        }
        // Each blob is what its name says, or the release it came from is damaged: hashed on every core.
        let sizes = try taken.concurrentMap { layout, hex -> Int64 in
            var hasher = SHA256()
            var size: Int64 = 0
            try FileReader(path: layout + "/blobs/sha256/" + hex).forEachChunk {
                hasher.update(bufferPointer: $0)
                size += Int64($0.count)
            }
            guard Array(hasher.finalize()).hexString == hex else {
                throw MalformedArtifact(path: layout, reason: "blob sha256:\(hex) holds other bytes than its digest says: the release is damaged")
            }
            return size
        }
        for ((layout, hex), size) in zip(taken, sizes) {
            try FileLinks.linkOrCopy(layout + "/blobs/sha256/" + hex, to: try folder.place("blobs/sha256/" + hex))
            blobSizes["sha256:" + hex] = size
        }
        for part in parts {
            let layout = part.folder!
            let signatures = layout + "/" + ImageSetWriter.signaturesFolder
            let signed = FileManager.default.fileExists(atPath: signatures)
                ? (FileManager.default.enumerator(atPath: signatures)?.allObjects as? [String] ?? []) : []
            for relative in signed {
                let folderName = (relative as NSString).deletingLastPathComponent
                guard (relative as NSString).lastPathComponent.hasPrefix("signature-"),
                      let at = folderName.range(of: "@sha256=", options: .backwards),
                      platformDigests.contains("sha256:" + folderName[at.upperBound...]) else { continue }
                let target = try folder.place(ImageSetWriter.signaturesFolder + "/" + relative)
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try FileLinks.linkOrCopy(signatures + "/" + relative, to: target)
            }
        }

        // Each image's index of its platforms, in the spec's order of architectures; tags and referrers in the
        // order one build writes them (images by name, then platform).
        let platformOrder = order.architectures.map { ImageFormat().architectureName($0) }
        func rank(_ architecture: String) -> Int { platformOrder.firstIndex(of: architecture) ?? platformOrder.count }
        var tags: [Descriptor] = []
        var placed: [(name: String, architecture: String, digest: String)] = []
        var dockerfiles: [(path: String, bytes: [UInt8])] = []
        var loaded: [ArchiveWriter.Loaded] = []
        let names = order.members.filter { images[$0] != nil }
        let firstPlatform = names.first.flatMap { images[$0]?.platforms.map(\.architecture).min { rank($0) < rank($1) } }
        for name in names {
            var image = images[name]!
            image.platforms.sort { rank($0.architecture) < rank($1.architecture) }
            let bytes = try OCI.canonical(ImageIndex(manifests: image.platforms.map(\.descriptor)))
            let digest = "sha256:" + Array(SHA256.hash(data: bytes)).hexString
            let out = try folder.create(OCI.blobPath(digest))
            try out.write(bytes)
            try out.close()
            blobSizes[digest] = Int64(bytes.count)
            for reference in image.references {
                tags.append(Descriptor(mediaType: OCI.indexMediaType, digest: digest, size: Int64(bytes.count),
                                       annotations: [OCI.refName: reference]))
            }
            if let signer = context.signer {
                try ImageSetWriter.writeSignatures(image.references, digest: digest, signer: signer, build: context.build,
                                                   into: folder)
            }
            for platform in image.platforms { placed.append((name, platform.architecture, platform.descriptor.digest)) }
            // One Dockerfile per image: its first platform's, from the release that holds that platform.
            let first = image.platforms[0]
            let dockerfile = "dockerfiles/\(name)/Dockerfile"
            guard let text = FileManager.default.contents(atPath: parts[first.part].folder! + "/" + dockerfile) else {
                throw MalformedArtifact(path: parts[first.part].folder!, reason: "\(dockerfile) is missing")
            }
            dockerfiles.append((dockerfile, Array(text)))
            if let chosen = image.platforms.first(where: { $0.architecture == firstPlatform }) {
                let manifest = try LayoutReader(path: parts[chosen.part].folder!).json(OCI.blobPath(chosen.descriptor.digest))
                guard let config = Descriptor(json: manifest["config"]) else {
                    throw MalformedArtifact(path: parts[chosen.part].folder!, reason: "the manifest \(chosen.descriptor.digest) names no configuration")
                }
                loaded.append(ArchiveWriter.Loaded(config: config.digest,
                                                   layers: (manifest["layers"] as? [Any] ?? []).compactMap { Descriptor(json: $0)?.digest },
                                                   references: image.references))
            }
        }
        func position(_ subject: String) -> Int { placed.firstIndex { $0.digest == subject } ?? placed.count }
        let ordered = referrers.sorted { position($0.subject) < position($1.subject) }.map(\.descriptor)

        var files: [(path: String, bytes: [UInt8])] = [
            ("index.json", try OCI.canonical(ImageIndex(manifests: tags + ordered))), (OCI.layoutFile, Array(OCI.layoutVersion.utf8)),
        ] + dockerfiles
        for (path, bytes) in files where !path.hasPrefix("dockerfiles/") || !folder.contains(path) {
            let out = try folder.create(path)
            try out.write(bytes)
            try out.close()
        }
        files = files.sorted { $0.path < $1.path }
        let blobs = blobSizes.map { Blob(mediaType: "", digest: $0.key, size: $0.value) }
        try ArchiveWriter(folder: folder, images: loaded, blobs: blobs, files: files, build: context.build).write(to: sink)
    }

    /// The image a reference names, `REPOSITORY/NAME:TAG`, among the spec's images.
    static func name(of reference: String, among names: [String], in path: String) throws -> String {
        let repository = reference.split(separator: ":").dropLast().joined(separator: ":")
        let name = String(repository.split(separator: "/").last ?? "")
        guard names.contains(name) else {
            throw MalformedArtifact(path: path, reason: "\(reference) is not an image of the spec (\(names.joined(separator: ", ")))")
        }
        return name
    }
}

extension ImageFormat {
    public func merge(_ parts: [MergePart], order: MergeOrder, to sink: ByteSink, context: WriteContext) throws -> Bool {
        guard let folder = context.folder else {
            throw FormatViolation(format: name, subject: .codec, field: "layout", value: "",
                                  reason: "an image set is joined with its layout folder")
        }
        try LayoutMerge(parts: parts, order: order, context: context, folder: folder).write(to: sink)
        return true
    }
}
