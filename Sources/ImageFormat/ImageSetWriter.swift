import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import PackageModel

/// A blob written into the layout: its descriptor's digest and size, and for a layer its diff_id.
struct Blob {
    var mediaType: String
    var digest: String
    var size: Int64
    var diffID: String?

    var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: size) }
    var hex: String { String(digest.dropFirst("sha256:".count)) }
}

/// Writes an image set: the OCI layout into the folder it is handed, then the same layout, with docker's
/// `manifest.json`, as one tar into the sink. Each base layer is read once, copied byte for byte and checked against
/// its digest on the way; each layer by component is written once, however many images hold it.
final class ImageSetWriter {
    let set: ImageSet
    /// Each layer's compression, by name, as planned.
    let compression: [String: LayerCompression]
    let context: WriteContext
    let folder: FolderOutput
    let metadata: PackageMetadata
    let created: String
    /// Blobs in the layout so far, by digest.
    private var blobs: [String: Blob] = [:]
    private var incomingCount = 0
    /// Guards `blobs` and the temporary names: the bases are copied on one thread while layers are written on another.
    private let lock = NSLock()

    /// A new temporary blob name.
    private var incoming: Int {
        lock.withLock {
            incomingCount += 1
            return incomingCount
        }
    }

    init(set: ImageSet, compression: [String: LayerCompression], context: WriteContext, folder: FolderOutput,
         metadata: PackageMetadata) {
        self.set = set
        self.metadata = metadata
        self.compression = compression
        self.context = context
        self.folder = folder
        created = OCI.timestamp(context.build.sourceDateEpoch)
    }

    /// One image as written: its manifest, and what its Dockerfile says.
    struct WrittenImage {
        var image: ContainerImage
        var manifest: Blob
        var config: Blob
        var layers: [Blob]
        var base: LoadedBase
    }

    /// One base on one platform: a multi-platform base is a different image on each.
    struct PlatformBase: Hashable {
        var base: BaseImage
        var platform: Architecture
    }

    /// How OCI spells the platform's architecture.
    static func ociArchitecture(_ architecture: Architecture) -> String { ImageFormat().architectureName(architecture) }

    func write(to sink: ByteSink) throws {
        var bases: [PlatformBase: LoadedBase] = [:]
        for image in set.images where bases[image.platformBase] == nil {
            bases[image.platformBase] = try image.base.load(platform: Self.ociArchitecture(image.platform))
        }

        // The database files the installed records add to, by base: read from the base's layers as they are copied.
        var databasesWanted: [PlatformBase: Set<String>] = [:]
        for image in set.images {
            for name in image.layers {
                if let record = set.layers[name]?.installedRecord {
                    databasesWanted[image.platformBase, default: []].insert(String(record.database.drop { $0 == "/" }))
                }
            }
        }
        // The bases are copied on a thread of their own (reading a database means decompressing a layer), while
        // the layers that need no database are written and compressed beside it.
        let work = BaseWork()
        let basesDone = DispatchGroup()
        basesDone.enter()
        nonisolated(unsafe) let writer = self
        nonisolated(unsafe) let (loaded, wanted) = (bases, databasesWanted)
        Thread.detachNewThread {
            defer { basesDone.leave() }
            do { try writer.copyBases(loaded, wanting: wanted, into: work) } catch { work.failure = error }
        }
        var layerBlobs: [String: Blob] = [:]
        var early: Error?
        do {
            for image in set.images {
                for name in image.layers where layerBlobs[name] == nil {
                    guard let layer = set.layers[name], layer.installedRecord == nil else { continue }
                    layerBlobs[name] = try writeLayer(layer.files, compression: try compression(of: name))
                }
            }
        } catch {
            early = error
        }
        basesDone.wait()
        if let failure = work.failure ?? early { throw failure }
        let (baseBlobs, databases) = (work.baseBlobs, work.databases)

        var written: [WrittenImage] = []
        for image in set.images {
            var ours: [Blob] = []
            for name in image.layers {
                guard let layer = set.layers[name] else { continue }
                var files = layer.files
                var key = name
                if let record = layer.installedRecord {
                    let database = String(record.database.drop { $0 == "/" })
                    files += record.files + [Self.database(record, after: databases[image.platformBase]?[database])]
                    key += "\u{0}" + image.base.description + "\u{0}" + image.platform.rawValue
                }
                if let blob = layerBlobs[key] {
                    ours.append(blob)
                } else {
                    let blob = try writeLayer(files, compression: try compression(of: name))
                    layerBlobs[key] = blob
                    ours.append(blob)
                }
            }
            written.append(try writeImage(image, base: bases[image.platformBase]!, baseLayers: baseBlobs[image.platformBase]!,
                                          layers: ours, names: image.layers.map { set.layers[$0]?.name ?? $0 }))
        }
        let referrers = try writeBillsOfMaterials(written, version: metadata.version.upstream, license: metadata.license,
                                                  supplier: metadata.maintainer)
        let indexes = try writeImageIndexes(written)
        if let signer = context.signer { try writeSignatures(written, indexes: indexes, signer: signer) }
        let files = try writeIndex(written, indexes: indexes, referrers: referrers)
        // docker's manifest.json names one platform's images: the first platform the set has.
        let dockerImages = written.filter { $0.image.platform == written.first?.image.platform }.map {
            ArchiveWriter.Loaded(config: $0.config.digest, layers: $0.layers.map(\.digest), references: $0.image.references)
        }
        try ArchiveWriter(folder: folder, images: dockerImages, blobs: Array(blobs.values), files: files, build: context.build)
            .write(to: sink)
    }

    /// What the bases' thread hands back: each base's layer blobs and the database files read from them.
    final class BaseWork: @unchecked Sendable {
        var baseBlobs: [PlatformBase: [Blob]] = [:]
        var databases: [PlatformBase: [String: [UInt8]]] = [:]
        var failure: Error?
    }

    /// Copies every base's layers once each, reading the database files wanted of each base on the way.
    private func copyBases(_ bases: [PlatformBase: LoadedBase], wanting wanted: [PlatformBase: Set<String>],
                           into work: BaseWork) throws {
        var copied: [BaseLayer.Source: (blob: Blob, files: [String: [UInt8]])] = [:]
        for image in set.images where work.baseBlobs[image.platformBase] == nil {
            let key = image.platformBase
            let base = bases[key]!
            var layers: [Blob] = []
            var found: [String: [UInt8]] = [:]
            for layer in base.layers {
                let done = try copied[layer.source] ?? copy(layer, of: image.base, wanting: wanted[key] ?? [])
                copied[layer.source] = done
                layers.append(done.blob)
                // A later layer's copy of a file replaces an earlier one's.
                found.merge(done.files) { $1 }
            }
            work.baseBlobs[key] = layers
            work.databases[key] = found
        }
    }

    /// The database file as the image's package manager reads it: the base's, then the record's entry.
    static func database(_ record: InstalledRecord, after existing: [UInt8]?) -> PackageFile {
        var text = String(decoding: existing ?? [], as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        text += text.isEmpty ? record.entry : "\n\n" + record.entry
        return PackageFile(path: record.database, type: .generated(Array(text.utf8)), permissions: 0o644)
    }

    // MARK: Base layers

    /// Copies a base layer into the layout, hashing it (and, when its diff_id is not known, the tar inside it) and
    /// reading the files in `wanted` out of it, all in the one read.
    private func copy(_ layer: BaseLayer, of base: BaseImage,
                      wanting wanted: Set<String>) throws -> (blob: Blob, files: [String: [UInt8]]) {
        let name = base.description
        let temporary = "blobs/sha256/.incoming-\(incoming)"
        let out = try folder.create(temporary)
        var digest = SHA256()
        var size: Int64 = 0
        var mediaType = layer.mediaType
        var diff: DiffHasher?
        let next = try chunks(of: layer.source, name: name)
        var first = true
        // Every byte of the layer passes here once: into the layout, the digest, and the tar's own hash.
        let tee: () throws -> UnsafeRawBufferPointer = {
            let chunk = try next()
            if first, case .member = layer.source {
                // A docker archive's layers may be compressed (Docker 25 writes gzip); their media type says so.
                if chunk.starts(with: [0x1F, 0x8B]) { mediaType = OCI.layerGzipMediaType }
                if chunk.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { mediaType = OCI.layerZstdMediaType }
            }
            if first && layer.diffID == nil {
                diff = try DiffHasher(mediaType: mediaType)
            }
            first = false
            digest.update(bufferPointer: chunk)
            size += Int64(chunk.count)
            try out.write(chunk)
            try diff?.write(chunk)
            return chunk
        }
        var files: [String: [UInt8]] = [:]
        if !wanted.isEmpty {
            let reader = try ArchiveReader(name: name, read: tee)
            while let entry = try reader.next() {
                let path = String(entry.path.drop { $0 == "." || $0 == "/" })
                if wanted.contains(path) && entry.type == .regular && entry.size <= 256 << 20 {
                    files[path] = try reader.readData()
                    // The rest is copied as it is, not decompressed, unless its diff_id must be computed.
                    if files.count == wanted.count && diff == nil { break }
                }
            }
        }
        while try !tee().isEmpty {}
        try out.close()
        let computed = "sha256:" + Array(digest.finalize()).hexString
        let diffID = try diff?.finish() ?? layer.diffID
        if let expected = layer.digest, expected != computed || layer.size.map({ $0 != size }) == true {
            try folder.remove(temporary)
            throw MalformedArtifact(path: name, reason: "layer blob \(expected) does not match its digest or size: the base is damaged")
        }
        if mediaType == OCI.layerTarMediaType, let known = layer.diffID, known != computed {
            try folder.remove(temporary)
            throw MalformedArtifact(path: name, reason: "layer \(known) does not hash to its diff_id: the base is damaged")
        }
        let blob = Blob(mediaType: mediaType, digest: computed, size: size, diffID: diffID)
        try place(temporary, as: blob)
        return (blob, files)
    }

    /// The bytes of a base layer, chunk by chunk, an empty chunk at the end.
    private func chunks(of source: BaseLayer.Source, name: String) throws -> () throws -> UnsafeRawBufferPointer {
        switch source {
        case .file(let path):
            let reader = try FileReader(path: path)
            var offset: UInt64 = 0
            return {
                let chunk = try reader.chunk(at: offset)
                offset += UInt64(chunk.count)
                return chunk
            }
        case .member(let archive, let member):
            let reader = try ArchiveReader(path: archive)
            while let entry = try reader.next() {
                if entry.path == member { return { try reader.readChunk() } }
            }
            throw MalformedArtifact(path: name, reason: "the layer \(member) is missing from the archive")
        }
    }

    /// Moves a finished blob to its name, or drops it when the layout has it already.
    private func place(_ temporary: String, as blob: Blob) throws {
        try lock.withLock {
            if blobs[blob.digest] != nil || folder.contains(OCI.blobPath(blob.digest)) {
                try folder.remove(temporary)
            } else {
                try folder.move(temporary, to: OCI.blobPath(blob.digest))
            }
            blobs[blob.digest] = blob
        }
    }

    // MARK: Layers of our own

    /// A pax tar of the files, compressed in units by the build's engine (a file compressed for another artifact at
    /// the same level is not compressed again), or left uncompressed when the layer says `none`.
    private func writeLayer(_ files: [PackageFile], compression: LayerCompression) throws -> Blob {
        let temporary = "blobs/sha256/.incoming-\(incoming)"
        let out = try folder.create(temporary)
        let written = SHA256Sink(out)
        var compressor: BlockCompressor?
        if case .compressed(let layerCodec) = compression {
            compressor = try BlockCompressor(codec: layerCodec, sink: written, engine: context.engine)
        }
        let tarStream = HashingSegmentSink(compressor.map { $0 as SegmentSink } ?? PlainSegmentSink(written))
        let tar = try TarWriter(sink: tarStream, format: .pax, namePrefix: "")
        for file in try InstallTree(files).entries {
            try tar.add(try ArchiveEntry(file, build: context.build))
        }
        try tar.finish()
        try compressor?.finish()
        try out.close()
        let mediaType = switch compression {
        case .compressed(let layerCodec): Self.mediaType(of: layerCodec)
        case .uncompressed: OCI.layerTarMediaType
        }
        let blob = Blob(mediaType: mediaType, digest: "sha256:" + written.sha256Hex, size: Int64(written.size),
                        diffID: "sha256:" + tarStream.sha256Hex)
        try place(temporary, as: blob)
        return blob
    }

    /// A layer's compression as planned; the plan resolves every layer, so a missing one is a planner's mistake.
    private func compression(of layer: String) throws -> LayerCompression {
        guard let found = compression[layer] else {
            throw FormatViolation(format: "oci", subject: .layer(layer), field: "compression", value: "",
                                  reason: "the layer has no compression planned")
        }
        return found
    }

    static func mediaType(of codec: Codec) -> String {
        switch codec {
        case .gzip: OCI.layerGzipMediaType
        case .zstd: OCI.layerZstdMediaType
        case .xz: OCI.layerTarMediaType    // refused by validation
        }
    }

    // MARK: Configurations, manifests, index

    private func writeJSON(_ document: some Encodable, mediaType: String) throws -> Blob {
        try writeBytes(try OCI.canonical(document), mediaType: mediaType)
    }

    func writeBytes(_ bytes: [UInt8], mediaType: String) throws -> Blob {
        let blob = Blob(mediaType: mediaType, digest: "sha256:" + Array(SHA256.hash(data: bytes)).hexString,
                        size: Int64(bytes.count))
        if lock.withLock({ blobs[blob.digest] == nil }) {
            let temporary = "blobs/sha256/.incoming-\(incoming)"
            let out = try folder.create(temporary)
            try out.write(bytes)
            try out.close()
            try place(temporary, as: blob)
        }
        return blob
    }

    private func writeImage(_ image: ContainerImage, base: LoadedBase, baseLayers: [Blob], layers: [Blob],
                            names: [String]) throws -> WrittenImage {
        var others = base.config.mapValues(JSONValue.init)
        let baseHistory = (base.config["history"] as? [Any] ?? []).map(JSONValue.init)
        for field in ["architecture", "os", "created", "config", "rootfs", "history"] { others[field] = nil }
        var runOthers = (base.config["config"] as? [String: Any] ?? [:]).mapValues(JSONValue.init)
        for field in ["Env", "Entrypoint", "Cmd", "WorkingDir", "Labels"] { runOthers[field] = nil }
        let baseRun = base.config["config"] as? [String: Any] ?? [:]
        var environment = baseRun["Env"] as? [String] ?? []
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.insert("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", at: 0)
        }
        for variable in image.config.environment {
            environment.removeAll { $0.hasPrefix(variable.name + "=") }
            environment.append("\(variable.name)=\(variable.value)")
        }
        var entrypoint = baseRun["Entrypoint"] as? [String]
        var command = baseRun["Cmd"] as? [String]
        if let given = image.config.entrypoint {
            entrypoint = given
            // As docker does: a new entrypoint drops the base's command.
            command = image.config.command
        } else if let given = image.config.command {
            command = given
        }
        var labels = baseRun["Labels"] as? [String: String] ?? [:]
        labels.merge(image.config.labels) { $1 }
        var history: [ImageConfiguration.History] = []
        if baseHistory.isEmpty && !baseLayers.isEmpty {
            history = baseLayers.map { _ in ImageConfiguration.History(created: created, createdBy: "falcopack: base \(base.name)") }
        }
        history += names.map { ImageConfiguration.History(created: created, createdBy: "falcopack: layer \($0)") }
        let config = ImageConfiguration(
            architecture: Self.ociArchitecture(image.platform), created: created,
            config: ImageConfiguration.Run(environment: environment, entrypoint: entrypoint, command: command,
                                           workingDirectory: image.config.workingDirectory ?? baseRun["WorkingDir"] as? String,
                                           labels: labels, others: runOthers),
            diffIDs: (baseLayers + layers).map { $0.diffID ?? $0.digest }, baseHistory: baseHistory, history: history,
            others: others)
        let configBlob = try writeJSON(config, mediaType: OCI.configMediaType)

        var annotations = [OCI.baseName: base.name]
        if let digest = base.digest { annotations[OCI.baseDigest] = digest }
        let manifest = ImageManifest(config: configBlob.descriptor, layers: (baseLayers + layers).map(\.descriptor),
                                     annotations: annotations)
        let manifestBlob = try writeJSON(manifest, mediaType: OCI.manifestMediaType)
        return WrittenImage(image: image, manifest: manifestBlob, config: configBlob, layers: baseLayers + layers,
                            base: base)
    }

    /// The platform field of an image's descriptor.
    static func platform(of image: ContainerImage) -> [String: String] {
        ["architecture": ociArchitecture(image.platform), "os": "linux"]
    }

    /// For a multi-platform set, each image's index of its platforms' manifests, by image name, written as blobs.
    func writeImageIndexes(_ images: [WrittenImage]) throws -> [String: Blob] {
        guard set.isMultiPlatform else { return [:] }
        var byName: [String: [Descriptor]] = [:]
        var order: [String] = []
        for written in images {
            if byName[written.image.name] == nil { order.append(written.image.name) }
            var descriptor = written.manifest.descriptor
            descriptor.platform = Self.platform(of: written.image)
            byName[written.image.name, default: []].append(descriptor)
        }
        var indexes: [String: Blob] = [:]
        for name in order {
            indexes[name] = try writeJSON(ImageIndex(manifests: byName[name]!), mediaType: OCI.indexMediaType)
        }
        return indexes
    }

    /// Writes index.json (a manifest per tag, or for several platforms an image index per tag, then the referrers),
    /// oci-layout and the Dockerfiles; returns them by path, for the archive.
    private func writeIndex(_ images: [WrittenImage], indexes: [String: Blob],
                            referrers: [Descriptor]) throws -> [(path: String, bytes: [UInt8])] {
        var manifests: [Descriptor] = []
        var named: Set<String> = []
        for written in images {
            if let index = indexes[written.image.name] {
                guard named.insert(written.image.name).inserted else { continue }
                for reference in written.image.references {
                    var descriptor = index.descriptor
                    descriptor.annotations = [OCI.refName: reference]
                    manifests.append(descriptor)
                }
                continue
            }
            for reference in written.image.references {
                var descriptor = written.manifest.descriptor
                descriptor.annotations = [OCI.refName: reference]
                descriptor.platform = Self.platform(of: written.image)
                manifests.append(descriptor)
            }
        }
        let index = ImageIndex(manifests: manifests + referrers)
        var files: [(path: String, bytes: [UInt8])] = [
            ("index.json", try OCI.canonical(index)), (OCI.layoutFile, Array(OCI.layoutVersion.utf8)),
        ]
        // One Dockerfile per image: its first platform's.
        var described: Set<String> = []
        for written in images where described.insert(written.image.name).inserted {
            files.append(("dockerfiles/\(written.image.name)/Dockerfile", Array(Dockerfile.text(for: written).utf8)))
        }
        for (path, bytes) in files {
            let out = try folder.create(path)
            try out.write(bytes)
            try out.close()
        }
        return files
    }
}

extension ContainerImage {
    var platformBase: ImageSetWriter.PlatformBase { ImageSetWriter.PlatformBase(base: base, platform: platform) }
}

/// SHA-256 of the tar inside a layer, decompressed as it passes: a diff_id.
struct DiffHasher {
    private let hasher: SHA256Sink
    private let decoder: StreamCodec?

    init(mediaType: String) throws {
        hasher = SHA256Sink(DiscardSink())
        switch mediaType {
        case OCI.layerGzipMediaType, OCI.dockerLayerGzipMediaType: decoder = try Decoders.make(.defaultGzip, sink: hasher)
        case OCI.layerZstdMediaType: decoder = try Decoders.make(.defaultZstd, sink: hasher)
        default: decoder = nil
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let decoder { try decoder.write(bytes) } else { try hasher.write(bytes) }
    }

    func finish() throws -> String {
        try decoder?.finish()
        decoder?.close()
        return "sha256:" + hasher.sha256Hex
    }
}

/// Counts nothing, keeps nothing: the end of a chain of sinks that only hash.
final class DiscardSink: ByteSink {
    func write(_ bytes: UnsafeRawBufferPointer) throws {}
}
