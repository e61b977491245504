import FormatSeam
import Foundation

/// Reads the main header of an rpm file (lead, signature header, header), for `inspect` and `verify`. The payload is
/// not read. Tags are looked up by the same `HeaderTag` names the writer uses.
struct RPMHeaderReader {
    enum Value: Hashable {
        case strings([String])
        case integers([Int64])
        case binary([UInt8])
    }

    let tags: [UInt32: Value]
    let signatureTags: [UInt32: Value]
    /// The main header's bytes, from its magic to the end of its store: what a header signature covers.
    let headerBytes: [UInt8]
    /// Where the main header starts in the file, after the lead and the padded signature header.
    let headerStart: Int
    let path: String

    init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MalformedArtifact(path: path, reason: "cannot be opened")
        }
        defer { try? handle.close() }
        func fail(_ reason: String) -> MalformedArtifact { MalformedArtifact(path: path, reason: reason) }
        let lead = try Self.read(handle, 96, path: path)
        guard lead.starts(with: [0xED, 0xAB, 0xEE, 0xDB]) else { throw fail("not an rpm (no lead magic)") }
        let signatureHeader = try Self.readHeader(handle, path: path)
        signatureTags = signatureHeader.tags
        let padding = (8 - signatureHeader.bytes.count % 8) % 8
        _ = try Self.read(handle, padding, path: path)
        headerStart = 96 + signatureHeader.bytes.count + padding
        let main = try Self.readHeader(handle, path: path)
        tags = main.tags
        headerBytes = main.bytes
    }

    func string(_ tag: HeaderTag) -> String? { strings(tag).first }

    func strings(_ tag: HeaderTag) -> [String] {
        if case .strings(let values) = tags[tag.number] { return values }
        return []
    }

    /// Integers of a signature header tag (PAYLOADSIZE, LONGARCHIVESIZE), which rpm reads as the main header's.
    func signatureIntegers(_ tag: UInt32) -> [Int64] {
        if case .integers(let values) = signatureTags[tag] { return values }
        return []
    }

    func integers(_ tag: HeaderTag) -> [Int64] {
        if case .integers(let values) = tags[tag.number] { return values }
        return []
    }

    /// Installed paths, from BASENAMES, DIRNAMES and DIRINDEXES.
    var paths: [String] {
        let bases = strings(.baseNames), dirs = strings(.dirNames), indexes = integers(.dirIndexes)
        return zip(bases, indexes).map { base, index in
            (index >= 0 && Int(index) < dirs.count ? dirs[Int(index)] : "") + base
        }
    }

    var fileSizes: [Int64] {
        let long = integers(.longFileSizes)
        return long.isEmpty ? integers(.fileSizes) : long
    }

    /// The fields `inspect` shows, under the names `rpm -qi` gives them.
    static let shownTags: [(name: String, tag: HeaderTag)] = [
        ("Name", .name), ("Version", .version), ("Release", .release), ("Architecture", .arch), ("Summary", .summary),
        ("License", .license), ("Vendor", .vendor), ("URL", .url), ("Payload", .payloadCompressor),
    ]
    static let shownDependencies: [(name: String, tag: HeaderTag)] = [
        ("Provides", .provideName), ("Requires", .requireName), ("Conflicts", .conflictName),
        ("Obsoletes", .obsoleteName),
    ]

    func inspection(path: String) throws -> Inspection {
        var fields: [(name: String, value: String)] = []
        for (name, tag) in Self.shownTags {
            if let value = string(tag) { fields.append((name, value)) }
        }
        for (name, tag) in Self.shownDependencies {
            let values = strings(tag).filter { !$0.hasPrefix("rpmlib(") }
            if !values.isEmpty { fields.append((name, values.joined(separator: ", "))) }
        }
        let modes = integers(.fileModes), sizes = fileSizes, links = strings(.fileLinkTos)
        let files = paths.enumerated().map { index, path in
            let mode = index < modes.count ? UInt32(truncatingIfNeeded: modes[index]) : 0
            let type: String
            switch mode & 0o170000 {
            case 0o040000: type = "directory"
            case 0o120000: type = "symlink"
            default: type = "file"
            }
            let link = index < links.count && !links[index].isEmpty ? links[index] : nil
            return Inspection.File(path: path, type: type, permissions: mode & 0o7777,
                                   size: index < sizes.count ? sizes[index] : 0, linkTarget: link)
        }
        guard let name = string(.name), let version = string(.version), let arch = string(.arch) else {
            throw MalformedArtifact(path: path, reason: "the rpm header lacks NAME, VERSION or ARCH")
        }
        // [epoch:]version[-release], as PackageVersion spells it.
        let epoch = integers(.epoch).first.map { "\($0):" } ?? ""
        let full = epoch + version + (string(.release).map { "-\($0)" } ?? "")
        return Inspection(path: path, format: "rpm", fields: fields, files: files,
                          identity: Inspection.Identity(name: name, version: full, architecture: arch))
    }

    private static func read(_ handle: FileHandle, _ count: Int, path: String) throws -> [UInt8] {
        guard count > 0 else { return [] }
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else { throw MalformedArtifact(path: path, reason: "the file ends inside a header") }
        return Array(data)
    }

    /// One header structure: magic, index, store. Returns its tags and its length in bytes.
    private static func readHeader(_ handle: FileHandle, path: String) throws -> (tags: [UInt32: Value], bytes: [UInt8]) {
        func fail(_ reason: String) -> MalformedArtifact { MalformedArtifact(path: path, reason: "rpm header: \(reason)") }
        let intro = try read(handle, 16, path: path)
        guard intro.starts(with: Header.magic.prefix(4)) else { throw fail("bad header magic") }
        func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
            bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let count = Int(u32(intro, 8)), storeSize = Int(u32(intro, 12))
        guard count < 100_000, storeSize < 256 << 20 else { throw fail("header too large") }
        let index = try read(handle, count * 16, path: path)
        let store = try read(handle, storeSize, path: path)
        var tags: [UInt32: Value] = [:]
        for entry in 0..<count {
            let base = entry * 16
            let tag = u32(index, base), type = u32(index, base + 4)
            let offset = Int(u32(index, base + 8)), items = Int(u32(index, base + 12))
            guard offset <= store.count else { throw fail("tag \(tag) points outside the store") }
            func integers(width: Int) -> [Int64] {
                (0..<min(items, store.count)).compactMap { item in
                    let at = offset + item * width
                    guard at + width <= store.count else { return nil }
                    // An INT64 past Int64.max is kept by its bits, not trapped on: the value is the input's to get wrong.
                    return Int64(bitPattern: store[at..<at + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                }
            }
            switch HeaderType(rawValue: type) {
            case .int8: tags[tag] = .integers(integers(width: 1))
            case .int16: tags[tag] = .integers(integers(width: 2))
            case .int32: tags[tag] = .integers(integers(width: 4))
            case .int64: tags[tag] = .integers(integers(width: 8))
            case .string, .stringArray, .i18nString:
                var strings: [String] = []
                var position = offset
                for _ in 0..<(type == HeaderType.string.rawValue ? 1 : min(items, store.count)) {
                    guard position < store.count, let end = store[position...].firstIndex(of: 0) else { break }
                    strings.append(String(decoding: store[position..<end], as: UTF8.self))
                    position = end + 1
                }
                tags[tag] = .strings(strings)
            case .bin: tags[tag] = .binary(Array(store[offset..<min(store.count, offset + items)]))
            default: continue
            }
        }
        return (tags, intro + index + store)
    }
}
