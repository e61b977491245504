import ArchiveFormats
import ByteIO
import FormatSeam
import Foundation
import PackageModel

/// The images as one tar for `docker load -i`, as Docker 25 writes them: the OCI layout whole, plus `manifest.json`
/// naming each image's configuration, layers and tags by their blob paths. Blobs go in from the layout's files as
/// content segments: read once more, never held in memory, never hashed again.
struct ArchiveWriter {
    /// What docker loads: one platform's images, each its configuration, layers and tags.
    struct Loaded {
        var config: String
        var layers: [String]
        var references: [String]
    }

    let folder: FolderOutput
    let images: [Loaded]
    /// Every blob of the layout.
    let blobs: [Blob]
    /// The layout's other files (oci-layout, index.json, Dockerfiles) by path.
    let files: [(path: String, bytes: [UInt8])]
    let build: BuildContext

    func write(to sink: ByteSink) throws {
        let manifest = images.map { image in
            DockerArchiveEntry(config: OCI.blobPath(image.config), repoTags: image.references, layers: image.layers.map(OCI.blobPath))
        }
        var members: [String: ArchiveEntry.Contents] = ["manifest.json": .bytes(try OCI.canonical(manifest))]
        for (path, bytes) in files { members[path] = .bytes(bytes) }
        for blob in blobs {
            let digests = FileDigests(size: UInt64(blob.size), sha256: Self.bytes(hex: blob.hex), md5: nil)
            members[OCI.blobPath(blob.digest)] = .file(FileContent(path: try folder.place(OCI.blobPath(blob.digest)),
                                                                   digests: digests))
        }
        // Folders first, then names bytewise: the order a reproducible tar has.
        var folders: Set<String> = []
        for path in members.keys {
            var parent = (path as NSString).deletingLastPathComponent
            while !parent.isEmpty {
                folders.insert(parent)
                parent = (parent as NSString).deletingLastPathComponent
            }
        }
        let owner = ArchiveEntry.Owner(build)
        let names = (Array(members.keys) + folders).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let tar = try TarWriter(sink: PlainSegmentSink(sink), format: .pax, namePrefix: "")
        for name in names {
            let type: ArchiveEntry.FileType = members[name].map { .regular($0) } ?? .directory
            try tar.add(try ArchiveEntry(path: name, type: type, permissions: members[name] == nil ? 0o755 : 0o644,
                                         mtime: build.sourceDateEpoch, owner: owner))
        }
        try tar.finish()
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
