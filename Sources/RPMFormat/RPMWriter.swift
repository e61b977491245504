import ArchiveFormats
import Compression
import Crypto
import Glibc
import PackageModel

/// Writes one binary package in the RPM v4 format: lead, signature header, main header and a compressed cpio
/// payload (FORMATS.md section 2 gives the layout and what each digest covers).
///
/// The payload is compressed first, to a file in `scratchDirectory`, hashed as it streams: the main header
/// records its digests and the signature header covers both. Memory stays bounded whatever the payload size.
public struct RPMWriter: Sendable {
    public let codec: Codec
    public let buildHost: String

    public init(codec: Codec = .defaultXZ, buildHost: String = "falcopack") {
        self.codec = codec
        self.buildHost = buildHost
    }

    public func write(_ package: Package, context: BuildContext, to sink: ByteSink, scratchDirectory: String,
                      engine: UnitEngine = .serial) throws {
        let plan = try RPMPlan(package, context: context, codec: codec)

        let payloadPath = scratchDirectory + "/payload.cpio.\(codec.fileExtension)"
        let payloadFile = try FileSink(path: payloadPath)
        let compressed = SHA256Sink(payloadFile)
        let compressor = try BlockCompressor(codec: codec, sink: compressed, engine: engine)
        let uncompressed = HashingSegmentSink(compressor)
        try plan.writePayload(to: uncompressed)
        try compressor.finish()
        try payloadFile.commit()
        defer { unlink(payloadPath) }
        let payload = FileContent(path: payloadPath, digests: compressed.digests)

        let header = plan.mainHeader(buildHost: buildHost, payloadSHA256: payload.digests.sha256Hex,
                                     archiveSHA256: uncompressed.sha256Hex)
            .serialized(region: Header.immutableRegion)
        let signature = try Self.signatureHeader(header: header, payload: payload, archiveSize: uncompressed.size)
            .serialized(region: Header.signatureRegion)

        let out = PlainSegmentSink(sink)
        try out.literal(Lead.bytes(nameVersionRelease: plan.nameVersionRelease,
                                   archNumber: package.metadata.architecture == .aarch64 ? 19 : 1))
        try out.literal(signature)
        try out.literal([UInt8](repeating: 0, count: (8 - signature.count % 8) % 8))
        try out.literal(header)
        try out.content(payload)
    }

    /// SIZE, MD5 over header and payload, SHA-1 and SHA-256 of the header, PAYLOADSIZE, and reserved space
    /// so a signature can be added later without moving the header.
    static func signatureHeader(header: [UInt8], payload: FileContent, archiveSize: UInt64) throws -> Header {
        var md5 = Insecure.MD5()
        md5.update(data: header)
        try FileReader(path: payload.path).forEachChunk(length: payload.size) { md5.update(bufferPointer: $0) }
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
        signature[.sigReservedSpace] = .bin([UInt8](repeating: 0, count: 4128))
        return signature
    }
}
