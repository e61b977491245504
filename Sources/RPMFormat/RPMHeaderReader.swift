import ByteIO
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

    let main: Structure
    let signature: Structure
    /// The main header's bytes, from its magic to the end of its store: what a header signature covers.
    var headerBytes: [UInt8] { main.bytes }
    /// Where the main header starts in the file, after the lead and the padded signature header.
    let headerStart: Int
    /// The file's size when it was read.
    let fileSize: UInt64
    let path: String

    init(path: String) throws {
        self.path = path
        let reader = try FileReader(path: path)
        fileSize = reader.size
        func fail(_ reason: String) -> MalformedArtifact { MalformedArtifact(path: path, reason: reason) }
        var offset = 0
        func read(_ count: Int) throws -> [UInt8] {
            guard count > 0 else { return [] }
            let bytes = try reader.bytes(at: UInt64(offset), count: count)
            guard bytes.count == count else { throw MalformedArtifact(path: path, reason: "the file ends inside a header") }
            offset += count
            return bytes
        }
        let lead = try read(96)
        guard lead.starts(with: [0xED, 0xAB, 0xEE, 0xDB]) else { throw fail("not an rpm (no lead magic)") }
        signature = try Structure(read: read, path: path)
        offset += (8 - signature.bytes.count % 8) % 8
        headerStart = offset
        main = try Structure(read: read, path: path)
    }

    /// One header structure (magic, index, store) as read; each tag is decoded when it is asked for, since most
    /// readers want a few of the tags of a header that lists every file.
    struct Structure {
        let bytes: [UInt8]
        private let entries: [UInt32: (type: UInt32, offset: Int, items: Int)]
        private var store: ArraySlice<UInt8> { bytes[storeStart...] }
        private let storeStart: Int

        init(read: (Int) throws -> [UInt8], path: String) throws {
            func fail(_ reason: String) -> MalformedArtifact { MalformedArtifact(path: path, reason: "rpm header: \(reason)") }
            let intro = try read(16)
            guard intro.starts(with: Header.magic.prefix(4)) else { throw fail("bad header magic") }
            let count = Int(Self.u32(intro[...], 8)), storeSize = Int(Self.u32(intro[...], 12))
            guard count < 100_000, storeSize < 256 << 20 else { throw fail("header too large") }
            let rest = try read(count * 16 + storeSize)
            bytes = intro + rest
            storeStart = 16 + count * 16
            var entries: [UInt32: (type: UInt32, offset: Int, items: Int)] = [:]
            for entry in 0..<count {
                let base = 16 + entry * 16
                let tag = Self.u32(bytes[...], base), type = Self.u32(bytes[...], base + 4)
                let offset = Int(Self.u32(bytes[...], base + 8)), items = Int(Self.u32(bytes[...], base + 12))
                guard offset <= storeSize else { throw fail("tag \(tag) points outside the store") }
                // A tag of a type not read is passed over, so it does not hide an earlier entry of the same tag.
                if Self.readTypes.contains(type) { entries[tag] = (type, offset, items) }
            }
            self.entries = entries
        }

        /// The types `subscript` decodes.
        private static let readTypes: Set<UInt32> = Set([HeaderType.int8, .int16, .int32, .int64, .string, .stringArray,
                                                          .i18nString, .bin].map(\.rawValue))

        private static func u32(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
            let at = bytes.startIndex + at
            return bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }

        subscript(tag: UInt32) -> Value? {
            guard let (type, offset, items) = entries[tag] else { return nil }
            let store = self.store
            let count = store.count
            func integers(width: Int) -> [Int64] {
                (0..<min(items, count)).compactMap { item in
                    let at = offset + item * width
                    guard at + width <= count else { return nil }
                    let start = store.startIndex + at
                    // An INT64 past Int64.max is kept by its bits, not trapped on: the value is the input's to get wrong.
                    return Int64(bitPattern: store[start..<start + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                }
            }
            switch HeaderType(rawValue: type) {
            case .int8: return .integers(integers(width: 1))
            case .int16: return .integers(integers(width: 2))
            case .int32: return .integers(integers(width: 4))
            case .int64: return .integers(integers(width: 8))
            case .string, .stringArray, .i18nString:
                var strings: [String] = []
                var position = store.startIndex + offset
                for _ in 0..<(type == HeaderType.string.rawValue ? 1 : min(items, count)) {
                    guard position < store.endIndex, let end = store[position...].firstIndex(of: 0) else { break }
                    strings.append(String(decoding: store[position..<end], as: UTF8.self))
                    position = end + 1
                }
                return .strings(strings)
            case .bin: return .binary(Array(store[(store.startIndex + offset)..<(store.startIndex + min(count, offset + items))]))
            default: return nil
            }
        }
    }

    func string(_ tag: HeaderTag) -> String? { strings(tag).first }

    func strings(_ tag: HeaderTag) -> [String] {
        if case .strings(let values) = main[tag.number] { return values }
        return []
    }

    /// Integers of a signature header tag (PAYLOADSIZE, LONGARCHIVESIZE), which rpm reads as the main header's.
    func signatureIntegers(_ tag: HeaderTag) -> [Int64] {
        if case .integers(let values) = signature[tag.number] { return values }
        return []
    }

    func integers(_ tag: HeaderTag) -> [Int64] {
        if case .integers(let values) = main[tag.number] { return values }
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
}
