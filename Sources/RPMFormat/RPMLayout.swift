import ArchiveFormats
import ByteIO
import Codecs
import PackageModel

/// Everything an rpm needs computed from a valid package before writing: the file table in header order (sorted
/// by path, as rpmbuild does) with each file read and hashed once, and the dependencies.
struct RPMLayout {
    struct File {
        let path: String                       // absolute
        let type: ArchiveEntry.FileType
        let size: UInt64
        let mode: UInt32
        let digest: String
        let flags: RPMFileFlags

        var linkTarget: String {
            if case .symlink(let target) = type { return target }
            return ""
        }

        /// What the payload carries for the file: contents, a symlink's target, nothing for a directory.
        var payloadData: ArchiveEntry.Contents? {
            switch type {
            case .regular(let contents): contents
            case .symlink(let target): .bytes(Array(target.utf8))
            case .directory, .hardlink: nil
            }
        }
    }

    struct Dependency: Comparable {
        let name: String
        let flags: DependencyFlags
        let version: String

        static func < (a: Dependency, b: Dependency) -> Bool {
            (a.name, a.flags.rawValue, a.version) < (b.name, b.flags.rawValue, b.version)
        }
    }

    /// The header tags each group of relation fields becomes. deb's Pre-Depends and Breaks have no rpm tags of their
    /// own: they join Requires and Conflicts.
    static let dependencyTags: [(name: String, fields: [RelationField], names: HeaderTag, flags: HeaderTag, versions: HeaderTag)] = [
        ("Requires", [.depends, .preDepends], .requireName, .requireFlags, .requireVersion),
        ("Provides", [.provides], .provideName, .provideFlags, .provideVersion),
        ("Conflicts", [.conflicts, .breaks], .conflictName, .conflictFlags, .conflictVersion),
        ("Obsoletes", [.replaces], .obsoleteName, .obsoleteFlags, .obsoleteVersion),
        ("Recommends", [.recommends], .recommendName, .recommendFlags, .recommendVersion),
        ("Suggests", [.suggests], .suggestName, .suggestFlags, .suggestVersion),
        ("Supplements", [.supplements], .supplementName, .supplementFlags, .supplementVersion),
        ("Enhances", [.enhances], .enhanceName, .enhanceFlags, .enhanceVersion),
    ]

    /// The scriptlet, interpreter tags and the dependency sense of each script slot. rpm has no triggers file.
    static let scriptTags: [ScriptSlot: (script: HeaderTag, interpreter: HeaderTag, sense: DependencyFlags)] = [
        .preInstall: (.preIn, .preInProg, .scriptPre), .postInstall: (.postIn, .postInProg, .scriptPost),
        .preRemove: (.preUn, .preUnProg, .scriptPreUn), .postRemove: (.postUn, .postUnProg, .scriptPostUn),
        .preTransaction: (.preTrans, .preTransProg, .scriptPreTrans),
        .postTransaction: (.postTrans, .postTransProg, .scriptPostTrans),
    ]

    let metadata: PackageMetadata
    let scripts: PackageScripts
    let build: BuildContext
    let codec: Codec
    let files: [File]
    /// A file of 4 GiB or more switches sizes to 64 bits and the payload to the stripped cpio form.
    let largeFiles: Bool

    var release: String { metadata.version.release ?? RPMFormat.defaultRelease }
    var nameVersionRelease: String { "\(metadata.name)-\(metadata.version.upstream)-\(release)" }
    /// `[epoch:]version-release`, as Provides and dependency versions spell it.
    var fullVersion: String { (metadata.version.epoch.map { "\($0):" } ?? "") + "\(metadata.version.upstream)-\(release)" }

    init(_ package: Package, build: BuildContext, codec: Codec) throws {
        metadata = package.metadata
        scripts = package.scripts
        self.build = build
        self.codec = codec

        let tree = try InstallTree(package.files, addingParents: false)
        var files: [File] = []
        for file in tree.entries {
            let path = "/" + file.path
            var flags: RPMFileFlags = []
            if file.attributes.contains(.config) { flags.insert(.config) }
            if file.attributes.contains(.noReplace) { flags.formUnion([.config, .noReplace]) }
            if file.attributes.contains(.missingOK) { flags.insert(.missingOK) }
            if file.attributes.contains(.doc) { flags.insert(.doc) }
            if file.attributes.contains(.license) { flags.insert(.license) }
            if file.attributes.contains(.ghost) { flags.insert(.ghost) }
            if file.attributes.contains(.readme) { flags.insert(.readme) }
            switch file.type {
            case .regular(let source):
                let content = try FileContent(path: source)
                files.append(File(path: path, type: .regular(.file(content)), size: content.size,
                                  mode: 0o100000 | file.permissions, digest: content.digests.sha256Hex, flags: flags))
            case .generated(let bytes):
                files.append(File(path: path, type: .regular(.bytes(bytes)), size: UInt64(bytes.count),
                                  mode: 0o100000 | file.permissions, digest: FileDigests.compute(bytes: bytes).sha256Hex,
                                  flags: flags))
            case .directory:
                // rpmbuild records directories with size 0, whatever the build file system says.
                files.append(File(path: path, type: .directory, size: 0, mode: 0o040000 | file.permissions,
                                  digest: "", flags: flags))
            case .symlink(let target):
                files.append(File(path: path, type: .symlink(target: target), size: UInt64(target.utf8.count),
                                  mode: 0o120000 | file.permissions, digest: "", flags: flags))
            case .hardlink:
                // Refused by validation.
                continue
            }
        }
        self.files = files
        largeFiles = files.contains { $0.size > UInt64(UInt32.max) }
    }

    /// The cpio payload, in header order, without %ghost files.
    func writePayload(to sink: SegmentSink) throws {
        if largeFiles {
            let cpio = CpioWriter(sink: sink, format: .stripped)
            for (index, file) in files.enumerated() where !file.flags.contains(.ghost) {
                try cpio.addStripped(index: index, data: file.payloadData)
            }
            try cpio.finish()
            return
        }
        let cpio = CpioWriter(sink: sink, format: .newc, namePrefix: "./")
        for (index, file) in files.enumerated() where !file.flags.contains(.ghost) {
            let entry = try ArchiveEntry(path: String(file.path.dropFirst()), type: file.type,
                                         permissions: file.mode & 0o7777, mtime: build.sourceDateEpoch)
            try cpio.add(entry, inode: UInt32(index + 1))
        }
        try cpio.finish()
    }

    func mainHeader(buildHost: String, payloadSHA256: String, archiveSHA256: String) -> Header {
        var h = Header()
        h[.i18nTable] = .stringArray(["C"])
        h[.name] = .string(metadata.name)
        h[.version] = .string(metadata.version.upstream)
        h[.release] = .string(release)
        if let epoch = metadata.version.epoch { h[.epoch] = .int32([UInt32(epoch)]) }
        h[.summary] = .i18nString(metadata.summary)
        h[.description] = .i18nString(metadata.description.isEmpty ? metadata.summary : metadata.description)
        h[.buildTime] = .int32([UInt32(truncatingIfNeeded: build.sourceDateEpoch)])
        h[.buildHost] = .string(buildHost)
        let total = files.reduce(UInt64(0)) { $0 + $1.size }   // directories count 0
        if total > UInt64(UInt32.max) { h[.longSize] = .int64([total]) } else { h[.size] = .int32([UInt32(total)]) }
        if let vendor = metadata.vendor { h[.vendor] = .string(vendor) }
        h[.license] = .string(metadata.license ?? "")
        h[.packager] = .string(metadata.packager ?? metadata.maintainer)
        // An empty section is no group at all, as a package that states none.
        if let group = metadata.section ?? Optional("Applications/System"), !group.isEmpty { h[.group] = .i18nString(group) }
        if let url = metadata.homepage { h[.url] = .string(url) }
        h[.os] = .string("linux")
        h[.arch] = .string(RPMFormat().architectureName(metadata.architecture))
        h[.sourceRPM] = .string("\(nameVersionRelease).src.rpm")
        h[.rpmVersion] = .string("4.18.0")   // the rpm release whose format this header follows
        h[.encoding] = .string("utf-8")
        // Without entries of its own, the package records this build, so rpm -q --changelog says what it is.
        let changelog = metadata.changelog.isEmpty
            ? [ChangelogEntry(date: build.sourceDateEpoch, maintainer: metadata.maintainer, version: fullVersion,
                              changes: ["Release \(fullVersion)"])]
            : metadata.changelog
        h[.changelogTime] = .int32(changelog.map { UInt32(truncatingIfNeeded: $0.date) })
        h[.changelogName] = .stringArray(changelog.map { "\($0.maintainer) - \($0.version)" })
        h[.changelogText] = .stringArray(changelog.map { $0.changes.map { "- " + $0 }.joined(separator: "\n") })

        if !files.isEmpty {
            if largeFiles {
                h[.longFileSizes] = .int64(files.map(\.size))
            } else {
                h[.fileSizes] = .int32(files.map { UInt32($0.size) })
            }
            h[.fileModes] = .int16(files.map { UInt16(truncatingIfNeeded: $0.mode) })
            h[.fileRdevs] = .int16(files.map { _ in 0 })
            h[.fileMtimes] = .int32(files.map { _ in UInt32(truncatingIfNeeded: build.sourceDateEpoch) })
            h[.fileDigests] = .stringArray(files.map(\.digest))
            h[.fileLinkTos] = .stringArray(files.map(\.linkTarget))
            h[.fileFlags] = .int32(files.map(\.flags.rawValue))
            h[.fileUserName] = .stringArray(files.map { _ in build.owner })
            h[.fileGroupName] = .stringArray(files.map { _ in build.group })
            h[.fileVerifyFlags] = .int32(files.map { _ in UInt32.max })
            h[.fileDevices] = .int32(files.map { _ in 1 })
            h[.fileInodes] = .int32(files.indices.map { UInt32($0 + 1) })
            h[.fileLangs] = .stringArray(files.map { _ in "" })
            h[.fileDigestAlgo] = .int32([8])
            var dirNames: [String] = []
            var dirIndex: [String: UInt32] = [:]
            var dirIndexes: [UInt32] = []
            var baseNames: [String] = []
            for file in files {
                let slash = file.path.lastIndex(of: "/")!
                let dir = String(file.path[...slash])
                if dirIndex[dir] == nil {
                    dirIndex[dir] = UInt32(dirNames.count)
                    dirNames.append(dir)
                }
                dirIndexes.append(dirIndex[dir]!)
                baseNames.append(String(file.path[file.path.index(after: slash)...]))
            }
            h[.dirIndexes] = .int32(dirIndexes)
            h[.baseNames] = .stringArray(baseNames)
            h[.dirNames] = .stringArray(dirNames)
        }

        for tags in Self.dependencyTags {
            var list = dependencies(tags.fields.flatMap { metadata.relations[$0] })
            if tags.names == .requireName { list = (list + implicitRequires()).sorted() }
            if tags.names == .provideName { list += implicitProvides() }
            guard !list.isEmpty else { continue }
            h[tags.names] = .stringArray(list.map(\.name))
            h[tags.flags] = .int32(list.map(\.flags.rawValue))
            h[tags.versions] = .stringArray(list.map(\.version))
        }

        for slot in scripts.slots {
            guard let tags = Self.scriptTags[slot], let body = scripts[slot] else { continue }
            h[tags.script] = .string(body)
            h[tags.interpreter] = .string(Self.interpreter(of: body))
        }

        h[.payloadFormat] = .string("cpio")
        switch codec {
        case .gzip(let level): h[.payloadCompressor] = .string("gzip"); h[.payloadFlags] = .string("\(level)")
        case .xz(let preset, let extreme): h[.payloadCompressor] = .string("xz"); h[.payloadFlags] = .string("\(preset)\(extreme ? "e" : "")")
        case .zstd(let level): h[.payloadCompressor] = .string("zstd"); h[.payloadFlags] = .string("\(level)")
        }
        h[.payloadDigest] = .stringArray([payloadSHA256])
        h[.payloadDigestAlgo] = .int32([8])
        h[.payloadDigestAlt] = .stringArray([archiveSHA256])
        return h
    }

    /// The interpreter named on a script's `#!` line; `/bin/sh` without one.
    static func interpreter(of body: String) -> String {
        guard body.hasPrefix("#!") else { return "/bin/sh" }
        let line = body.dropFirst(2).prefix { $0 != "\n" }
        return String(line.split(separator: " ").first ?? "/bin/sh")
    }

    /// What every package requires beyond its own relations: the rpmlib features its header and payload use, and
    /// its scriptlets' interpreters.
    private func implicitRequires() -> [Dependency] {
        let lessOrEqualRpmlib: DependencyFlags = [.rpmlib, .less, .equal]
        var result = [
            Dependency(name: "rpmlib(CompressedFileNames)", flags: lessOrEqualRpmlib, version: "3.0.4-1"),
            Dependency(name: "rpmlib(FileDigests)", flags: lessOrEqualRpmlib, version: "4.6.0-1"),
            Dependency(name: "rpmlib(PayloadFilesHavePrefix)", flags: lessOrEqualRpmlib, version: "4.0-1"),
        ]
        switch codec {
        case .xz: result.append(Dependency(name: "rpmlib(PayloadIsXz)", flags: lessOrEqualRpmlib, version: "5.2-1"))
        case .zstd: result.append(Dependency(name: "rpmlib(PayloadIsZstd)", flags: lessOrEqualRpmlib, version: "5.4.18-1"))
        case .gzip: break
        }
        if largeFiles {
            result.append(Dependency(name: "rpmlib(LargeFiles)", flags: lessOrEqualRpmlib, version: "4.12.0-1"))
        }
        if (metadata.relations[.depends] + metadata.relations[.preDepends]).contains(where: { $0.alternatives.count > 1 }) {
            result.append(Dependency(name: "rpmlib(RichDependencies)", flags: lessOrEqualRpmlib, version: "4.12.0-1"))
        }
        for slot in scripts.slots {
            guard let sense = Self.scriptTags[slot]?.sense, let body = scripts[slot] else { continue }
            result.append(Dependency(name: Self.interpreter(of: body), flags: [.interp, sense], version: ""))
        }
        return result
    }

    /// Every package provides its own name, and its name with the architecture.
    private func implicitProvides() -> [Dependency] {
        var result = [Dependency(name: metadata.name, flags: .equal, version: fullVersion)]
        if let isa = Self.isa(metadata.architecture) {
            result.append(Dependency(name: "\(metadata.name)(\(isa))", flags: .equal, version: fullVersion))
        }
        return result
    }

    /// rpm's `%{_isa}` of an architecture (its platform macros' `%_isa`), nil for noarch.
    static func isa(_ architecture: Architecture) -> String? {
        switch architecture {
        case .all: nil
        case .x86_64: "x86-64"
        case .aarch64: "aarch-64"
        case .i386: "x86-32"
        case .armv5: "armv5tel-32"
        case .armv6: "armv6hl-32"
        case .armv7: "armv7hl-32"
        case .ppc64le: "ppc-64"
        case .s390x: "s390-64"
        case .riscv64: "riscv-64"
        case .mips, .mipsle: "mips-32"
        case .mips64le: "mips-64"
        case .loong64: "loongarch-64"
        }
    }

    /// One rpm dependency per relation; alternatives become a rich dependency `(a or b)`.
    private func dependencies(_ relations: [Relation]) -> [Dependency] {
        relations.map { relation in
            if relation.alternatives.count == 1, let only = relation.alternatives.first {
                return Dependency(name: only.name, flags: Self.flags(only.constraint?.op),
                                  version: only.constraint?.version ?? "")
            }
            let terms = relation.alternatives.map { alternative -> String in
                guard let constraint = alternative.constraint else { return alternative.name }
                return "\(alternative.name) \(Self.rpmOperator(constraint.op)) \(constraint.version)"
            }
            return Dependency(name: "(" + terms.joined(separator: " or ") + ")", flags: [], version: "")
        }
    }

    static func flags(_ op: PackageModel.Dependency.Operator?) -> DependencyFlags {
        switch op {
        case nil: []
        case .lessThan: .less
        case .lessOrEqual: [.less, .equal]
        case .equal: .equal
        case .greaterOrEqual: [.greater, .equal]
        case .greaterThan: .greater
        }
    }

    static func rpmOperator(_ op: PackageModel.Dependency.Operator) -> String {
        switch op {
        case .lessThan: "<"
        case .lessOrEqual: "<="
        case .equal: "="
        case .greaterOrEqual: ">="
        case .greaterThan: ">"
        }
    }
}
