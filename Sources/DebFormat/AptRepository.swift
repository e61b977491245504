import ArchiveFormats
import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import PackageModel
import Signing

/// An apt repository as apt 2.6 reads it (SIGNING-REPOS.md section 3.3): `pool/COMPONENT/P/PACKAGE/FILE.deb`,
/// `dists/SUITE/COMPONENT/binary-ARCH/Packages` (plain, gzip, xz, and by-hash copies named by SHA-256), and
/// `dists/SUITE/Release`, clearsigned as `InRelease` and signed beside as `Release.gpg`. A publish reads the
/// current `Packages` files, never the packages already in the pool.
struct AptRepository: PackageRepository {
    let format: DebFormat
    var folder: String { "deb" }

    /// One stanza of a Packages file: its fields in order, each value as written (continuation lines included).
    struct Stanza: Sendable {
        var fields: [(name: String, value: String)]

        subscript(_ name: String) -> String? {
            if let field = fields.first(where: { $0.name == name }) { return field.value }
            return fields.first { Self.sameName($0.name, name) }?.value
        }

        /// Field names compare without regard to ASCII case, as apt reads them.
        static func sameName(_ a: String, _ b: String) -> Bool {
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            return a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
        }

        var text: String { String(decoding: bytes, as: UTF8.self) }

        var bytes: [UInt8] {
            var out: [UInt8] = []
            append(to: &out)
            return out
        }

        func append(to out: inout [UInt8]) {
            for field in fields {
                out.append(contentsOf: field.name.utf8)
                out.append(contentsOf: ": ".utf8)
                out.append(contentsOf: field.value.utf8)
                out.append(0x0A)
            }
        }

        /// Package, Version, Architecture: what identifies a package in an index.
        var identity: String { "\(self["Package"] ?? "") \(self["Version"] ?? "") \(self["Architecture"] ?? "")" }

        static func parse(_ text: String, file: String) throws -> [Stanza] {
            try parse(Array(text.utf8), file: file)
        }

        /// Reads stanzas byte by byte: a Packages file of thousands of packages is read on every publish.
        static func parse(_ bytes: [UInt8], file: String) throws -> [Stanza] {
            var stanzas: [Stanza] = []
            var current: [(name: String, value: String)] = []
            try bytes.withUnsafeBufferPointer { buffer in
                func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
                var start = 0, lineNumber = 0
                while start <= buffer.count {
                    var end = start
                    while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                    lineNumber += 1
                    defer { start = end + 1 }
                    if start == buffer.count { break }
                    var first = start, last = end
                    while first < last && isBlank(buffer[first]) { first += 1 }
                    if first == last {
                        if !current.isEmpty { stanzas.append(Stanza(fields: current)) }
                        current = []
                    } else if isBlank(buffer[start]) {
                        guard !current.isEmpty else {
                            throw IndexError(file: file, field: "line \(lineNumber)", "a continuation line opens a stanza")
                        }
                        current[current.count - 1].value += "\n" + String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
                    } else {
                        guard let colon = buffer[start..<end].firstIndex(of: UInt8(ascii: ":")) else {
                            let line = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
                            throw IndexError(file: file, field: "line \(lineNumber)", "'\(line.prefix(60))' is not a field")
                        }
                        var valueStart = colon + 1
                        while valueStart < last && isBlank(buffer[valueStart]) { valueStart += 1 }
                        while last > valueStart && isBlank(buffer[last - 1]) { last -= 1 }
                        let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<colon]), as: UTF8.self)
                        if current.contains(where: { Self.sameName($0.name, name) }) {
                            throw IndexError(file: file, field: name, "appears twice in one stanza (line \(lineNumber))")
                        }
                        current.append((name, String(decoding: UnsafeBufferPointer(rebasing: buffer[valueStart..<last]), as: UTF8.self)))
                    }
                }
            }
            if !current.isEmpty { stanzas.append(Stanza(fields: current)) }
            return stanzas
        }
    }

    /// The order apt-ftparchive writes fields in (apt-pkg/tagfile-order.c); others follow in their own order.
    static let fieldOrder = [
        "Package", "Package-Type", "Architecture", "Subarchitecture", "Version", "Revision", "Package-Revision",
        "Package_Revision", "Kernel-Version", "Built-Using", "Built-For-Profiles", "Multi-Arch", "Status", "Priority",
        "Class", "Essential", "Installer-Menu-Item", "Section", "Source", "Origin", "Maintainer", "Original-Maintainer",
        "Bugs", "Config-Version", "Conffiles", "Triggers-Awaited", "Triggers-Pending", "Installed-Size", "Provides",
        "Pre-Depends", "Depends", "Recommends", "Recommended", "Suggests", "Optional", "Conflicts", "Breaks", "Replaces",
        "Enhances", "Filename", "MSDOS-Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512", "Homepage",
        "Description", "Tag", "Task",
    ]

    /// The fields a Packages stanza gives a package's file, which its control file may not.
    static let listedDigestFields: Set<String> = ["filename", "size", "md5sum", "sha1", "sha256", "sha512"]

    private static let fieldRank = Dictionary(uniqueKeysWithValues: fieldOrder.enumerated().map { ($0.element.lowercased(), $0.offset) })

    static func ordered(_ fields: [(name: String, value: String)]) -> [(name: String, value: String)] {
        let rank = fieldRank
        return fields.enumerated().sorted { a, b in
            let ra = rank[a.element.name.lowercased()] ?? fieldOrder.count
            let rb = rank[b.element.name.lowercased()] ?? fieldOrder.count
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    // MARK: Publishing

    func stage(_ change: RepositoryChange, at path: String, settings: RepositorySettings,
               staging: StagingArea) throws -> StagedRepository {
        let packages = change.packages
        let dists = "\(path)/dists/\(settings.suite)"
        var architectures = settings.architectures.map(format.architectureName)
        let releasePath = dists + "/Release"
        // A repository keeps the architectures it was made with.
        if let release = FileReader.contents(of: releasePath, limit: 1 << 30).map({ String(decoding: $0, as: UTF8.self) }),
           let listed = (try? Stanza.parse(release, file: releasePath))?.first?["Architectures"] {
            architectures = listed.split(separator: " ").map(String.init)
        }
        let indexFolders = Dictionary(uniqueKeysWithValues: architectures.map {
            ($0, "\(settings.component)/binary-\($0)")
        })

        // What the repository holds now, from its indexes.
        var stanzas: [String: Stanza] = [:]
        var date = settings.date
        var previousHashes: Set<String> = []
        // The compressed indexes being replaced: their unchanged runs are copied, not compressed again.
        var compressors: [String: (gzip: RunCompressor, xz: RunCompressor)] = [:]
        if FileManager.default.fileExists(atPath: path), !StagingArea.isFirstPublishCutShort(path, folders: ["pool", "dists"], index: releasePath) {
            guard let release = FileReader.contents(of: releasePath, limit: 1 << 30).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw RepositoryError(path: path, reason: "is not an apt repository falcopack can add to: no dists/\(settings.suite)/Release")
            }
            let fields = try Self.releaseFields(release, file: releasePath, suite: settings.suite)
            date = max(date, fields.date)
            previousHashes = fields.hashes
            for (architecture, folder) in indexFolders {
                let index = "\(dists)/\(folder)/Packages"
                guard let data = FileReader.contents(of: index, limit: 1 << 30) else {
                    if fields.architectures.contains(architecture) {
                        throw IndexError(file: releasePath, field: "Architectures", "lists \(architecture), whose \(index) is missing")
                    }
                    continue
                }
                var gzip = RunCompressor(codec: Self.gzip), xz = RunCompressor(codec: Self.xz)
                if let old = FileReader.contents(of: index + ".gz", limit: 1 << 30) { _ = try? gzip.learn(Array(old)) }
                if let old = FileReader.contents(of: index + ".xz", limit: 1 << 30) { _ = try? xz.learn(Array(old)) }
                compressors[architecture] = (gzip, xz)
                var listed: Set<String> = []
                for stanza in try Stanza.parse(Array(data), file: index) {
                    try Self.check(stanza, file: index)
                    guard listed.insert(stanza.identity).inserted else {
                        throw IndexError(file: index, field: "Package", "\(stanza.identity) is listed twice")
                    }
                    stanzas[stanza.identity] = stanza
                }
            }
        }

        // What the indexes clients hold now name: kept until the generation after this one.
        let before = Set(stanzas.values.compactMap { $0["Filename"] })
        for (identity, stanza) in stanzas where change.removing.contains(stanza["Filename"] ?? "") {
            stanzas[identity] = nil
        }
        var resigned: [ResignedPackage] = []
        if let signer = change.resigner {
            let kept = stanzas.sorted { $0.key < $1.key }
            let again = try kept.concurrentMap { identity, stanza -> (String, Stanza, ResignedPackage)? in
                let filename = stanza["Filename"]!
                let location = Self.resignedLocation(filename, signer: signer)
                guard location != filename else { return nil }
                try staging.placeNew(at: path + "/" + location) { output in
                    try DebFormat.resign(path + "/" + filename, to: output, signer: signer)
                }
                let digests = try Self.digests(of: path + "/" + location)
                var fields = stanza.fields.filter { !Self.listedDigestFields.contains($0.name.lowercased()) }
                fields += [("Filename", location), ("Size", "\(digests.size)"), ("MD5sum", digests.md5), ("SHA1", digests.sha1),
                           ("SHA256", digests.sha256), ("SHA512", digests.sha512)]
                return (identity, Stanza(fields: Self.ordered(fields)),
                        ResignedPackage(previousSHA256: stanza["SHA256"]!, sha256: digests.sha256, size: digests.size, location: location))
            }
            for case let (identity, stanza, package)? in again {
                stanzas[identity] = stanza
                resigned.append(package)
            }
            // Those signed by this key already (a rotation run again), as they are: every package's place is told.
            let signedNow = Set(resigned.map(\.location))
            for stanza in stanzas.values where !signedNow.contains(stanza["Filename"]!) {
                resigned.append(ResignedPackage(previousSHA256: stanza["SHA256"]!, sha256: stanza["SHA256"]!,
                                                size: UInt64(stanza["Size"]!) ?? 0, location: stanza["Filename"]!))
            }
        }

        // The new packages, read from their own bytes.
        var removals: [String] = []
        var locations: [String: String] = [:]
        // Each package's control file and digests, read on every core, and its stanza.
        let held = architectures
        let read = try packages.concurrentMap { package -> (stanza: Stanza, filename: String, sha256: String) in
            let control = try Self.control(of: package.path), digests = try Self.digests(of: package.path, sha256: package.sha256)
            guard let name = control["Package"], control["Version"] != nil, let architecture = control["Architecture"] else {
                throw RepositoryError(path: package.path, reason: "its control file lacks Package, Version or Architecture")
            }
            guard architecture == "all" || held.contains(architecture) else {
                throw RepositoryError(path: package.path, reason: "is for \(architecture); the repository holds \(held.joined(separator: ", ")) (the spec's repository.architectures)")
            }
            let prefix = name.hasPrefix("lib") && name.count > 3 ? String(name.prefix(4)) : String(name.prefix(1))
            let filename = "pool/\(settings.component)/\(prefix)/\(name)/\(package.fileName)"
            var fields = control.fields.filter { !Self.listedDigestFields.contains($0.name.lowercased()) }
            fields += [("Filename", filename), ("Size", "\(digests.size)"), ("MD5sum", digests.md5), ("SHA1", digests.sha1),
                       ("SHA256", digests.sha256), ("SHA512", digests.sha512)]
            return (Stanza(fields: Self.ordered(fields)), filename, digests.sha256)
        }
        for (package, (stanza, filename, sha256)) in zip(packages, read) {
            locations[package.path] = filename
            let existing = stanzas[stanza.identity]
            switch try RepositoryPolicy.admit(stanza.identity, held: existing.map { $0["SHA256"] == sha256 }, from: package.path,
                                              replace: settings.replace) {
            case .unchanged:
                continue
            case .replacing:
                try staging.stageFile(package.path, as: path + "/" + filename)
            case .new:
                try staging.placeFile(package.path, at: path + "/" + filename)
            }
            stanzas[stanza.identity] = stanza
        }

        for dropped in RepositoryPolicy.beyondKeep(stanzas.values, keep: settings.keep,
                                                   group: { "\($0["Package"]!) \($0["Architecture"]!)" },
                                                   version: { $0["Version"]! }, order: DebVersionOrder.order) {
            stanzas[dropped.identity] = nil
        }
        // Package files neither these indexes nor the ones they replace name.
        let after = Set(stanzas.values.compactMap { $0["Filename"] })
        for file in StagingArea.files(under: path, folder: "pool") where !before.contains(file) && !after.contains(file) {
            removals.append(path + "/" + file)
        }

        // The indexes: Packages plain, gzip and xz, each also under by-hash/SHA256/.
        var sums: [(path: String, sha256: String, size: Int)] = []
        for architecture in architectures {
            let folder = indexFolders[architecture]!
            let listed = stanzas.values.filter { $0["Architecture"] == architecture || $0["Architecture"] == "all" }
                .map { (package: $0["Package"]!, version: $0["Version"]!, stanza: $0) }
            // Each version's packages by name.
            let chosen = RepositoryPolicy.oldestFirst(listed, version: \.version, order: DebVersionOrder.order) { a, b in
                if a.package != b.package { return a.package < b.package }
                return a.version != b.version ? a.version < b.version : a.stanza.identity < b.stanza.identity
            }
            var plain: [UInt8] = []
            var ends: [Int] = []
            for entry in chosen {
                entry.stanza.append(to: &plain)
                plain.append(0x0A)
                ends.append(plain.count)
            }
            // Compressed in runs of stanzas, keyed by each package's digest, so the next publish reuses most.
            let sizes = ends.indices.map { ends[$0] - ($0 == 0 ? 0 : ends[$0 - 1]) }
            let runs = RunCompressor.runs(sizes: sizes, keys: chosen.map { $0.stanza["SHA256"] ?? $0.stanza.identity })
                .map { Array(plain[($0.lowerBound == 0 ? 0 : ends[$0.lowerBound - 1])..<ends[$0.upperBound - 1]]) }
            let compressor = compressors[architecture] ?? (RunCompressor(codec: Self.gzip), RunCompressor(codec: Self.xz))
            for (name, bytes) in [("Packages", plain), ("Packages.gz", try compressor.gzip.compress(runs)),
                                  ("Packages.xz", try compressor.xz.compress(runs))] {
                let hash = Array(SHA256.hash(data: bytes)).hexString
                try staging.place(bytes, at: "\(dists)/\(folder)/by-hash/SHA256/\(hash)")
                try staging.stage(bytes, as: "\(dists)/\(folder)/\(name)")
                sums.append(("\(folder)/\(name)", hash, bytes.count))
            }
        }

        let release = Self.release(settings: settings, architectures: architectures, date: date, sums: sums)
        let releaseBytes = Array(release.utf8)
        try staging.stage(releaseBytes, as: releasePath)
        try staging.stage(Array(try Signer.armored(releaseBytes, by: change.signers).utf8), as: dists + "/Release.gpg")
        try staging.stage(Array(try Signer.clearsign(release, by: change.signers).utf8), as: dists + "/InRelease")

        // By-hash copies the previous Release named stay, for a client that read it a moment ago; older ones go.
        let current = Set(sums.map(\.sha256))
        for folder in indexFolders.values {
            let byHash = "\(dists)/\(folder)/by-hash/SHA256"
            for file in (try? FileManager.default.contentsOfDirectory(atPath: byHash)) ?? []
                where !file.hasPrefix(".") && !current.contains(file) && !previousHashes.contains(file) {
                removals.append(byHash + "/" + file)
            }
        }

        return StagedRepository(renames: staging.renames, removals: removals,
                                releases: RepositoryPolicy.newestFirst(stanzas.values.compactMap { $0["Version"] },
                                                                       order: DebVersionOrder.order),
                                locations: locations, resigned: resigned)
    }

    /// Where a package signed again by `signer` goes: a folder named by the key's ID beside its first place, so
    /// the name a served index gives never changes bytes.
    static func resignedLocation(_ filename: String, signer: Signer) -> String {
        var folders = filename.split(separator: "/").dropLast().map(String.init)
        if let last = folders.last, last.count == 16, isHex(Substring(last), count: 16) { folders.removeLast() }
        return (folders + [signer.key.keyID.hexString, OutputFile.basename(of: filename)]).joined(separator: "/")
    }

    /// Every architecture's Packages (clients fetch them by hash; a client without by-hash reads them by name),
    /// then Release, Release.gpg and last InRelease, which apt reads first.
    func uploadOrder(settings: RepositorySettings) -> [(source: String, target: String)] {
        let dists = "dists/\(settings.suite)"
        var order: [String] = []
        for architecture in settings.architectures.map(format.architectureName) {
            for name in ["Packages", "Packages.gz", "Packages.xz"] {
                order.append("\(dists)/\(settings.component)/binary-\(architecture)/\(name)")
            }
        }
        order += [dists + "/Release", dists + "/Release.gpg", dists + "/InRelease"]
        return order.map { ($0, $0) }
    }

    func clientInstructions(url: String, settings: RepositorySettings) -> ClientInstructions {
        ClientInstructions(systems: "Debian and Ubuntu", commands: [
            "curl -fsSL \(address(settings.keyFile, under: url)) | sudo tee \(Self.keyring(settings)) >/dev/null",
            "curl -fsSL \(address(settings.name + ".list", under: url)) | sudo tee /etc/apt/sources.list.d/\(settings.name).list",
            "sudo apt-get update && sudo apt-get install -y \(settings.install)",
        ])
    }

    /// Where the client files expect the key.
    static func keyring(_ settings: RepositorySettings) -> String {
        "/usr/share/keyrings/\(settings.name)-archive-keyring.asc"
    }

    func clientFiles(url: String, settings: RepositorySettings) -> [(name: String, contents: String)] {
        let keyring = Self.keyring(settings)
        let base = address(folder, under: url)
        return [
            ("\(settings.name).list",
             "deb [signed-by=\(keyring)] \(base) \(settings.suite) \(settings.component)\n"),
            ("\(settings.name).sources",
             "Types: deb\nURIs: \(base)\nSuites: \(settings.suite)\nComponents: \(settings.component)\nSigned-By: \(keyring)\n"),
        ]
    }

    static func release(settings: RepositorySettings, architectures: [String], date: Int64,
                        sums: [(path: String, sha256: String, size: Int)]) -> String {
        var lines = [
            "Origin: \(settings.origin)", "Label: \(settings.label)", "Suite: \(settings.suite)",
            "Codename: \(settings.codename)", "Date: \(formatDate(date))",
            "Architectures: \(architectures.joined(separator: " "))", "Components: \(settings.component)",
            "Acquire-By-Hash: yes", "SHA256:",
        ]
        for sum in sums {
            let size = String(sum.size)
            lines.append(" \(sum.sha256) \(String(repeating: " ", count: max(0, 16 - size.count)))\(size) \(sum.path)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'UTC'"

    /// RFC 1123 in UTC, as apt reads Release dates.
    static func formatDate(_ seconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = dateFormat
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// What a publish needs of the Release it replaces: its date, the digests it lists (kept for clients that read
    /// it a moment ago) and its architectures. Every field it reads must be well-formed.
    static func releaseFields(_ text: String, file: String, suite: String) throws -> (date: Int64, hashes: Set<String>, architectures: Set<String>) {
        let stanzas = try Stanza.parse(text, file: file)
        guard stanzas.count == 1, let fields = stanzas.first else {
            throw IndexError(file: file, field: "Suite", "a Release holds one stanza, this one \(stanzas.count)")
        }
        guard let found = fields["Suite"] else { throw IndexError(file: file, field: "Suite", "missing") }
        guard found == suite else {
            throw IndexError(file: file, field: "Suite", "'\(found)' is not the repository's suite \(suite)")
        }
        guard let dateText = fields["Date"] else { throw IndexError(file: file, field: "Date", "missing") }
        guard let date = parseDate(dateText) else {
            throw IndexError(file: file, field: "Date", "'\(dateText)' is not an RFC 2822 date in UTC")
        }
        guard let architectures = fields["Architectures"] else { throw IndexError(file: file, field: "Architectures", "missing") }
        var hashes: Set<String> = []
        for line in (fields["SHA256"] ?? "").split(separator: "\n") where !line.allSatisfy({ $0 == " " }) {
            let parts = line.split(separator: " ")
            guard parts.count == 3, Self.isHex(parts[0], count: 64), UInt64(parts[1]) != nil else {
                throw IndexError(file: file, field: "SHA256", "'\(line.prefix(80))' is not DIGEST SIZE PATH")
            }
            hashes.insert(String(parts[0]))
        }
        return (date, hashes, Set(architectures.split(separator: " ").map(String.init)))
    }

    /// A Packages stanza this publish keeps must name its package and file soundly: the fields apt reads to
    /// download it, each well-formed, and a file inside the pool.
    static func check(_ stanza: Stanza, file: String) throws {
        for field in ["Package", "Version", "Architecture", "Filename", "Size", "SHA256"] where stanza[field] == nil {
            throw IndexError(file: file, field: field, "missing from the stanza of \(stanza["Package"] ?? "a package")")
        }
        let name = stanza["Package"]!
        guard UInt64(stanza["Size"]!) != nil else {
            throw IndexError(file: file, field: "Size", "'\(stanza["Size"]!)' of \(name) is not a number of bytes")
        }
        guard isHex(Substring(stanza["SHA256"]!), count: 64) else {
            throw IndexError(file: file, field: "SHA256", "'\(stanza["SHA256"]!)' of \(name) is not a SHA-256 in hexadecimal")
        }
        let filename = stanza["Filename"]!
        guard filename.hasPrefix("pool/"), !filename.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
            throw IndexError(file: file, field: "Filename", "'\(filename)' of \(name) is not a file under pool/")
        }
    }

    static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func parseDate(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in [dateFormat, "EEE, dd MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970) }
        }
        return nil
    }

    /// The control file of a deb, as its stanza.
    static func control(of path: String) throws -> Stanza {
        let archive = try ArMembers(path: path)
        guard let member = archive.first(named: "control.tar") else {
            throw RepositoryError(path: path, reason: "is not a deb: it has no control member")
        }
        // Decoded only as far as the control file, which comes before the scripts and the file list. A plain
        // member, or one compressed in a form Codecs does not decode, is handed over whole for libarchive to read.
        let suffix = String(member.name.split(separator: ".").last ?? "")
        let pieces = try PieceDecoder(try archive.bytes(of: member), codec: suffix == "tar" ? nil : try? Codec(parsing: suffix))
        let reader = try ArchiveReader(name: path) { try pieces.next() }
        while let entry = try reader.next() {
            if entry.path == "./control" || entry.path == "control" {
                let text = String(decoding: try reader.readData(), as: UTF8.self)
                guard let stanza = try Stanza.parse(text, file: path + ": control").first else { break }
                return stanza
            }
        }
        throw RepositoryError(path: path, reason: "its control member has no control file")
    }

    /// Size, MD5, SHA-1, SHA-256 and SHA-512 of a file, in one read: what a Packages stanza lists.
    /// - Parameter known: the SHA-256, when verifying the release already computed it.
    static func digests(of path: String, sha256 known: String? = nil) throws -> (size: UInt64, md5: String, sha1: String, sha256: String, sha512: String) {
        var md5 = Insecure.MD5(), sha1 = Insecure.SHA1(), sha256 = SHA256(), sha512 = SHA512()
        var size: UInt64 = 0
        let reader = try FileReader(path: path)
        try reader.forEachChunk(offset: 0, length: reader.size) { chunk in
            md5.update(bufferPointer: chunk)
            sha1.update(bufferPointer: chunk)
            if known == nil { sha256.update(bufferPointer: chunk) }
            sha512.update(bufferPointer: chunk)
            size += UInt64(chunk.count)
        }
        return (size, Array(md5.finalize()).hexString, Array(sha1.finalize()).hexString,
                known ?? Array(sha256.finalize()).hexString, Array(sha512.finalize()).hexString)
    }

    static let gzip = Codec.defaultGzip
    static let xz = Codec.defaultXZ
}

extension DebFormat: RepositoryFormat {
    public var packageRepository: any PackageRepository { AptRepository(format: self) }
}

extension DebFormat {
    /// Reads an apt index (Packages, Release) as publish does; returns how many stanzas it holds.
    public static func readIndex(_ text: String, file: String) throws -> Int {
        try AptRepository.Stanza.parse(text, file: file).count
    }
}
