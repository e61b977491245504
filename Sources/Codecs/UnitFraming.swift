import ByteIO
import CLZMAShim
import CZlibShim
import CZstdShim

/// The uncompressed bytes of one unit of the block compressor.
public enum UnitInput: Sendable {
    case bytes([UInt8])
    /// `length` bytes of `file` from `offset`, and the `preload` bytes before them as the encoder's dictionary.
    case file(FileContent, offset: UInt64, length: UInt64, preload: UInt64)

    /// Room for the compressed unit: its input size plus the codecs' worst-case expansion. Pages never
    /// written are never touched, so this costs no resident memory.
    public var outputCapacity: Int { Int(length) + Int(length / 64) + 4096 }

    public var isFileRange: Bool {
        if case .file = self { return true }
        return false
    }

    public var length: UInt64 {
        switch self {
        case .bytes(let bytes): UInt64(bytes.count)
        case .file(_, _, let length, _): length
        }
    }

    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch self {
        case .bytes(let bytes):
            try bytes.withUnsafeBytes(body)
        case .file(let file, let offset, let length, _):
            try file.forEachChunk(offset: offset, length: length, body)
        }
    }

    /// The bytes the encoder starts from as its dictionary, read from the file; empty for literal runs.
    public func preloadBytes() throws -> [UInt8] {
        guard case .file(let file, let offset, _, let preload) = self, preload > 0 else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(preload))
        try file.forEachChunk(offset: offset - preload, length: preload) {
            bytes.append(contentsOf: $0)
        }
        return bytes
    }
}

/// One compressed unit, as it goes into the stream after whatever framing the stream puts before it.
public struct CompressedUnit: Sendable {
    public var bytes: [UInt8]
    public var uncompressedSize: UInt64
    /// For xz: the CRC-64 of the uncompressed bytes, combined into the block's check.
    public var check: UInt64

    public init(bytes: [UInt8], uncompressedSize: UInt64, check: UInt64 = 0) {
        self.bytes = bytes
        self.uncompressedSize = uncompressedSize
        self.check = check
    }
}

/// How one codec frames units into a stream.
public protocol UnitFormat: AnyObject {
    /// gzip and zstd streams need at least one member or frame; an xz stream may hold no block.
    var emptyStreamNeedsUnit: Bool { get }
    func streamHeader() -> [UInt8]
    func compress(_ input: UnitInput) throws -> CompressedUnit
    /// Takes `unit` as the stream's next; returns the bytes that go before it.
    func append(_ unit: CompressedUnit) throws -> [UInt8]
    func streamTrailer() throws -> [UInt8]
}

extension Codec {
    /// A fresh framer for this codec's units; each holds its own encoder, so one per thread.
    public func makeUnitFormat() throws -> UnitFormat {
        switch self {
        case .gzip(let level): try GzipUnits(level: level)
        case .xz(let preset, let extreme): try XZUnits(preset: preset, extreme: extreme)
        case .zstd(let level): try ZstdUnits(level: level)
        }
    }

    /// The codec libraries and their versions, as `--version` names them.
    public static var libraries: [(name: String, version: String)] {
        [("zlib", String(cString: zlibVersion())), ("liblzma", String(cString: lzma_version_string())),
         ("libzstd", String(cString: ZSTD_versionString()))]
    }

    /// The versions of the codec libraries: a newer library may compress to other bytes.
    public static let libraryVersions: String = {
        let zlib = String(cString: zlibVersion())
        let lzma = String(cString: lzma_version_string())
        return "zlib \(zlib) liblzma \(lzma) zstd \(ZSTD_versionNumber())"
    }()
}

/// Each unit is a whole gzip member; members simply concatenate.
final class GzipUnits: UnitFormat {
    private let encoder: GzipEncoder

    init(level: Int) throws {
        encoder = try GzipEncoder(level: level, sink: BufferSink())
    }

    var emptyStreamNeedsUnit: Bool { true }
    func streamHeader() -> [UInt8] { [] }
    func append(_ unit: CompressedUnit) throws -> [UInt8] { [] }
    func streamTrailer() throws -> [UInt8] { [] }

    func compress(_ input: UnitInput) throws -> CompressedUnit {
        let out = BufferSink(reservingCapacity: input.outputCapacity)
        try encoder.restart(into: out)
        try input.forEachChunk { try encoder.write($0) }
        try encoder.finish()
        return CompressedUnit(bytes: out.bytes, uncompressedSize: input.length)
    }
}

/// Each unit is a whole zstd frame carrying its content size and checksum; frames concatenate.
final class ZstdUnits: UnitFormat {
    private let encoder: ZstdEncoder

    init(level: Int) throws {
        encoder = try ZstdEncoder(level: level, sink: BufferSink())
    }

    var emptyStreamNeedsUnit: Bool { true }
    func streamHeader() -> [UInt8] { [] }
    func append(_ unit: CompressedUnit) throws -> [UInt8] { [] }
    func streamTrailer() throws -> [UInt8] { [] }

    func compress(_ input: UnitInput) throws -> CompressedUnit {
        let out = BufferSink(reservingCapacity: input.outputCapacity)
        try encoder.restart(into: out, pledgedSize: input.length)
        try input.forEachChunk { try encoder.write($0) }
        try encoder.finish()
        return CompressedUnit(bytes: out.bytes, uncompressedSize: input.length)
    }
}
