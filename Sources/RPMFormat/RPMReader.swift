import Foundation

/// Reads the main header of an rpm file (lead, signature header, header), for `falcopack inspect` and `verify`.
/// The payload is not read.
public struct RPMHeaderReader: Sendable {
    public enum Value: Hashable, Sendable {
        case strings([String])
        case integers([Int64])
        case binary([UInt8])
    }

    public let tags: [UInt32: Value]
    /// Byte offset of the compressed payload.
    public let payloadOffset: Int

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RPMError.invalidHeader("cannot open '\(path)'")
        }
        defer { try? handle.close() }
        let lead = try Self.read(handle, 96)
        guard lead.starts(with: [0xED, 0xAB, 0xEE, 0xDB]) else {
            throw RPMError.invalidHeader("'\(path)' is not an rpm (no lead magic)")
        }
        let (_, signatureLength) = try Self.readHeader(handle)
        let padding = (8 - signatureLength % 8) % 8
        _ = try Self.read(handle, padding)
        let (tags, headerLength) = try Self.readHeader(handle)
        self.tags = tags
        payloadOffset = 96 + signatureLength + padding + headerLength
    }

    public func string(_ tag: UInt32) -> String? {
        if case .strings(let values) = tags[tag] { return values.first }
        return nil
    }

    public func strings(_ tag: UInt32) -> [String] {
        if case .strings(let values) = tags[tag] { return values }
        return []
    }

    public func integers(_ tag: UInt32) -> [Int64] {
        if case .integers(let values) = tags[tag] { return values }
        return []
    }

    /// Installed paths, from BASENAMES, DIRNAMES and DIRINDEXES.
    public var paths: [String] {
        let bases = strings(1117), dirs = strings(1118), indexes = integers(1116)
        return zip(bases, indexes).map { base, index in
            (Int(index) < dirs.count ? dirs[Int(index)] : "") + base
        }
    }

    public var fileSizes: [Int64] {
        let long = integers(5008)
        return long.isEmpty ? integers(1028) : long
    }

    private static func read(_ handle: FileHandle, _ count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else { throw RPMError.invalidHeader("the file ends inside a header") }
        return Array(data)
    }

    /// One header structure: magic, index, store. Returns its tags and its length in bytes.
    private static func readHeader(_ handle: FileHandle) throws -> ([UInt32: Value], Int) {
        let intro = try read(handle, 16)
        guard intro.starts(with: [0x8E, 0xAD, 0xE8, 0x01]) else { throw RPMError.invalidHeader("bad header magic") }
        func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
            bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let count = Int(u32(intro, 8)), storeSize = Int(u32(intro, 12))
        guard count < 100_000, storeSize < 256 << 20 else { throw RPMError.invalidHeader("header too large") }
        let index = try read(handle, count * 16)
        let store = try read(handle, storeSize)
        var tags: [UInt32: Value] = [:]
        for entry in 0..<count {
            let base = entry * 16
            let tag = u32(index, base), type = u32(index, base + 4)
            let offset = Int(u32(index, base + 8)), items = Int(u32(index, base + 12))
            guard offset <= store.count else { throw RPMError.invalidHeader("tag \(tag) points outside the store") }
            func integers(width: Int) -> [Int64] {
                (0..<items).compactMap { item in
                    let at = offset + item * width
                    guard at + width <= store.count else { return nil }
                    return Int64(store[at..<at + width].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                }
            }
            switch type {
            case 2: tags[tag] = .integers(integers(width: 1))
            case 3: tags[tag] = .integers(integers(width: 2))
            case 4: tags[tag] = .integers(integers(width: 4))
            case 5: tags[tag] = .integers(integers(width: 8))
            case 6, 8, 9:
                var strings: [String] = []
                var position = offset
                for _ in 0..<(type == 6 ? 1 : items) {
                    guard let end = store[position...].firstIndex(of: 0) else { break }
                    strings.append(String(decoding: store[position..<end], as: UTF8.self))
                    position = end + 1
                }
                tags[tag] = .strings(strings)
            case 7: tags[tag] = .binary(Array(store[offset..<min(store.count, offset + items)]))
            default: continue
            }
        }
        return (tags, 16 + count * 16 + storeSize)
    }
}
