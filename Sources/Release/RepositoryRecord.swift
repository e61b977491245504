import ByteIO
import Crypto
import FormatSeam
import Foundation
import PackageModel
import Signing

/// What a repository is, as `publish` recorded it at its top (`repository.json`): its names, where clients reach
/// it, and the keys that sign it, so `repo remove`, `rotate` and `check` need no spec.
struct RepositoryRecord: Codable, Equatable, Sendable {
    static let fileName = "repository.json"

    var name: String
    var origin: String
    var label: String
    var suite: String
    var codename: String
    var component: String
    var architectures: [String]
    var keyFile: String
    var install: String
    var url: String
    /// The fingerprints of the keys whose signatures the indexes carry: first the one that signs packages, then
    /// any still trusted while a rotation is under way.
    var keys: [String]
    /// The formats whose repositories it holds.
    var formats: [String]
    /// The projects whose releases it holds, in the order they were first published, each with its folder under
    /// `files/`. nil in a record written before products were.
    var products: [Product]?

    /// One project published into the repository, and the package its users install.
    struct Product: Codable, Equatable, Sendable {
        var name: String
        var install: String
        /// Its releases' folder under `files/` (`files/NAME/VERSION/`); nil: `files/VERSION/`, where a repository
        /// published before products keeps its releases.
        var folder: String?

        /// The folder under `files/` of its release `version`.
        func slot(_ version: String) -> String { folder.map { $0 + "/" + version } ?? version }
    }

    /// The products, a record without the list holding one: the repository's own, named as the repository, its
    /// releases where they are.
    var knownProducts: [Product] { products ?? [Product(name: name, install: install, folder: nil)] }

    init(settings: RepositorySettings, url: String, keys: [String], formats: [String], products: [Product]) {
        name = settings.name
        origin = settings.origin
        label = settings.label
        suite = settings.suite
        codename = settings.codename
        component = settings.component
        architectures = settings.architectures.map(\.rawValue)
        keyFile = settings.keyFile
        install = settings.install
        self.url = url
        self.keys = keys
        self.formats = formats
        self.products = products
    }

    /// The settings a run uses.
    func settings(date: Int64) throws -> RepositorySettings {
        let held = try architectures.map { name in
            guard let architecture = Architecture(rawValue: name) else {
                throw IndexError(file: Self.fileName, field: "architectures", "'\(name)' is not an architecture falcopack knows")
            }
            return architecture
        }
        return RepositorySettings(name: name, origin: origin, label: label, suite: suite, codename: codename,
                                  component: component, architectures: held, date: date, keyFile: keyFile, install: install)
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// The record of the repository at `root`; nil when it has none (a repository published before records were).
    static func read(_ root: String) throws -> RepositoryRecord? {
        let path = root + "/" + fileName
        guard let bytes = FileReader.contents(of: path) else { return nil }
        return try ReleaseManifest.decode(RepositoryRecord.self, from: bytes, file: path)
    }

    /// The record a repository command needs, or a line that says what to do.
    static func require(_ root: String) throws -> RepositoryRecord {
        guard FileManager.default.fileExists(atPath: root + "/index.html") || FileManager.default.fileExists(atPath: root + "/" + fileName) else {
            throw RepositoryError(path: root, reason: "is not a repository falcopack published (no index.html or \(fileName)); name the folder publish wrote with --repo")
        }
        guard let record = try read(root) else {
            throw RepositoryError(path: root, reason: "has no \(fileName): publish a release into it once with this falcopack to record its settings")
        }
        return record
    }

    /// The keys `run` signs with must be the ones the repository trusts: the same key as before, every key still
    /// trusted during a rotation, and for a rotation a previous key that signed it.
    static func checkKeys(_ root: String, run: Publisher.Run) throws {
        let recorded = try read(root)
        var known = recorded?.keys ?? []
        if recorded == nil, let bytes = FileReader.contents(of: root + "/" + run.settings.keyFile),
           let certificates = try? Certificate.read(Array(bytes)) {
            known = certificates.map(\.fingerprintHex)
        }
        guard let current = known.first else { return }
        let signer = run.signer.certificate.fingerprintHex
        let previous = run.previous.map(\.certificate.fingerprintHex)
        for key in previous where !known.contains(key) {
            throw RepositoryError(path: root, reason: "the previous key \(key) did not sign this repository (it is signed by \(known.joined(separator: ", "))); pass the key that did as --previous-key")
        }
        switch run.operation {
        case .rotate:
            guard !previous.isEmpty else {
                throw RepositoryError(path: root, reason: "a rotation needs the key that signs the repository now: pass it as --previous-key")
            }
        case .publish, .remove, .retire:
            guard signer == current else {
                throw RepositoryError(path: root, reason: "is signed by key \(current), not \(signer): sign with that key, or rotate to this one first (falcopack repo rotate)")
            }
            if run.operation != .retire {
                for key in known.dropFirst() where !previous.contains(key) {
                    throw RepositoryError(path: root, reason: "is being rotated from key \(key): pass it as --previous-key too, until falcopack repo rotate --retire")
                }
            }
        }
    }
}

/// A published release's files signed again by a new key: the packages' new digests written into the files that
/// list them (`SHA256SUMS`, the bills of materials), every detached signature made again, the manifest rewritten.
enum ReleaseFiles {
    /// Files up to this size are read for the digests they list; a tarball or image archive lists none.
    static let listingLimit: UInt64 = 64 << 20

    /// - Parameter packages: every package the indexes list, by file name.
    static func resign(_ slot: String, files: String, manifest json: [UInt8], packages: [String: ResignedPackage],
                       signer: Signer) throws -> Publisher.PlacedRelease {
        let folder = files + "/" + slot
        var manifest = try ReleaseManifest.read(json, file: folder + "/" + Publisher.manifestName)
        // Each package's digest as this manifest has it, and as the indexes do now.
        var map: [String: String] = [:]
        for index in manifest.artifacts.indices {
            let artifact = manifest.artifacts[index]
            guard !artifact.href.hasPrefix(Publisher.filesFolder + "/"), let package = packages[artifact.name] else { continue }
            if artifact.sha256 != package.sha256 { map[artifact.sha256] = package.sha256 }
            manifest.artifacts[index].sha256 = package.sha256
            manifest.artifacts[index].size = package.size
            manifest.artifacts[index].href = package.location
        }
        let staging = Publisher.stagingFolder(for: folder)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        // The files that list digests may list each other (SHA256SUMS lists the bills of materials): rewritten
        // until none changes, each from its original bytes.
        var original: [String: [UInt8]] = [:]
        for name in names where !name.hasSuffix(".asc") && name != Publisher.manifestName {
            let reader = try FileReader(path: folder + "/" + name)
            if reader.size <= listingLimit { original[name] = try reader.bytes(at: 0, count: Int(reader.size)) }
        }
        var rewritten: [String: [UInt8]] = [:]
        var changed = true
        while changed {
            changed = false
            for (name, bytes) in original {
                guard let new = rewrite(bytes, map), new != rewritten[name] else { continue }
                rewritten[name] = new
                map[Array(SHA256.hash(data: bytes)).hexString] = Array(SHA256.hash(data: new)).hexString
                changed = true
            }
        }
        for name in names where !name.hasSuffix(".asc") && name != Publisher.manifestName {
            if let new = rewritten[name] {
                try StagingArea.fillNewFolder(staging + "/" + name, with: new)
                for index in manifest.artifacts.indices where manifest.artifacts[index].name == name {
                    manifest.artifacts[index].sha256 = Array(SHA256.hash(data: new)).hexString
                    manifest.artifacts[index].size = UInt64(new.count)
                }
            } else {
                try StagingArea.fillNewFolder(staging + "/" + name, from: folder + "/" + name)
            }
        }
        for name in names where name.hasSuffix(".asc") && names.contains(String(name.dropLast(4))) {
            let signed = staging + "/" + name.dropLast(4)
            var hasher = SHA256()
            let reader = try FileReader(path: signed)
            try reader.forEachChunk(offset: 0, length: reader.size) { hasher.update(bufferPointer: $0) }
            try StagingArea.fillNewFolder(staging + "/" + name, with: Array(Signer.armored(try signer.sign(continuing: hasher)).utf8))
        }
        let json = try manifest.json()
        try StagingArea.fillNewFolder(staging + "/" + Publisher.manifestName, with: json)
        var placed = Publisher.PlacedRelease(slot: slot, json: json,
                                             section: IndexPage.section(manifest, key: IndexPage.key(manifest: json)))
        placed.replace(folder, with: staging, under: files)
        return placed
    }

    /// `bytes` with every SHA-256 in `digests` (64 lowercase hexadecimal digits standing alone) replaced by its
    /// new value; nil when it names none.
    static func rewrite(_ bytes: [UInt8], _ digests: [String: String]) -> [UInt8]? {
        func isHex(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) }
        var out: [UInt8] = []
        var changed = false
        var index = 0, copied = 0
        while index < bytes.count {
            guard isHex(bytes[index]) else { index += 1; continue }
            var end = index
            while end < bytes.count && isHex(bytes[end]) { end += 1 }
            if end - index == 64, let new = digests[String(decoding: bytes[index..<end], as: UTF8.self)] {
                out += bytes[copied..<index]
                out += Array(new.utf8)
                copied = end
                changed = true
            }
            index = end
        }
        guard changed else { return nil }
        out += bytes[copied...]
        return out
    }
}
