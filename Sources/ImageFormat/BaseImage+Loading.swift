import ArchiveFormats
import ByteIO
import Crypto
import FormatSeam
import Foundation
import PackageModel

/// A base image as read from disk: its configuration and its layers, not yet copied.
struct LoadedBase {
    /// How annotations and Dockerfiles name it.
    var name: String
    /// The digest of the base's manifest, for a layout; nil for an archive or a rootfs.
    var digest: String?
    /// The base's image configuration; empty for scratch and a rootfs.
    var config: [String: Any]
    var layers: [BaseLayer]
}

/// One layer of a base: where its bytes are and what is known of them before they are read.
struct BaseLayer {
    enum Source: Hashable {
        /// A blob file of a layout, or a rootfs tarball.
        case file(String)
        /// A member of a docker archive.
        case member(archive: String, path: String)
    }

    var source: Source
    var mediaType: String
    /// Known for a layout's blobs, which must match it; computed for a rootfs and an archive's members.
    var digest: String?
    var size: Int64?
    /// Known from the base's configuration; computed for a rootfs.
    var diffID: String?
}

extension BaseImage {
    /// Reads the base's index, manifest and configuration (checking their digests) and lists its layers; the
    /// layers' own bytes are checked when they are copied, so each is read once. `platform` is the OCI
    /// architecture (amd64, arm64) the image runs on: an index gives its manifest for it; a single image must be
    /// for it, as its configuration says; a rootfs says nothing and is taken as it is.
    func load(platform: String = "amd64") throws -> LoadedBase {
        switch self {
        case .scratch:
            return LoadedBase(name: "scratch", digest: nil, config: [:], layers: [])
        case .rootfs(let path):
            return LoadedBase(name: (path as NSString).lastPathComponent, digest: nil, config: [:],
                              layers: [BaseLayer(source: .file(path), mediaType: try Self.mediaType(ofTarball: path),
                                                 digest: nil, size: nil, diffID: nil)])
        case .ociLayout(let path, let reference):
            return try Self.checked(Self.loadLayout(path, reference: reference, platform: platform, description: description),
                                    platform: platform, description: description)
        case .dockerArchive(let path, let tag):
            return try Self.checked(Self.loadArchive(path, tag: tag, description: description), platform: platform,
                                    description: description)
        }
    }

    /// A base whose configuration names another architecture than the image's platform is refused.
    private static func checked(_ base: LoadedBase, platform: String, description: String) throws -> LoadedBase {
        if let architecture = base.config["architecture"] as? String, architecture != platform {
            throw MalformedArtifact(path: description, reason: "the base is linux/\(architecture), with no linux/\(platform) image; give a base for linux/\(platform) (an image index of both platforms)")
        }
        return base
    }

    /// gzip and zstd are layer media types; a plain tar is too. xz is not, and is refused rather than recompressed.
    static func mediaType(ofTarball path: String) throws -> String {
        let head = try FileReader(path: path).prefix(6)
        if head.starts(with: [0x1F, 0x8B]) { return OCI.layerGzipMediaType }
        if head.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return OCI.layerZstdMediaType }
        if head.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            throw MalformedArtifact(path: path, reason: "an xz tarball cannot be a layer (OCI layers are tar, gzip or zstd); recompress it with gzip")
        }
        return OCI.layerTarMediaType
    }

    private static func json(_ bytes: [UInt8], _ source: String, _ what: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw MalformedArtifact(path: source, reason: "\(what) is not a JSON object")
        }
        return object
    }

    /// A small blob of a layout, read whole and checked against its descriptor.
    private static func blob(_ layout: String, _ descriptor: Descriptor, _ source: String) throws -> [UInt8] {
        guard descriptor.size <= 16 << 20 else {
            throw MalformedArtifact(path: source, reason: "\(descriptor.digest) claims \(descriptor.size) bytes; a manifest or configuration is far smaller")
        }
        let path = layout + "/" + OCI.blobPath(descriptor.digest)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MalformedArtifact(path: source, reason: "blob \(descriptor.digest) is missing")
        }
        let bytes = Array(data)
        let digest = "sha256:" + Array(SHA256.hash(data: bytes)).hexString
        guard digest == descriptor.digest, Int64(bytes.count) == descriptor.size else {
            throw MalformedArtifact(path: source, reason: "blob \(descriptor.digest) does not match its digest and size (the layout is damaged)")
        }
        return bytes
    }

    private static func loadLayout(_ path: String, reference: Reference?, platform: String,
                                   description: String) throws -> LoadedBase {
        guard FileManager.default.fileExists(atPath: path + "/" + OCI.layoutFile) else {
            throw MalformedArtifact(path: description, reason: "not an OCI layout: no oci-layout file")
        }
        guard let indexData = FileManager.default.contents(atPath: path + "/index.json") else {
            throw MalformedArtifact(path: description, reason: "not an OCI layout: no index.json")
        }
        var index = try json(Array(indexData), description, "index.json")
        // A layout may name an index per tag (a multi-platform image): its manifest for the platform is the base.
        var candidates = (index["manifests"] as? [Any] ?? []).compactMap(Descriptor.init(json:))
        let chosen: Descriptor
        switch reference {
        case .tag(let tag)?:
            guard let found = candidates.first(where: { $0.annotations[OCI.refName] == tag }) else {
                let tags = candidates.compactMap { $0.annotations[OCI.refName] }
                throw MalformedArtifact(path: description, reason: "no image is tagged '\(tag)' (tags: \(tags.isEmpty ? "none" : tags.joined(separator: ", ")))")
            }
            chosen = found
        case .digest(let digest)?:
            guard let found = candidates.first(where: { $0.digest == digest }) else {
                throw MalformedArtifact(path: description, reason: "no image has the digest \(digest)")
            }
            chosen = found
        case nil:
            guard candidates.count == 1 else {
                throw MalformedArtifact(path: description, reason: "the layout holds \(candidates.count) images; name one as oci:DIR:TAG")
            }
            chosen = candidates[0]
        }
        var manifestDescriptor = chosen
        if [OCI.indexMediaType, OCI.dockerListMediaType].contains(chosen.mediaType) {
            index = try json(try blob(path, chosen, description), description, "the index \(chosen.digest)")
            candidates = (index["manifests"] as? [Any] ?? []).compactMap(Descriptor.init(json:))
            guard let found = candidates.first(where: { $0.platform?["architecture"] == platform && $0.platform?["os"] == "linux" }) else {
                let platforms = candidates.compactMap { $0.platform.map { "\($0["os"] ?? "?")/\($0["architecture"] ?? "?")" } }
                throw MalformedArtifact(path: description, reason: "the index \(chosen.digest) has no linux/\(platform) image (it has \(platforms.isEmpty ? "none" : platforms.joined(separator: ", ")))")
            }
            manifestDescriptor = found
        }
        let manifest = try json(try blob(path, manifestDescriptor, description), description, "the manifest")
        guard let configDescriptor = Descriptor(json: manifest["config"]) else {
            throw MalformedArtifact(path: description, reason: "the manifest names no configuration")
        }
        let config = try json(try blob(path, configDescriptor, description), description, "the configuration")
        let layerDescriptors = (manifest["layers"] as? [Any] ?? []).map(Descriptor.init(json:))
        guard !layerDescriptors.contains(where: { $0 == nil }) else {
            throw MalformedArtifact(path: description, reason: "the manifest has a malformed layer")
        }
        let diffIDs = (config["rootfs"] as? [String: Any])?["diff_ids"] as? [String] ?? []
        guard diffIDs.count == layerDescriptors.count else {
            throw MalformedArtifact(path: description, reason: "the configuration lists \(diffIDs.count) diff_ids for \(layerDescriptors.count) layers")
        }
        // A layer whose blob is gone is found now, before anything is written, not when it would be copied.
        for case let descriptor? in layerDescriptors where !FileManager.default.fileExists(atPath: path + "/" + OCI.blobPath(descriptor.digest)) {
            throw MalformedArtifact(path: description, reason: "the linux/\(platform) image's layer blob \(descriptor.digest) is missing")
        }
        let layers = zip(layerDescriptors.compactMap { $0 }, diffIDs).map { descriptor, diffID in
            BaseLayer(source: .file(path + "/" + OCI.blobPath(descriptor.digest)), mediaType: descriptor.mediaType,
                      digest: descriptor.digest, size: descriptor.size, diffID: diffID)
        }
        let name: String = switch reference {
        case .tag(let tag)?: tag
        default: chosen.annotations[OCI.refName] ?? (path as NSString).lastPathComponent
        }
        return LoadedBase(name: name, digest: manifestDescriptor.digest, config: config, layers: layers)
    }

    private static func loadArchive(_ path: String, tag: String?, description: String) throws -> LoadedBase {
        // The small members, read in one pass; layers stay in the archive until they are copied.
        var small: [String: [UInt8]] = [:]
        let reader = try ArchiveReader(path: path)
        while let entry = try reader.next() {
            if entry.type == .regular && entry.size <= 16 << 20 && (entry.path.hasSuffix(".json") || !entry.path.contains("/")) {
                small[entry.path] = try reader.readData()
            }
        }
        guard let manifestBytes = small["manifest.json"],
              let manifest = try? JSONSerialization.jsonObject(with: Data(manifestBytes)) as? [[String: Any]] else {
            throw MalformedArtifact(path: description, reason: "not a docker archive: no manifest.json")
        }
        let entry: [String: Any]
        if let tag {
            // docker names an image of Docker Hub in full (docker.io/library/debian:12); a tag may be written short.
            func normalized(_ reference: String) -> String {
                var text = reference
                for prefix in ["docker.io/", "library/"] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
                return text
            }
            guard let found = manifest.first(where: {
                ($0["RepoTags"] as? [String] ?? []).contains { normalized($0) == normalized(tag) }
            }) else {
                throw MalformedArtifact(path: description, reason: "no image is tagged '\(tag)'")
            }
            entry = found
        } else {
            guard manifest.count == 1 else {
                throw MalformedArtifact(path: description, reason: "the archive holds \(manifest.count) images; name one as docker-archive:FILE:NAME:TAG")
            }
            entry = manifest[0]
        }
        guard let configPath = entry["Config"] as? String, let configBytes = small[configPath] ?? {
            // A config under blobs/ is read on its own, as it is not a top-level member.
            try? ArchiveReader.readMember(path: path, member: configPath, limit: 16 << 20)
        }() else {
            throw MalformedArtifact(path: description, reason: "the image's configuration is missing")
        }
        let config = try json(configBytes, description, "the configuration")
        let layerPaths = entry["Layers"] as? [String] ?? []
        let diffIDs = (config["rootfs"] as? [String: Any])?["diff_ids"] as? [String] ?? []
        guard diffIDs.count == layerPaths.count else {
            throw MalformedArtifact(path: description, reason: "the configuration lists \(diffIDs.count) diff_ids for \(layerPaths.count) layers")
        }
        let layers = zip(layerPaths, diffIDs).map { member, diffID in
            BaseLayer(source: .member(archive: path, path: member), mediaType: OCI.layerTarMediaType, digest: nil, size: nil,
                      diffID: diffID)
        }
        let name = tag ?? (entry["RepoTags"] as? [String])?.first ?? (path as NSString).lastPathComponent
        return LoadedBase(name: name, digest: nil, config: config, layers: layers)
    }
}
