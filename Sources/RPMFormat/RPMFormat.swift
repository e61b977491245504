import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import PackageModel
import Signing

/// The RPM v4 package: lead, signature header, main header and a compressed cpio payload (FORMATS.md section 2
/// gives the layout and what each digest covers).
///
/// The payload is compressed first, to a scratch file, hashed as it streams: the main header records its digests
/// and the signature header covers both. Memory stays bounded whatever the payload size.
public struct RPMFormat: ArtifactFormat {
    public let name = "rpm"
    public let fileSuffixes = [".rpm"]
    public let defaultCodec = Codec.defaultXZ
    /// rpm's file name, NAME-VERSION-RELEASE.ARCH.rpm; units where rpm-based systems keep them.
    public let conventions: FormatConventions? = FormatConventions(
        kind: .package, fileName: "{{ package }}-{{ package-version }}.{{ arch }}.rpm",
        unitDirectory: "/usr/lib/systemd/system")
    /// rpm needs a Release; this one when the spec gives none, as rpmbuild users write.
    static let defaultRelease = "1"
    public let buildHost: String

    public init(buildHost: String = "falcopack") {
        self.buildHost = buildHost
    }

    public func architectureName(_ architecture: Architecture) -> String {
        switch architecture {
        case .x86_64: "x86_64"
        case .aarch64: "aarch64"
        case .all: "noarch"
        case .armv5: "armv5tel"
        case .armv6: "armv6hl"
        case .armv7: "armv7hl"
        case .mipsle: "mipsel"
        case .mips64le: "mips64el"
        case .loong64: "loongarch64"
        case .i386, .ppc64le, .s390x, .riscv64, .mips: architecture.rawValue
        }
    }

    /// rpm's Version cannot hold `-`, which separates it from the Release: rpmbuild users write `_` for it.
    /// An upstream version `EPOCH:VERSION` carries the Epoch tag.
    public func version(upstream: String, release: String?) throws -> PackageVersion {
        let (epoch, version) = PackageVersion.splittingEpoch(upstream)
        return PackageVersion(epoch: epoch, upstream: version.replacingOccurrences(of: "-", with: "_"),
                              release: release ?? Self.defaultRelease)
    }

    public func validate(_ artifact: Artifact) throws {
        try RPMValidator.validate(artifact.package)
    }

    public func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws {
        try validate(artifact)
        let codec = artifact.codec
        let layout = try RPMLayout(artifact.package, build: context.build, codec: codec)

        let payloadFile = try context.scratch.makeFile(named: "payload.cpio.\(codec.fileExtension)")
        let compressor = try BlockCompressor(codec: codec, sink: payloadFile, engine: context.engine)
        let uncompressed = HashingSegmentSink(compressor)
        try layout.writePayload(to: uncompressed)
        try compressor.finish()
        let payload = try payloadFile.finish()

        let header = layout.mainHeader(buildHost: buildHost, payloadSHA256: payload.digests.sha256Hex,
                                       archiveSHA256: uncompressed.sha256Hex)
            .serialized(region: Header.immutableRegion)
        let openPGP = try context.signer?.sign(header)
        let signature = try Self.signatureHeader(header: header, payload: payload, archiveSize: uncompressed.size,
                                                 openPGP: openPGP)
            .serialized(region: Header.signatureRegion)

        let out = PlainSegmentSink(sink)
        try out.literal(Lead.bytes(nameVersionRelease: layout.nameVersionRelease,
                                   archNumber: artifact.package.metadata.architecture == .aarch64 ? 19 : 1))
        try out.literal(signature)
        try out.literal([UInt8](repeating: 0, count: (8 - signature.count % 8) % 8))
        try out.literal(header)
        try out.content(payload)
    }

    public func inspect(path: String, scratch: ScratchSpace) throws -> Inspection {
        let reader = try RPMHeaderReader(path: path)
        var inspection = try reader.inspection(path: path)
        inspection.signatures = try signatures(reader).map(\.signature)
        return inspection
    }

    public var signsInside: Bool { true }

    /// The OpenPGP signature over the main header, in tag 268 or 267.
    public func signatures(in path: String) throws -> [EmbeddedSignature] {
        try signatures(RPMHeaderReader(path: path))
    }

    func signatures(_ reader: RPMHeaderReader) throws -> [EmbeddedSignature] {
        let header = reader.headerBytes
        return try [HeaderTag.sigRSA, .sigDSA].compactMap { tag in
            guard case .binary(let bytes) = reader.signature[tag.number] else { return nil }
            guard let packet = try? Packet.parse(bytes).first, packet.known == .signature else {
                throw MalformedArtifact(path: reader.path, reason: "signature tag \(tag.number) holds no OpenPGP signature")
            }
            return EmbeddedSignature(subject: "header", signature: try Signature.parse(packet.body)) { $0.update(header) }
        }
    }

    public func packageURL(of package: PackageMetadata) -> String? {
        "pkg:rpm/\(package.name)@\(package.version)?arch=\(architectureName(package.architecture))"
    }

    /// SIZE, MD5 over header and payload, SHA-1 and SHA-256 of the header, PAYLOADSIZE, and reserved space
    /// so a signature can be added later without moving the header. A signature over the main header goes in
    /// 268 (RSA) or 267 (EdDSA), and the reserved space shrinks by what it takes, as rpmsign does.
    static func signatureHeader(header: [UInt8], payload: FileContent, archiveSize: UInt64,
                                openPGP: Signature? = nil) throws -> Header {
        var md5 = Insecure.MD5()
        md5.update(data: header)
        try payload.forEachChunk { md5.update(bufferPointer: $0) }
        var signature = Header()
        let total = UInt64(header.count) + payload.size
        if total > UInt64(UInt32.max) || archiveSize > UInt64(UInt32.max) {
            signature[.sigLongSize] = .int64([total])
            signature[.sigLongArchiveSize] = .int64([archiveSize])
        } else {
            signature[.sigSize] = .int32([UInt32(total)])
            signature[.sigPayloadSize] = .int32([UInt32(archiveSize)])
        }
        signature[.sigMD5] = .bin(Array(md5.finalize()))
        signature[.sigSHA1] = .string(Array(Insecure.SHA1.hash(data: header)).hexString)
        signature[.sigSHA256] = .string(Array(SHA256.hash(data: header)).hexString)
        var reserved = 4128
        if let openPGP {
            let packet = openPGP.packet.bytes
            signature[openPGP.algorithm == 1 ? .sigRSA : .sigDSA] = .bin(packet)
            reserved = max(32, reserved - 16 - packet.count)
        }
        signature[.sigReservedSpace] = .bin([UInt8](repeating: 0, count: reserved))
        return signature
    }
}
