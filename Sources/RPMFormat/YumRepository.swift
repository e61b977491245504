import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import Signing

/// A yum/dnf repository (SIGNING-REPOS.md section 4): the packages under `packages/`, and `repodata/` holding
/// `primary`, `filelists` and `other` as gzip XML named by their SHA-256 (gzip, which every RHEL reads; zstd does
/// not before 8.4), `repomd.xml` naming them, and its signature `repomd.xml.asc`. Each package's records carry the
/// fields createrepo_c writes. A publish reads the current metadata, never the packages already there.
struct YumRepository: PackageRepository {
    let format: RPMFormat
    var folder: String { "rpm" }

    /// One package's three records, as XML elements, and what identifies it.
    struct Record: Sendable {
        var pkgid: String
        var name: String
        var arch: String
        var epoch: Int
        var version: String
        var release: String
        var location: String
        var primary: String
        var filelists: String
        var other: String

        var identity: String { "\(name) \(arch) \(epoch):\(version)-\(release)" }
        var evr: (epoch: Int, version: String, release: String) { (epoch, version, release) }
    }

    static let kinds = ["primary", "filelists", "other"]

    func stage(_ change: RepositoryChange, at path: String, settings: RepositorySettings,
               staging: StagingArea) throws -> StagedRepository {
        let packages = change.packages
        let repodata = path + "/repodata"
        let architectures = Set(settings.architectures.map(format.architectureName))

        var records: [String: Record] = [:]
        var revision = settings.date
        var previous: Set<String> = []
        // The metadata being replaced: its unchanged runs of packages are copied, not compressed again.
        var compressors: [String: RunCompressor] = [:]
        if FileManager.default.fileExists(atPath: path),
           !StagingArea.isFirstPublishCutShort(path, folders: ["packages", "repodata"], index: repodata + "/repomd.xml") {
            let repomdPath = repodata + "/repomd.xml"
            guard let repomd = FileReader.contents(of: repomdPath, limit: 1 << 30).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw RepositoryError(path: path, reason: "is not a yum repository falcopack can add to: no repodata/repomd.xml")
            }
            let locations = try Self.locations(in: repomd, file: repomdPath)
            guard let revisionText = XML.firstText(of: "revision", in: repomd) else {
                throw IndexError(file: repomdPath, field: "revision", "missing")
            }
            guard let old = Int64(revisionText) else {
                throw IndexError(file: repomdPath, field: "revision", "'\(revisionText)' is not a number")
            }
            revision = max(revision, old)
            previous = Set(locations.values.map { OutputFile.basename(of: $0) })
            var parts: [String: [String: String]] = [:]
            for kind in Self.kinds {
                let file = path + "/" + locations[kind]!
                guard let data = FileReader.contents(of: file, limit: 1 << 30) else {
                    throw IndexError(file: repomdPath, field: "data.location", "names \(locations[kind]!), which is missing")
                }
                var compressor = RunCompressor(codec: Self.codec)
                let text: [UInt8]
                do {
                    text = try compressor.learn(Array(data))
                } catch {
                    throw IndexError(file: file, field: "\(kind) metadata", "does not decompress: \(error)")
                }
                compressors[kind] = compressor
                parts[kind] = try Self.packageElements(text, kind: kind, file: file)
            }
            let primaryFile = path + "/" + locations["primary"]!
            for (pkgid, primary) in parts["primary"]! {
                for kind in ["filelists", "other"] where parts[kind]![pkgid] == nil {
                    throw IndexError(file: path + "/" + locations[kind]!, field: "package.pkgid",
                                     "package \(pkgid) is in primary but not here")
                }
                records[pkgid] = try Self.record(pkgid: pkgid, primary: primary, filelists: parts["filelists"]![pkgid]!,
                                                 other: parts["other"]![pkgid]!, file: primaryFile)
            }
        }

        // What the metadata clients hold now names: kept until the generation after this one.
        let before = Set(records.values.map(\.location))
        for (pkgid, record) in records where change.removing.contains(record.location) { records[pkgid] = nil }
        var resigned: [ResignedPackage] = []
        if let signer = change.resigner {
            let kept = records.values.sorted { $0.pkgid < $1.pkgid }
            let again = try kept.concurrentMap { record -> (Record, ResignedPackage)? in
                let location = Self.resignedLocation(record.location, signer: signer)
                guard location != record.location else { return nil }
                try staging.placeNew(at: path + "/" + location) { output in
                    try RPMFormat.resign(path + "/" + record.location, to: output, signer: signer)
                }
                let new = try Self.record(of: path + "/" + location, location: location, time: settings.date)
                let size = try FileReader(path: path + "/" + location).size
                return (new, ResignedPackage(previousSHA256: record.pkgid, sha256: new.pkgid, size: size, location: location))
            }
            for case let (record, package)? in again {
                records[package.previousSHA256] = nil
                records[record.pkgid] = record
                resigned.append(package)
            }
            // Those signed by this key already (a rotation run again), as they are: every package's place is told.
            let signedNow = Set(resigned.map(\.location))
            for record in records.values where !signedNow.contains(record.location) {
                let size = try FileReader(path: path + "/" + record.location).size
                resigned.append(ResignedPackage(previousSHA256: record.pkgid, sha256: record.pkgid, size: size, location: record.location))
            }
        }

        var removals: [String] = []
        var locations: [String: String] = [:]
        // Each package's records, read on every core.
        let read = try packages.concurrentMap { package in
            try Self.record(of: package.path, location: "packages/\(package.fileName)", time: settings.date, sha256: package.sha256)
        }
        var byIdentity = Dictionary(records.values.map { ($0.identity, $0.pkgid) }, uniquingKeysWith: { first, _ in first })
        for (package, read) in zip(packages, read) {
            locations[package.path] = "packages/\(package.fileName)"
            var record = read
            guard record.arch == "noarch" || architectures.contains(record.arch) else {
                throw RepositoryError(path: package.path, reason: "is for \(record.arch); the repository holds \(architectures.sorted().joined(separator: ", ")) (the spec's repository.architectures)")
            }
            let same = records[record.pkgid] ?? byIdentity[record.identity].flatMap { records[$0] }
            switch try RepositoryPolicy.admit("\(record.name) \(record.epoch):\(record.version)-\(record.release) \(record.arch)",
                                              held: same.map { $0.pkgid == record.pkgid }, from: package.path,
                                              replace: settings.replace) {
            case .unchanged:
                continue
            case .replacing:
                records[same!.pkgid] = nil
                try staging.stageFile(package.path, as: path + "/" + record.location)
            case .new:
                try staging.placeFile(package.path, at: path + "/" + record.location)
            }
            record.location = "packages/\(package.fileName)"
            records[record.pkgid] = record
            byIdentity[record.identity] = record.pkgid
        }

        // Each release's packages by location; equal versions of other spellings by their text first.
        func key(_ record: Record) -> String { "\(record.epoch):\(record.version)-\(record.release)" }
        var evrs: [String: (epoch: Int, version: String, release: String)] = [:]
        for record in records.values { evrs[key(record)] = record.evr }
        let known = evrs
        let order = RepositoryPolicy.Order(parse: { known[$0]! }, compare: RPMVersionOrder.compare)
        for dropped in RepositoryPolicy.beyondKeep(records.values, keep: settings.keep, group: { "\($0.name) \($0.arch)" },
                                                   version: key, order: order) {
            records[dropped.pkgid] = nil
        }
        // Package files neither this metadata nor the metadata it replaces names.
        let after = Set(records.values.map(\.location))
        for file in StagingArea.files(under: path, folder: "packages") where !before.contains(file) && !after.contains(file) {
            removals.append(path + "/" + file)
        }
        let sorted = RepositoryPolicy.oldestFirst(records.values, version: key, order: order) { a, b in
            key(a) != key(b) ? key(a) < key(b) : a.location < b.location
        }
        var data: [String] = []
        var written: Set<String> = []
        for kind in Self.kinds {
            let (plain, runs) = Self.document(kind, sorted)
            let compressed = try (compressors[kind] ?? RunCompressor(codec: Self.codec)).compress(runs)
            let checksum = Array(SHA256.hash(data: compressed)).hexString
            let name = "\(checksum)-\(kind).xml.gz"
            try staging.place(compressed, at: repodata + "/" + name)
            written.insert(name)
            data.append("""
                  <data type="\(kind)">
                    <checksum type="sha256">\(checksum)</checksum>
                    <open-checksum type="sha256">\(Array(SHA256.hash(data: plain)).hexString)</open-checksum>
                    <location href="repodata/\(name)"/>
                    <timestamp>\(revision)</timestamp>
                    <size>\(compressed.count)</size>
                    <open-size>\(plain.count)</open-size>
                  </data>
                """)
        }
        let repomd = """
            <?xml version="1.0" encoding="UTF-8"?>
            <repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
              <revision>\(revision)</revision>
            \(data.joined(separator: "\n"))
            </repomd>

            """
        let repomdBytes = Array(repomd.utf8)
        let signatures = try change.signers.map { try $0.sign(repomdBytes) }
        try staging.stage(Array(Certificate.armoredPublicKeys(change.signers.map(\.certificate)).utf8), as: repodata + "/repomd.xml.key")
        // repomd.xml and its signature are two files, so no order of renames changes them together: first a
        // signature file good for the repomd.xml served now and the new one, then the new repomd.xml, then its own
        // signature. A client reading at any moment finds a good signature.
        // The bridge is kept beside them for an upload, which goes through the same three steps.
        let final = Armor.encode(signatures.flatMap(\.packet.bytes), as: .signature)
        let bridge = try Self.bridge(repodata, signatures: signatures, signers: change.signers) ?? final
        try staging.stage(Array(bridge.utf8), as: repodata + "/" + Self.bridgeName)
        try staging.stage(Array(bridge.utf8), as: repodata + "/repomd.xml.asc")
        try staging.stage(repomdBytes, as: repodata + "/repomd.xml")
        try staging.stage(Array(final.utf8), as: repodata + "/repomd.xml.asc")

        // Metadata the previous repomd.xml named stays for a client that read it a moment ago; older goes.
        for file in (try? FileManager.default.contentsOfDirectory(atPath: repodata)) ?? []
            where file.hasSuffix(".xml.gz") && !written.contains(file) && !previous.contains(file) {
            removals.append(repodata + "/" + file)
        }
        return StagedRepository(renames: staging.renames, removals: removals,
                                releases: RepositoryPolicy.newestFirst(records.values.map(\.version),
                                                                       order: RepositoryPolicy.Order(parse: { $0 }, compare: RPMVersionOrder.rpmvercmp)),
                                locations: locations, resigned: resigned)
    }

    /// The signatures of the repomd.xml served now that the signing keys make, followed by `signatures` over the
    /// new one: nil when there is no repomd.xml yet or none of its signatures is by these keys.
    static func bridge(_ repodata: String, signatures: [Signature], signers: [Signer]) throws -> String? {
        guard let served = FileReader.contents(of: repodata + "/repomd.xml", limit: 1 << 30),
              let signed = FileReader.contents(of: repodata + "/repomd.xml.asc", limit: 1 << 20),
              let old = try? Signature.readDetached(Array(signed)) else { return nil }
        let keyring = Keyring(signers.map(\.certificate))
        let good = old.filter { if case .good = keyring.check($0, over: Array(served)) { true } else { false } }
        guard !good.isEmpty else { return nil }
        return Armor.encode((good + signatures).flatMap(\.packet.bytes), as: .signature)
    }

    /// Where a package signed again by `signer` goes: a folder named by the key's ID, so the name a served index
    /// gives never changes bytes.
    static func resignedLocation(_ location: String, signer: Signer) -> String {
        "packages/" + signer.key.keyID.hexString + "/" + OutputFile.basename(of: location)
    }

    /// The signature that holds for the repomd.xml served before and the new one, the key, repomd.xml, then its
    /// own signature.
    func uploadOrder(settings: RepositorySettings) -> [(source: String, target: String)] {
        [("repodata/" + Self.bridgeName, "repodata/repomd.xml.asc"), ("repodata/repomd.xml.key", "repodata/repomd.xml.key"),
         ("repodata/repomd.xml", "repodata/repomd.xml"), ("repodata/repomd.xml.asc", "repodata/repomd.xml.asc")]
    }

    /// Signatures over the previous repomd.xml and the current one, in one file.
    static let bridgeName = "repomd.xml.bridge.asc"

    func clientInstructions(url: String, settings: RepositorySettings) -> ClientInstructions {
        ClientInstructions(systems: "Fedora, RHEL, CentOS Stream, Amazon Linux", commands: [
            "sudo curl -fsSL -o /etc/yum.repos.d/\(settings.name).repo \(address(settings.name + ".repo", under: url))",
            "sudo dnf install -y \(settings.install)    # or yum",
        ])
    }

    func clientFiles(url: String, settings: RepositorySettings) -> [(name: String, contents: String)] {
        let base = address(folder, under: url)
        let key = address(settings.keyFile, under: url)
        return [("\(settings.name).repo", """
            [\(settings.name)]
            name=\(settings.label)
            baseurl=\(base)
            enabled=1
            gpgcheck=1
            repo_gpgcheck=1
            gpgkey=\(key)

            """)]
    }

    // MARK: Reading metadata back

    /// Where repomd.xml says each of primary, filelists and other is.
    static func locations(in repomd: String, file: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for block in XML.elements("data", in: repomd) {
            guard let type = XML.attribute("type", of: block) else { throw IndexError(file: file, field: "data.type", "missing") }
            guard let href = XML.attribute("href", of: XML.elements("location", in: block).first ?? "") else {
                throw IndexError(file: file, field: "data.location", "the \(type) metadata has no location href")
            }
            guard href.hasPrefix("repodata/"), !href.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                throw IndexError(file: file, field: "data.location", "'\(href)' is not a file under repodata/")
            }
            guard found.updateValue(href, forKey: type) == nil else {
                throw IndexError(file: file, field: "data.type", "\(type) metadata is named twice")
            }
        }
        for kind in kinds where found[kind] == nil {
            throw IndexError(file: file, field: "data.type", "names no \(kind) metadata")
        }
        return found
    }

    /// The `<package>` elements of one metadata document, by pkgid.
    static func packageElements(_ text: String, kind: String, file: String) throws -> [String: String] {
        try packageElements(Array(text.utf8), kind: kind, file: file)
    }

    static func packageElements(_ bytes: [UInt8], kind: String, file: String) throws -> [String: String] {
        let root = ["primary": "<metadata", "filelists": "<filelists", "other": "<otherdata"][kind]!
        guard bytes.firstIndex(of: Array(root.utf8)) != nil else {
            throw IndexError(file: file, field: String(root.dropFirst()), "is not \(kind) metadata")
        }
        var out: [String: String] = [:]
        for range in XML.ranges("package", in: bytes) {
            let element = String(decoding: bytes[range], as: UTF8.self)
            let pkgid: String?
            if kind == "primary" {
                pkgid = XML.elements("checksum", in: element).first.flatMap { XML.text(of: $0) }
            } else {
                pkgid = XML.attribute("pkgid", of: element)
            }
            let field = kind == "primary" ? "package.checksum" : "package.pkgid"
            guard let pkgid, pkgid.count == 64, pkgid.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                throw IndexError(file: file, field: field, "a package has no SHA-256 (\(pkgid.map { "'\($0.prefix(70))'" } ?? "none"))")
            }
            guard out.updateValue(element, forKey: pkgid) == nil else {
                throw IndexError(file: file, field: field, "package \(pkgid) is listed twice")
            }
        }
        return out
    }

    static func record(pkgid: String, primary: String, filelists: String, other: String, file: String) throws -> Record {
        func missing(_ field: String) -> IndexError { IndexError(file: file, field: field, "missing from package \(pkgid)") }
        guard let name = XML.firstText(of: "name", in: primary) else { throw missing("package.name") }
        guard let arch = XML.firstText(of: "arch", in: primary) else { throw missing("package.arch") }
        guard let version = XML.elements("version", in: primary).first else { throw missing("package.version") }
        guard let ver = XML.attribute("ver", of: version) else { throw missing("package.version.ver") }
        let epochText = XML.attribute("epoch", of: version) ?? "0"
        guard let epoch = Int(epochText), epoch >= 0 else {
            throw IndexError(file: file, field: "package.version.epoch", "'\(epochText)' of package \(pkgid) is not a number")
        }
        guard let location = XML.elements("location", in: primary).first.flatMap({ XML.attribute("href", of: $0) }) else {
            throw missing("package.location")
        }
        let href = XML.unescape(location)
        guard href.hasPrefix("packages/"), !href.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw IndexError(file: file, field: "package.location", "'\(href)' of package \(pkgid) is not a file under packages/")
        }
        return Record(pkgid: pkgid, name: XML.unescape(name), arch: arch, epoch: epoch, version: XML.unescape(ver),
                      release: XML.unescape(XML.attribute("rel", of: version) ?? ""),
                      location: href, primary: primary, filelists: filelists, other: other)
    }

    static let codec = Codec.defaultGzip

}

extension RPMFormat: RepositoryFormat {
    public var packageRepository: any PackageRepository { YumRepository(format: self) }
}

extension RPMFormat {
    /// Reads repodata as publish does: `repomd` names the metadata files; `primary`, `filelists` and `other` hold
    /// package records. Returns how many it found.
    public static func readRepodata(_ text: String, kind: String, file: String) throws -> Int {
        if kind == "repomd" { return try YumRepository.locations(in: text, file: file).count }
        let elements = try YumRepository.packageElements(text, kind: kind, file: file)
        if kind == "primary" {
            for (pkgid, element) in elements {
                _ = try YumRepository.record(pkgid: pkgid, primary: element, filelists: "", other: "", file: file)
            }
        }
        return elements.count
    }
}
