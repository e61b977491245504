import ArchiveFormats
import Compression
import Glibc
import PackageModel

/// Writes one binary package in the deb format (deb(5)): an ar archive of `debian-binary`,
/// `control.tar.{xz,gz}` and `data.tar.{xz,gz,zst}`, both tars in GNU format as dpkg's own reader requires.
///
/// data.tar is compressed to a file in `scratchDirectory` while it is hashed, because the ar header needs its
/// size first; memory stays bounded by the compressor's units whatever the payload size.
public struct DebWriter: Sendable {
    public let dataCodec: Codec
    public let controlCodec: Codec

    /// - Parameters:
    ///   - dataCodec: xz, gzip or zstd. A zstd member is written as a single frame: dpkg stops after the first.
    ///   - controlCodec: xz or gzip (lintian rejects zstd control members); by default xz, or gzip when the
    ///     data member is gzip.
    public init(dataCodec: Codec = .defaultXZ, controlCodec: Codec? = nil) throws {
        self.dataCodec = dataCodec
        switch dataCodec {
        case .gzip: self.controlCodec = controlCodec ?? .defaultGzip
        default: self.controlCodec = controlCodec ?? .defaultXZ
        }
        if case .zstd = self.controlCodec {
            throw DebError.invalidField(field: "control.tar compression", value: "\(self.controlCodec)",
                                        reason: "use xz or gzip: lintian reports zstd control members as malformed")
        }
    }

    public func write(_ package: Package, context: BuildContext, to sink: ByteSink, scratchDirectory: String,
                      engine: UnitEngine = .serial) throws {
        let plan = try DebPlan(package, context: context)
        let mtime = context.timestamp

        let dataName = "data.tar.\(dataCodec.fileExtension)"
        let dataPath = scratchDirectory + "/" + dataName
        let dataFile = try FileSink(path: dataPath)
        let hashed = SHA256Sink(dataFile)
        if case .zstd = dataCodec {
            let compressor = try StreamCompressor(codec: dataCodec, sink: hashed)
            try writeTar(plan.dataEntries, into: compressor)
            try compressor.finish()
        } else {
            let compressor = try BlockCompressor(codec: dataCodec, sink: hashed, engine: engine)
            try writeTar(plan.dataEntries, into: compressor)
            try compressor.finish()
        }
        try dataFile.commit()
        defer { unlink(dataPath) }

        let control = BufferSink()
        let controlCompressor = try BlockCompressor(codec: controlCodec, sink: control)
        try writeTar(try plan.controlEntries(), into: controlCompressor)
        try controlCompressor.finish()

        let ar = try ArWriter(sink: PlainSegmentSink(sink))
        try ar.add(name: "debian-binary", data: .bytes(Array("2.0\n".utf8)), mtime: mtime)
        try ar.add(name: "control.tar.\(controlCodec.fileExtension)", data: .bytes(control.bytes), mtime: mtime)
        try ar.add(name: dataName, data: .file(FileContent(path: dataPath, digests: hashed.digests)), mtime: mtime)
    }

    private func writeTar(_ entries: [ArchiveEntry], into sink: SegmentSink) throws {
        let tar = try TarWriter(sink: sink, format: .gnu, namePrefix: "./")
        for entry in entries { try tar.add(entry) }
        try tar.finish()
    }
}

/// Everything a deb needs computed from the package before writing: validated metadata, the data entries
/// with their digests (each file read once), md5sums, conffiles and Installed-Size.
struct DebPlan {
    let input: Package
    let context: BuildContext
    let dataEntries: [ArchiveEntry]
    let md5sums: String
    let conffiles: [String]
    let installedSize: UInt64

    init(_ package: Package, context: BuildContext) throws {
        try DebValidator.validate(package.metadata)
        for (name, body) in DebValidator.maintainerScripts(package.scripts) {
            try DebValidator.script(name, body)
        }
        if package.scripts.preTransaction != nil || package.scripts.postTransaction != nil {
            throw DebError.invalidField(field: "pretrans/posttrans", value: "set",
                                        reason: "deb has no transaction scripts; set them for rpm only")
        }
        if !package.metadata.relations.supplements.isEmpty {
            throw DebError.invalidField(field: "Supplements", value: package.metadata.relations.supplements.map(\.description).joined(separator: ", "),
                                        reason: "deb has no Supplements field; use Enhances, or set it for rpm only")
        }
        input = package
        self.context = context

        let tree: InstallTree
        do {
            tree = try InstallTree(package.files)
        } catch let error as InstallTree.InvalidPath {
            throw DebError.invalidFile(path: error.path, reason: error.reason)
        }
        let mtime = context.timestamp
        let owner = ArchiveEntry.Owner(uid: 0, gid: 0, user: context.owner, group: context.group)
        var entries = [try ArchiveEntry(path: "", kind: .directory, permissions: 0o755, mtime: mtime, owner: owner)]
        var sums: [String] = []
        var conffiles: [String] = []
        var kibibytes: UInt64 = 0
        // Read and hash each regular file once.
        var contents: [String: (ArchiveEntry.Contents, md5: String)] = [:]
        for file in tree.entries {
            switch file.kind {
            case .regular(let source):
                do {
                    let content = try FileContent(path: source)
                    // Files read from disk are always hashed with MD5 too.
                    contents[file.path] = (.file(content), content.digests.md5Hex!)
                } catch {
                    throw DebError.invalidFile(path: "/" + file.path, reason: "cannot read source: \(error)")
                }
            case .generated(let bytes):
                contents[file.path] = (.bytes(bytes), FileDigests.compute(bytes: bytes).md5Hex!)
            default:
                continue
            }
        }
        // In a tar the first name of a hard-link set carries the data and later names link to it, so the
        // set's leader is whichever name sorts first, not necessarily the file the links were declared on.
        var dataOf: [String: String] = [:]
        for file in tree.entries {
            if case .hardlink(let target) = file.kind {
                dataOf[file.path] = target
                dataOf[target] = target
            }
        }
        var leaderOfSet: [String: String] = [:]
        for file in tree.entries {
            if let target = dataOf[file.path], leaderOfSet[target] == nil { leaderOfSet[target] = file.path }
        }
        var md5ByPath: [String: String] = [:]
        for file in tree.entries {
            let kind: ArchiveEntry.Kind
            switch file.kind {
            case .regular, .generated, .hardlink:
                let source = dataOf[file.path] ?? file.path
                let (content, md5) = contents[source]!
                md5ByPath[file.path] = md5
                if let target = dataOf[file.path], let leader = leaderOfSet[target], leader != file.path {
                    // Counted once, with the set's leader (deb-substvars(5)).
                    kind = .hardlink(target: leader)
                } else {
                    kind = .regular(content)
                    kibibytes += (content.size + 1023) / 1024
                }
            case .directory:
                kind = .directory
                kibibytes += 1
            case .symlink(let target):
                kind = .symlink(target: target)
                kibibytes += (UInt64(target.utf8.count) + 1023) / 1024
            }
            if file.attributes.contains(.config) {
                guard file.isRegular else {
                    throw DebError.invalidFile(path: "/" + file.path, reason: "only regular files can be conffiles")
                }
                conffiles.append("/" + file.path)
            }
            do {
                entries.append(try ArchiveEntry(path: file.path, kind: kind, permissions: file.mode, mtime: mtime, owner: owner))
            } catch {
                throw DebError.invalidFile(path: "/" + file.path, reason: "\(error)")
            }
        }
        let conffileSet = Set(conffiles)
        for file in tree.entries where !conffileSet.contains("/" + file.path) {
            if let md5 = md5ByPath[file.path] { sums.append("\(md5)  \(file.path)\n") }
        }
        dataEntries = entries
        md5sums = sums.joined()
        self.conffiles = conffiles
        installedSize = kibibytes
    }

    /// control.tar members, sorted by name as dpkg-deb writes them.
    func controlEntries() throws -> [ArchiveEntry] {
        let mtime = context.timestamp
        let owner = ArchiveEntry.Owner(uid: 0, gid: 0, user: context.owner, group: context.group)
        var files: [(String, String, UInt32)] = [
            ("control", ControlFile.render(input.metadata, installedSize: installedSize), 0o644),
        ]
        if !md5sums.isEmpty { files.append(("md5sums", md5sums, 0o644)) }
        if !conffiles.isEmpty { files.append(("conffiles", conffiles.map { $0 + "\n" }.joined(), 0o644)) }
        for (name, body) in DebValidator.maintainerScripts(input.scripts) {
            files.append((name, body, 0o755))
        }
        if let triggers = input.scripts.debTriggers { files.append(("triggers", triggers, 0o644)) }
        files.sort { $0.0 < $1.0 }
        var entries = [try ArchiveEntry(path: "", kind: .directory, permissions: 0o755, mtime: mtime, owner: owner)]
        for (name, body, mode) in files {
            entries.append(try ArchiveEntry(path: name, kind: .regular(.bytes(Array(body.utf8))),
                                            permissions: mode, mtime: mtime, owner: owner))
        }
        return entries
    }
}
