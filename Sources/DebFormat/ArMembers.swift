import ByteIO
import FormatSeam
import Foundation

/// Where each member of an ar archive lies, read from its headers alone (the 8-byte magic, then per member a
/// 60-byte header and the data, padded to an even length), so a signature check can hash members in place.
enum ArMembers {
    struct Member {
        var name: String
        var offset: UInt64
        var size: UInt64
    }

    static func read(path: String) throws -> [Member] {
        let reader = try FileReader(path: path)
        var info = stat()
        guard stat(path, &info) == 0 else { throw MalformedArtifact(path: path, reason: "cannot be read") }
        let total = UInt64(info.st_size)
        func bytes(at offset: UInt64, _ count: Int) throws -> [UInt8] {
            var out: [UInt8] = []
            try reader.forEachChunk(offset: offset, length: UInt64(count)) { out += $0 }
            return out
        }
        guard total >= 8, try bytes(at: 0, 8) == Array("!<arch>\n".utf8) else {
            throw MalformedArtifact(path: path, reason: "not an ar archive")
        }
        var members: [Member] = []
        var at: UInt64 = 8
        while at + 60 <= total {
            let header = try bytes(at: at, 60)
            let name = String(decoding: header[0..<16], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard let size = UInt64(String(decoding: header[48..<58], as: UTF8.self).trimmingCharacters(in: .whitespaces)),
                  at + 60 + size <= total else {
                throw MalformedArtifact(path: path, reason: "ar member header at byte \(at) is damaged")
            }
            members.append(Member(name: name.hasSuffix("/") ? String(name.dropLast()) : name, offset: at + 60, size: size))
            at += 60 + size + size % 2
        }
        return members
    }
}

extension Array where Element == ArMembers.Member {
    func bytes(of member: ArMembers.Member, path: String) throws -> [UInt8] {
        guard member.size < 1 << 20 else { throw MalformedArtifact(path: path, reason: "member \(member.name) is too large") }
        var out: [UInt8] = []
        try FileReader(path: path).forEachChunk(offset: member.offset, length: member.size) { out += $0 }
        return out
    }
}
