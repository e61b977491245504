import ByteIO
import FormatSeam
import Foundation

/// Where each member of an ar archive lies, read from its headers alone (the 8-byte magic, then per member a
/// 60-byte header and the data, padded to an even length), so a signature check can hash members in place.
struct ArMembers {
    struct Member {
        var name: String
        var offset: UInt64
        var size: UInt64
    }

    let path: String
    let members: [Member]
    /// Open for reading members' bytes, so the archive is opened once.
    private let reader: FileReader

    init(path: String) throws {
        self.path = path
        reader = try FileReader(path: path)
        let total = reader.size
        guard total >= 8, try reader.bytes(at: 0, count: 8) == Array("!<arch>\n".utf8) else {
            throw MalformedArtifact(path: path, reason: "not an ar archive")
        }
        var members: [Member] = []
        var at: UInt64 = 8
        while at + 60 <= total {
            let header = try reader.bytes(at: at, count: 60)
            guard header.count == 60, let size = UInt64(Self.field(header[48..<58])), at + 60 + size <= total else {
                throw MalformedArtifact(path: path, reason: "ar member header at byte \(at) is damaged")
            }
            let name = Self.field(header[0..<16])
            members.append(Member(name: name.hasSuffix("/") ? String(name.dropLast()) : name, offset: at + 60, size: size))
            at += 60 + size + size % 2
        }
        self.members = members
    }

    /// A header field without the spaces that pad it.
    static func field(_ bytes: ArraySlice<UInt8>) -> String {
        var field = bytes
        while field.first == 0x20 { field.removeFirst() }
        while field.last == 0x20 { field.removeLast() }
        return String(decoding: field, as: UTF8.self)
    }

    func first(named prefix: String) -> Member? { members.first { $0.name.hasPrefix(prefix) } }

    func bytes(of member: Member) throws -> [UInt8] {
        guard member.size < 1 << 20 else { throw MalformedArtifact(path: path, reason: "member \(member.name) is too large") }
        let bytes = try reader.bytes(at: member.offset, count: Int(member.size))
        guard bytes.count == Int(member.size) else { throw MalformedArtifact(path: path, reason: "member \(member.name) ends early") }
        return bytes
    }
}
