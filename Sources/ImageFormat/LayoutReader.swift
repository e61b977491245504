import ArchiveFormats
import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation

/// An image layout read back, from its folder or from the archive that holds it: what `inspect` shows and what
/// `verify` checks.
struct LayoutReader {
    let path: String
    let isFolder: Bool

    init(path: String) {
        self.path = path
        var folder: ObjCBool = false
        isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// A small file of the layout (index.json, a manifest, a configuration), or nil when it has none.
    func small(_ relative: String) throws -> [UInt8]? {
        if isFolder {
            let full = path + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full) else { return nil }
            guard (attributes[.size] as? Int ?? 0) <= 16 << 20 else {
                throw MalformedArtifact(path: path, reason: "\(relative) is too large to be what it claims")
            }
            return FileManager.default.contents(atPath: full).map(Array.init)
        }
        return try ArchiveReader.readMember(path: path, member: relative, limit: 16 << 20)
    }

    func json(_ relative: String) throws -> [String: Any] {
        guard let bytes = try small(relative) else { throw MalformedArtifact(path: path, reason: "\(relative) is missing") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw MalformedArtifact(path: path, reason: "\(relative) is not a JSON object")
        }
        return object
    }

    /// The index's images, each with its reference; artifacts attached to them (bills of materials) are not images.
    func manifests() throws -> [Descriptor] {
        try entries(artifacts: false)
    }

    /// The manifests a tagged entry stands for: itself, or for an image index, each platform's manifest (with its
    /// platform field).
    func platformManifests(of descriptor: Descriptor) throws -> [Descriptor] {
        guard [OCI.indexMediaType, OCI.dockerListMediaType].contains(descriptor.mediaType) else { return [descriptor] }
        let index = try json(OCI.blobPath(descriptor.digest))
        return (index["manifests"] as? [Any] ?? []).compactMap(Descriptor.init(json:))
    }

    /// The artifacts the index lists beside the images, each with its subject in its manifest.
    func referrers() throws -> [Descriptor] {
        try entries(artifacts: true)
    }

    private func entries(artifacts: Bool) throws -> [Descriptor] {
        let index = try json("index.json")
        return (index["manifests"] as? [Any] ?? []).filter { entry in
            ((entry as? [String: Any])?["artifactType"] != nil) == artifacts
        }.compactMap(Descriptor.init(json:))
    }

    func inspection(format: String) throws -> Inspection {
        var images: [Inspection.Image] = []
        for tagged in try manifests() {
          for descriptor in try platformManifests(of: tagged) {
            let manifest = try json(OCI.blobPath(descriptor.digest))
            guard let config = Descriptor(json: manifest["config"]) else {
                throw MalformedArtifact(path: path, reason: "the manifest \(descriptor.digest) names no configuration")
            }
            let run = (try json(OCI.blobPath(config.digest))["config"] as? [String: Any]) ?? [:]
            var shown: [String: String] = [:]
            for key in ["Entrypoint", "Cmd", "Env"] {
                if let words = run[key] as? [String] { shown[key] = words.joined(separator: " ") }
            }
            if let directory = run["WorkingDir"] as? String { shown["WorkingDir"] = directory }
            for (name, value) in run["Labels"] as? [String: String] ?? [:] { shown["Label " + name] = value }
            let layers = (manifest["layers"] as? [Any] ?? []).compactMap(Descriptor.init(json:))
                .map { "\($0.digest) \($0.size) \($0.mediaType)" }
            images.append(Inspection.Image(reference: tagged.annotations[OCI.refName] ?? descriptor.digest,
                                           manifest: descriptor.digest, config: shown, layers: layers,
                                           platform: descriptor.platform.map { "\($0["os"] ?? "")/\($0["architecture"] ?? "")" }))
          }
        }
        return Inspection(path: path, format: format, fields: [("Images", "\(Set(images.map(\.manifest)).count)")],
                          files: [], identity: nil, images: images)
    }

    /// Everything in the layout that does not match what names it: each blob's digest and size, each layer's
    /// diff_id. A layout folder is checked blob by blob; an archive, in one pass over its members.
    func problems() -> [String] {
        var problems: [String] = []
        let name = (path as NSString).lastPathComponent
        do {
            if isFolder {
                guard try small(OCI.layoutFile) != nil else { return ["\(name): no oci-layout file"] }
            }
            var expected: [String: Int64] = [:]
            var diffIDs: [String: String] = [:]
            var images: [(reference: String, descriptor: Descriptor)] = []
            for tagged in try manifests() {
                expected[tagged.digest] = tagged.size
                let reference = tagged.annotations[OCI.refName] ?? tagged.digest
                images += try platformManifests(of: tagged).map { (reference, $0) }
            }
            for (reference, descriptor) in images {
                expected[descriptor.digest] = descriptor.size
                let manifest = try json(OCI.blobPath(descriptor.digest))
                guard let config = Descriptor(json: manifest["config"]) else {
                    problems.append("\(name): the manifest \(descriptor.digest) names no configuration")
                    continue
                }
                expected[config.digest] = config.size
                let layers = (manifest["layers"] as? [Any] ?? []).compactMap(Descriptor.init(json:))
                let ids = (try json(OCI.blobPath(config.digest))["rootfs"] as? [String: Any])?["diff_ids"] as? [String] ?? []
                if ids.count != layers.count {
                    problems.append("\(name): \(reference) has \(layers.count) layers and \(ids.count) diff_ids")
                }
                for (layer, id) in zip(layers, ids) {
                    expected[layer.digest] = layer.size
                    diffIDs[layer.digest] = id
                }
            }
            for descriptor in try referrers() {
                expected[descriptor.digest] = descriptor.size
                let manifest = try json(OCI.blobPath(descriptor.digest))
                for blob in [manifest["config"] as Any] + (manifest["layers"] as? [Any] ?? []) {
                    if let blob = Descriptor(json: blob) { expected[blob.digest] = blob.size }
                }
                if let subject = Descriptor(json: manifest["subject"]), expected[subject.digest] == nil {
                    problems.append("\(name): the artifact \(descriptor.digest) refers to \(subject.digest), which is not an image of the layout")
                }
            }
            problems += try checkBlobs(expected: expected, diffIDs: diffIDs, name: name)
        } catch {
            problems.append("\(name): \(error)")
        }
        return problems
    }

    private func checkBlobs(expected: [String: Int64], diffIDs: [String: String], name: String) throws -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        func check(_ digest: String, _ chunks: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
            seen.insert(digest)
            var hasher = SHA256()
            var size: Int64 = 0
            var decoder: DiffHasher?
            var decodeError: Error?
            try chunks { chunk in
                if size == 0, diffIDs[digest] != nil {
                    decoder = try DiffHasher(mediaType: Self.mediaType(ofFirst: chunk))
                }
                hasher.update(bufferPointer: chunk)
                size += Int64(chunk.count)
                do { try decoder?.write(chunk) } catch {
                    decodeError = error
                    decoder = nil
                }
            }
            let actual = "sha256:" + Array(hasher.finalize()).hexString
            if actual != digest { problems.append("\(name): blob \(digest) holds bytes whose digest is \(actual)") }
            if let want = expected[digest], want != size {
                problems.append("\(name): blob \(digest) is \(size) bytes, its descriptor says \(want)")
            }
            if let decodeError {
                problems.append("\(name): layer \(digest) does not decompress: \(decodeError)")
            } else if let want = diffIDs[digest], let decoder {
                do {
                    let got = try decoder.finish()
                    if got != want { problems.append("\(name): layer \(digest) unpacks to \(got), its diff_id says \(want)") }
                } catch {
                    problems.append("\(name): layer \(digest) does not decompress: \(error)")
                }
            }
        }
        if isFolder {
            for digest in expected.keys.sorted() {
                let blob = path + "/" + OCI.blobPath(digest)
                guard FileManager.default.fileExists(atPath: blob) else {
                    problems.append("\(name): blob \(digest) is missing")
                    continue
                }
                let reader = try FileReader(path: blob)
                try check(digest) { body in try reader.forEachChunk(body) }
            }
        } else {
            let reader = try ArchiveReader(path: path)
            while let entry = try reader.next() {
                guard entry.type == .regular, entry.path.hasPrefix("blobs/sha256/") else { continue }
                let digest = "sha256:" + entry.path.dropFirst("blobs/sha256/".count)
                try check(digest) { body in
                    while true {
                        let chunk = try reader.readChunk()
                        if chunk.isEmpty { return }
                        try body(chunk)
                    }
                }
            }
            for digest in expected.keys.sorted() where !seen.contains(digest) {
                problems.append("\(name): blob \(digest) is missing")
            }
        }
        return problems
    }

    static func mediaType(ofFirst chunk: UnsafeRawBufferPointer) -> String {
        if chunk.starts(with: [0x1F, 0x8B]) { return OCI.layerGzipMediaType }
        if chunk.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return OCI.layerZstdMediaType }
        return OCI.layerTarMediaType
    }
}
