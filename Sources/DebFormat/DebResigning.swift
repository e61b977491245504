import ArchiveFormats
import ByteIO
import Crypto
import FormatSeam
import Glibc
import Signing

extension DebFormat {
    /// `path` signed again by `signer` into the new file `output`: every member but `_gpgorigin` copied as it is,
    /// then a `_gpgorigin` over debian-binary, the control member and the data member, as a build signed by that
    /// key writes it (the member's date kept).
    static func resign(_ path: String, to output: String, signer: Signer) throws {
        let archive = try ArMembers(path: path)
        guard let binary = archive.members.first(where: { $0.name == "debian-binary" }),
              let control = archive.first(named: "control.tar"), let data = archive.first(named: "data.tar") else {
            throw MalformedArtifact(path: path, reason: "is not a deb: it lacks debian-binary, control or data")
        }
        let reader = try FileReader(path: path)
        var hasher = SHA256()
        for member in [binary, control, data] {
            try reader.forEachChunk(offset: member.offset, length: member.size) { hasher.update(bufferPointer: $0) }
        }
        let signature = try signer.sign(continuing: hasher).packet.bytes
        var mtime: Int64 = 0
        if let origin = archive.members.first(where: { $0.name == originMember }) {
            let header = try reader.bytes(at: origin.offset - 60, count: 60)
            mtime = Int64(ArMembers.field(header[16..<28])) ?? 0
        } else {
            let header = try reader.bytes(at: data.offset - 60, count: 60)
            mtime = Int64(ArMembers.field(header[16..<28])) ?? 0
        }
        try FileLinks.fill(output) { writer in
            func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try writer.write($0) } }
            try write(Array("!<arch>\n".utf8))
            for member in archive.members where member.name != originMember {
                // Header, data and the padding byte, as they are.
                try reader.forEachChunk(offset: member.offset - 60, length: 60 + member.size + member.size % 2) { try writer.write($0) }
            }
            try write(try ArWriter.header(name: originMember, size: UInt64(signature.count), mtime: mtime,
                                          mode: 0o100644, uid: 0, gid: 0))
            try write(signature + (signature.count % 2 == 1 ? [0x0A] : []))
        }
    }
}
