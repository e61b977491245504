import ByteIO
import FormatSeam
import Signing

extension RPMFormat {
    /// `path` signed again by `signer` into the new file `output`: the lead, main header and payload as they are,
    /// and a signature header with the same sizes and digests and the new header signature, laid out as a build
    /// signed by that key writes it.
    static func resign(_ path: String, to output: String, signer: Signer) throws {
        let reader = try RPMHeaderReader(path: path)
        let old = reader.signature
        var signature = Header()
        func integers(_ tag: HeaderTag) -> [Int64]? {
            if case .integers(let values)? = old[tag.number], !values.isEmpty { return values }
            return nil
        }
        func text(_ tag: HeaderTag) -> String? {
            if case .strings(let values)? = old[tag.number] { return values.first }
            return nil
        }
        if let size = integers(.sigLongSize), let archive = integers(.sigLongArchiveSize) {
            signature[.sigLongSize] = .int64(size.map { UInt64(bitPattern: $0) })
            signature[.sigLongArchiveSize] = .int64(archive.map { UInt64(bitPattern: $0) })
        } else if let size = integers(.sigSize), let archive = integers(.sigPayloadSize) {
            signature[.sigSize] = .int32(size.map { UInt32(truncatingIfNeeded: $0) })
            signature[.sigPayloadSize] = .int32(archive.map { UInt32(truncatingIfNeeded: $0) })
        } else {
            throw MalformedArtifact(path: path, reason: "its signature header holds no size")
        }
        guard case .binary(let md5)? = old[HeaderTag.sigMD5.number], let sha1 = text(.sigSHA1), let sha256 = text(.sigSHA256) else {
            throw MalformedArtifact(path: path, reason: "its signature header lacks the MD5, SHA-1 or SHA-256 digest")
        }
        signature[.sigMD5] = .bin(md5)
        signature[.sigSHA1] = .string(sha1)
        signature[.sigSHA256] = .string(sha256)
        let openPGP = try signer.sign(reader.headerBytes)
        let packet = openPGP.packet.bytes
        signature[openPGP.algorithm == 1 ? .sigRSA : .sigDSA] = .bin(packet)
        signature[.sigReservedSpace] = .bin([UInt8](repeating: 0, count: max(32, 4128 - 16 - packet.count)))
        let bytes = signature.serialized(region: Header.signatureRegion)

        let file = try FileReader(path: path)
        try FileLinks.fill(output) { writer in
            try file.forEachChunk(offset: 0, length: 96) { try writer.write($0) }
            let padded = bytes + [UInt8](repeating: 0, count: (8 - bytes.count % 8) % 8)
            try padded.withUnsafeBytes { try writer.write($0) }
            let start = UInt64(reader.headerStart)
            try file.forEachChunk(offset: start, length: file.size - start) { try writer.write($0) }
        }
    }
}
