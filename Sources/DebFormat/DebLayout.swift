import ArchiveFormats
import ByteIO
import PackageModel

/// Everything a deb needs computed from a valid package before writing: the data entries with their digests
/// (each file read once), md5sums, conffiles and Installed-Size.
struct DebLayout {
    let package: Package
    let build: BuildContext
    let dataEntries: [ArchiveEntry]
    let md5sums: String
    /// MD5 of every regular file and hard link, by relative path: what md5sums lists, conffiles included.
    let md5ByPath: [String: String]
    let conffiles: [String]
    let installedSize: UInt64

    init(_ package: Package, build: BuildContext) throws {
        self.package = package
        self.build = build
        let tree = try InstallTree(package.files)
        let mtime = build.sourceDateEpoch
        let owner = ArchiveEntry.Owner(build)
        var entries = [try ArchiveEntry(path: "", type: .directory, permissions: 0o755, mtime: mtime, owner: owner)]
        var sums: [String] = []
        var conffiles: [String] = []
        var kibibytes: UInt64 = 0
        // Read and hash each regular file once; files read from disk always get MD5 as well.
        var contents: [String: (ArchiveEntry.Contents, md5: String)] = [:]
        for file in tree.entries {
            switch file.type {
            case .regular(let source):
                let content = try FileContent(path: source)
                contents[file.path] = (.file(content), content.digests.md5Hex!)
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
            if case .hardlink(let target) = file.type {
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
            let type: ArchiveEntry.FileType
            switch file.type {
            case .regular, .generated, .hardlink:
                let source = dataOf[file.path] ?? file.path
                let (content, md5) = contents[source]!
                md5ByPath[file.path] = md5
                if let target = dataOf[file.path], let leader = leaderOfSet[target], leader != file.path {
                    // Counted once, with the set's leader (deb-substvars(5)).
                    type = .hardlink(target: leader)
                } else {
                    type = .regular(content)
                    kibibytes += (content.size + 1023) / 1024
                }
            case .directory:
                type = .directory
                kibibytes += 1
            case .symlink(let target):
                type = .symlink(target: target)
                kibibytes += (UInt64(target.utf8.count) + 1023) / 1024
            }
            if file.attributes.contains(.config) { conffiles.append("/" + file.path) }
            entries.append(try ArchiveEntry(path: file.path, type: type, permissions: file.permissions, mtime: mtime,
                                            owner: owner))
        }
        let conffileSet = Set(conffiles)
        for file in tree.entries where !conffileSet.contains("/" + file.path) {
            if let md5 = md5ByPath[file.path] { sums.append("\(md5)  \(file.path)\n") }
        }
        dataEntries = entries
        md5sums = sums.joined()
        self.md5ByPath = md5ByPath
        self.conffiles = conffiles
        installedSize = kibibytes
    }

    /// control.tar members, sorted by name as dpkg-deb writes them.
    func controlEntries() throws -> [ArchiveEntry] {
        let mtime = build.sourceDateEpoch
        let owner = ArchiveEntry.Owner(build)
        var files: [(String, String, UInt32)] = [
            ("control", ControlFile.render(package.metadata, installedSize: installedSize), 0o644),
        ]
        if !md5sums.isEmpty { files.append(("md5sums", md5sums, 0o644)) }
        if !conffiles.isEmpty { files.append(("conffiles", conffiles.map { $0 + "\n" }.joined(), 0o644)) }
        for slot in package.scripts.slots {
            guard let member = DebValidator.controlMember[slot], let body = package.scripts[slot] else { continue }
            files.append((member.name, body, member.permissions))
        }
        files.sort { $0.0 < $1.0 }
        var entries = [try ArchiveEntry(path: "", type: .directory, permissions: 0o755, mtime: mtime, owner: owner)]
        for (name, body, permissions) in files {
            entries.append(try ArchiveEntry(path: name, type: .regular(.bytes(Array(body.utf8))),
                                            permissions: permissions, mtime: mtime, owner: owner))
        }
        return entries
    }
}
