import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation

/// The three records createrepo_c writes for one rpm (src/parsehdr.c and xml_dump_*.c, 0.17), from its header.
extension YumRepository {
    /// One dependency entry as repodata spells it.
    struct Entry {
        var name: String
        var flags: DependencyFlags
        var version: String
        var pre = false

        var xml: String {
            var out = "<rpm:entry name=\"\(XML.escape(name))\""
            let names: [DependencyFlags: String] = [.less: "LT", .greater: "GT", .equal: "EQ", [.less, .equal]: "LE",
                                                    [.greater, .equal]: "GE"]
            if let flag = names[flags.intersection(.sense)] { out += " flags=\"\(flag)\"" }
            if !version.isEmpty {
                let (epoch, ver, rel) = Self.evr(version)
                out += " epoch=\"\(epoch)\" ver=\"\(XML.escape(ver))\""
                if let rel { out += " rel=\"\(XML.escape(rel))\"" }
            }
            if pre { out += " pre=\"1\"" }
            return out + "/>"
        }

        /// `[epoch:]version[-release]`, the epoch 0 when not given.
        static func evr(_ text: String) -> (String, String, String?) {
            var rest = Substring(text)
            var epoch = "0"
            if let colon = rest.firstIndex(of: ":") {
                epoch = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            if let dash = rest.lastIndex(of: "-") {
                return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
            }
            return (epoch, String(rest), nil)
        }
    }

    /// Files in primary: createrepo's `cr_is_primary`.
    static func isPrimary(_ path: String) -> Bool {
        path.hasPrefix("/etc/") || path == "/usr/lib/sendmail" || containsBinSlash(path)
    }

    /// Whether `path` holds `bin/`, byte by byte: asked of every file of every package, where a String search
    /// costs more than building the record. No proper prefix of `bin/` is also its suffix, so a mismatch only
    /// restarts the match.
    static func containsBinSlash(_ path: String) -> Bool {
        let needle = binSlash
        var matched = 0
        for byte in path.utf8 {
            matched = byte == needle[matched] ? matched + 1 : (byte == needle[0] ? 1 : 0)
            if matched == needle.count { return true }
        }
        return false
    }

    private static let binSlash = Array("bin/".utf8)

    /// - Parameter sha256: the file's SHA-256, when already known; read here otherwise.
    static func record(of path: String, location: String, time: Int64, sha256: String? = nil) throws -> Record {
        let header = try RPMHeaderReader(path: path)
        let pkgid: String
        if let sha256 {
            pkgid = sha256
        } else {
            var hasher = SHA256()
            try FileReader(path: path).forEachChunk(offset: 0, length: header.fileSize) { hasher.update(bufferPointer: $0) }
            pkgid = Array(hasher.finalize()).hexString
        }
        guard let name = header.string(.name), let arch = header.string(.arch), let version = header.string(.version) else {
            throw RepositoryError(path: path, reason: "its header lacks NAME, ARCH or VERSION")
        }
        let release = header.string(.release) ?? ""
        let epoch = Int(header.integers(.epoch).first ?? 0)

        func entries(_ names: HeaderTag, _ flags: HeaderTag, _ versions: HeaderTag) -> [Entry] {
            let n = header.strings(names), f = header.integers(flags), v = header.strings(versions)
            return n.indices.map { Entry(name: n[$0], flags: DependencyFlags(rawValue: $0 < f.count ? UInt32(truncatingIfNeeded: f[$0]) : 0),
                                         version: $0 < v.count ? v[$0] : "") }
        }
        let paths = header.paths
        let modes = header.integers(.fileModes), fileFlags = header.integers(.fileFlags)
        let files: [(path: String, type: String?)] = paths.enumerated().map { index, path in
            let mode = index < modes.count ? modes[index] : 0
            let flag = index < fileFlags.count ? fileFlags[index] : 0
            if mode & 0o170000 == 0o040000 { return (path, "dir") }
            if RPMFileFlags(rawValue: UInt32(truncatingIfNeeded: flag)).contains(.ghost) { return (path, "ghost") }
            return (path, nil)
        }
        let provides = entries(.provideName, .provideFlags, .provideVersion)
        let provided = Set(provides.map(\.name))
        let fileSet = Set(paths)
        var requires: [Entry] = []
        var seen: [String: Entry] = [:]
        for var entry in entries(.requireName, .requireFlags, .requireVersion) {
            if entry.name.hasPrefix("rpmlib(") { continue }
            if fileSet.contains(entry.name) && isPrimary(entry.name) { continue }
            if provided.contains(entry.name) { continue }
            // PREREQ, or needed by %pre or %post.
            entry.pre = !entry.flags.isDisjoint(with: [.preReq, .scriptPre, .scriptPost])
            if let last = seen[entry.name], last.flags.intersection(.sense) == entry.flags.intersection(.sense),
               last.version == entry.version,
               last.pre == entry.pre {
                continue
            }
            seen[entry.name] = entry
            requires.append(entry)
        }

        func text(_ value: String?) -> String { XML.escape(value ?? "") }
        func element(_ tag: String, _ value: String?) -> String {
            let escaped = text(value)
            return escaped.isEmpty ? "<\(tag)/>" : "<\(tag)>\(escaped)</\(tag)>"
        }
        let versionElement = "<version epoch=\"\(epoch)\" ver=\"\(XML.escape(version))\" rel=\"\(XML.escape(release))\"/>"
        let size = header.integers(.longSize).first ?? header.integers(.size).first ?? 0
        let archive = header.signatureIntegers(.sigLongArchiveSize).first ?? header.signatureIntegers(.sigPayloadSize).first ?? 0
        let end = header.headerStart + header.headerBytes.count

        var primary = """
            <package type="rpm">
              <name>\(text(name))</name>
              <arch>\(text(arch))</arch>
              \(versionElement)
              <checksum type="sha256" pkgid="YES">\(pkgid)</checksum>
              \(element("summary", header.string(.summary)))
              \(element("description", header.string(.description)))
              \(element("packager", header.string(.packager)))
              \(element("url", header.string(.url)))
              <time file="\(time)" build="\(header.integers(.buildTime).first ?? 0)"/>
              <size package="\(header.fileSize)" installed="\(size)" archive="\(archive)"/>
              <location href="\(XML.escape(location))"/>
              <format>
                \(element("rpm:license", header.string(.license)))
                \(element("rpm:vendor", header.string(.vendor)))
                \(element("rpm:group", header.string(.group)))
                \(element("rpm:buildhost", header.string(.buildHost)))
                \(element("rpm:sourcerpm", header.string(.sourceRPM)))
                <rpm:header-range start="\(header.headerStart)" end="\(end)"/>

            """
        let groups: [(String, [Entry])] = [
            ("provides", provides), ("requires", requires),
            ("conflicts", entries(.conflictName, .conflictFlags, .conflictVersion)),
            ("obsoletes", entries(.obsoleteName, .obsoleteFlags, .obsoleteVersion)),
            ("suggests", entries(.suggestName, .suggestFlags, .suggestVersion)),
            ("enhances", entries(.enhanceName, .enhanceFlags, .enhanceVersion)),
            ("recommends", entries(.recommendName, .recommendFlags, .recommendVersion)),
            ("supplements", entries(.supplementName, .supplementFlags, .supplementVersion)),
        ]
        for (group, list) in groups where !list.isEmpty {
            primary += "    <rpm:\(group)>\n" + list.map { "      \($0.xml)\n" }.joined() + "    </rpm:\(group)>\n"
        }
        func fileLine(_ file: (path: String, type: String?), indent: String) -> String {
            "\(indent)<file\(file.type.map { " type=\"\($0)\"" } ?? "")>\(XML.escape(file.path))</file>\n"
        }
        primary += files.filter { isPrimary($0.path) }.map { fileLine($0, indent: "    ") }.joined()
        primary += "  </format>\n</package>"

        let identity = "<package pkgid=\"\(pkgid)\" name=\"\(XML.escape(name))\" arch=\"\(XML.escape(arch))\">\n  \(versionElement)\n"
        let filelists = identity + files.map { fileLine($0, indent: "  ") }.joined() + "</package>"
        let times = header.integers(.changelogTime), authors = header.strings(.changelogName), texts = header.strings(.changelogText)
        // Newest first in the header, oldest first in other.xml; at most ten, as createrepo_c keeps.
        var changelogs: [String] = []
        for index in 0..<min(10, times.count, authors.count, texts.count) {
            var author = authors[index]
            while author.hasSuffix(" ") { author.removeLast() }
            changelogs.append("  <changelog author=\"\(XML.escape(author))\" date=\"\(times[index])\">\(XML.escape(texts[index]))</changelog>\n")
        }
        let other = identity + changelogs.reversed().joined() + "</package>"
        return Record(pkgid: pkgid, name: name, arch: arch, epoch: epoch, version: version, release: release,
                      location: location, primary: primary, filelists: filelists, other: other)
    }

    /// One metadata document over `records`, whole and as the runs it is compressed in: its head, runs of
    /// packages keyed by pkgid, its tail.
    static func document(_ kind: String, _ records: [Record]) -> (plain: [UInt8], runs: [[UInt8]]) {
        let head: String
        let tail: String
        let bodies: [String]
        switch kind {
        case "primary":
            head = "<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"\(records.count)\">"
            tail = "</metadata>"
            bodies = records.map(\.primary)
        case "filelists":
            head = "<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\"\(records.count)\">"
            tail = "</filelists>"
            bodies = records.map(\.filelists)
        default:
            head = "<otherdata xmlns=\"http://linux.duke.edu/metadata/other\" packages=\"\(records.count)\">"
            tail = "</otherdata>"
            bodies = records.map(\.other)
        }
        let sizes = bodies.map { $0.utf8.count + 1 }
        var runs: [[UInt8]] = [Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\(head)\n".utf8)]
        for range in RunCompressor.runs(sizes: sizes, keys: records.map(\.pkgid)) {
            var run: [UInt8] = []
            run.reserveCapacity(sizes[range].reduce(0, +))
            for body in bodies[range] {
                run.append(contentsOf: body.utf8)
                run.append(0x0A)
            }
            runs.append(run)
        }
        runs.append(Array(tail.utf8))
        var plain: [UInt8] = []
        plain.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        for run in runs { plain.append(contentsOf: run) }
        return (plain, runs)
    }
}

/// Just enough XML for repodata falcopack writes and createrepo_c writes: elements found by name (never nested in
/// themselves), attributes of a start tag, text, and the five escapes.
enum XML {
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        out.appendEscapingMarkup(text)
        return String(decoding: out, as: UTF8.self)
    }

    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every `<name ...>...</name>` or `<name .../>` in `text`, whole.
    static func elements(_ name: String, in text: String) -> [String] {
        let bytes = Array(text.utf8)
        return ranges(name, in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    static func ranges(_ name: String, in bytes: [UInt8]) -> [Range<Int>] {
        let open = Array("<\(name)".utf8), close = Array("</\(name)>".utf8)
        var out: [Range<Int>] = []
        var at = 0
        while let start = bytes.firstIndex(of: open, from: at) {
            let after = start + open.count
            guard after < bytes.count, [0x20, 0x3E, 0x2F, 0x0A, 0x09].contains(bytes[after]) else {
                at = after
                continue
            }
            guard let tagEnd = bytes.firstIndex(of: [0x3E], from: after) else { break }
            if bytes[tagEnd - 1] == 0x2F {
                out.append(start..<(tagEnd + 1))
                at = tagEnd + 1
                continue
            }
            guard let end = bytes.firstIndex(of: close, from: tagEnd) else { break }
            out.append(start..<(end + close.count))
            at = end + close.count
        }
        return out
    }

    /// An attribute of the element's start tag.
    static func attribute(_ name: String, of element: String) -> String? {
        let tag = Array(element.utf8.prefix { $0 != UInt8(ascii: ">") })
        guard tag.count < element.utf8.count, let at = tag.firstIndex(of: Array(" \(name)=\"".utf8), from: 0) else { return nil }
        let start = at + name.utf8.count + 3
        guard let quote = tag[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: tag[start..<quote], as: UTF8.self)
    }

    /// The text between the element's start and end tags.
    static func text(of element: String) -> String? {
        let bytes = Array(element.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        var end = bytes.count - 2
        while end > start && !(bytes[end] == UInt8(ascii: "<") && bytes[end + 1] == UInt8(ascii: "/")) { end -= 1 }
        guard end > start else { return nil }
        return String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
    }

    static func firstText(of name: String, in text: String) -> String? {
        elements(name, in: text).first.flatMap { self.text(of: $0) }
    }
}
