import ByteIO
import CLZMAShim

/// The units are runs of LZMA2 chunks in the single block of a single .xz stream, as `xz` itself writes
/// without threads. A unit that starts a file or a literal run resets the dictionary; a later unit of a
/// file resets only the coder state and keeps the dictionary, which its encoder was preloaded with
/// (`Codec.preloadSize`), so its first matches reach back into the unit before. The block header carries no
/// sizes (they are not known when it is written); its check is the CRC-64 of every unit's bytes, combined.
/// The trailer is the LZMA2 end marker, the block's padding and check, the index and the stream footer.
final class XZUnits: UnitFormat {
    private let handle = LZMAHandle(hugePages: true)
    private let options: UnsafeMutablePointer<lzma_options_lzma>
    private let filters: UnsafeMutablePointer<lzma_filter>
    /// The block so far: its header's size (0 until written), its LZMA2 bytes and uncompressed bytes, its check.
    private var blockHeaderSize = 0
    private var compressedSize: UInt64 = 0
    private var uncompressedSize: UInt64 = 0
    private var check: UInt64 = 0

    init(preset: Int, extreme: Bool) throws {
        options = .allocate(capacity: 1)
        options.initialize(to: lzma_options_lzma())
        filters = .allocate(capacity: 2)
        filters.initialize(repeating: lzma_filter(), count: 2)
        filters[0] = lzma_filter(id: fp_LZMA_FILTER_LZMA2, options: UnsafeMutableRawPointer(options))
        filters[1] = lzma_filter(id: fp_LZMA_VLI_UNKNOWN, options: nil)
        let flags = UInt32(preset) | (extreme ? fp_LZMA_PRESET_EXTREME : 0)
        if lzma_lzma_preset(options, flags) != 0 {
            throw CompressionError(library: .liblzma, operation: "lzma_lzma_preset", code: 0,
                                   message: "unsupported preset \(preset)")
        }
    }

    deinit {
        handle.close()
        options.deallocate()
        filters.deallocate()
    }

    var emptyStreamNeedsUnit: Bool { false }

    func streamHeader() -> [UInt8] { XZFraming.streamHeader() }

    func compress(_ input: UnitInput) throws -> CompressedUnit {
        let preload = try input.preloadBytes()
        try preload.withUnsafeBufferPointer { dictionary in
            // liblzma copies the dictionary while it starts the encoder, so the pointer need not outlive this.
            options.pointee.preset_dict = dictionary.isEmpty ? nil : dictionary.baseAddress
            options.pointee.preset_dict_size = UInt32(dictionary.count)
            defer {
                options.pointee.preset_dict = nil
                options.pointee.preset_dict_size = 0
            }
            try lzmaCheck(lzma_raw_encoder(handle.stream, filters), "lzma_raw_encoder")
        }
        let data = BufferSink(reservingCapacity: input.outputCapacity)
        var crc: UInt64 = 0
        try input.forEachChunk { chunk in
            crc = lzma_crc64(chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count, crc)
            try handle.code(chunk, action: LZMA_RUN, into: data, operation: "lzma_code (unit)")
        }
        try handle.code(UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH, into: data,
                        operation: "lzma_code (unit)")
        // The encoder ends its LZMA2 data with the end marker; the block has one, after its last unit.
        var bytes = data.take()
        guard bytes.last == 0 else {
            throw CompressionError(library: .liblzma, operation: "lzma_code (unit)", code: 0,
                                   message: "LZMA2 data does not end with its end marker")
        }
        bytes.removeLast()
        return CompressedUnit(bytes: bytes, uncompressedSize: input.length, check: crc)
    }

    func append(_ unit: CompressedUnit) throws -> [UInt8] {
        var before: [UInt8] = []
        if blockHeaderSize == 0 {
            before = try blockHeader()
            blockHeaderSize = before.count
        }
        check = CRC64.combine(check, unit.check, secondLength: unit.uncompressedSize)
        compressedSize += UInt64(unit.bytes.count)
        uncompressedSize += unit.uncompressedSize
        return before
    }

    /// Filter flags only: the sizes are unknown until the last unit.
    private func blockHeader() throws -> [UInt8] {
        var block = lzma_block()
        block.version = 0
        block.check = LZMA_CHECK_CRC64
        block.filters = filters
        block.compressed_size = fp_LZMA_VLI_UNKNOWN
        block.uncompressed_size = fp_LZMA_VLI_UNKNOWN
        try lzmaCheck(lzma_block_header_size(&block), "lzma_block_header_size")
        var header = [UInt8](repeating: 0, count: Int(block.header_size))
        try lzmaCheck(lzma_block_header_encode(&block, &header), "lzma_block_header_encode")
        return header
    }

    func streamTrailer() throws -> [UInt8] {
        var out: [UInt8] = []
        var blocks: [(unpadded: UInt64, uncompressed: UInt64)] = []
        if blockHeaderSize > 0 {
            out.append(0)                                   // the LZMA2 end marker
            let data = compressedSize + 1
            out.append(contentsOf: repeatElement(0, count: Int((4 - data % 4) % 4)))
            withUnsafeBytes(of: check.littleEndian) { out.append(contentsOf: $0) }
            blocks.append((UInt64(blockHeaderSize) + data + 8, uncompressedSize))
        }
        return out + (try XZFraming.indexAndFooter(blocks))
    }
}

/// What frames the blocks of one .xz stream with CRC-64 checks, as `xz` writes: the stream header, and the index
/// of the blocks with the stream footer after it.
enum XZFraming {
    static var streamFlags: lzma_stream_flags {
        var flags = lzma_stream_flags()
        flags.version = 0
        flags.check = LZMA_CHECK_CRC64
        return flags
    }

    static func streamHeader() -> [UInt8] {
        var header = [UInt8](repeating: 0, count: Int(LZMA_STREAM_HEADER_SIZE))
        var flags = streamFlags
        // Cannot fail with version 0 and a supported check.
        _ = lzma_stream_header_encode(&flags, &header)
        return header
    }

    /// The index listing `blocks` (each block's size without padding, and its uncompressed size), then the footer.
    static func indexAndFooter(_ blocks: [(unpadded: UInt64, uncompressed: UInt64)]) throws -> [UInt8] {
        guard let index = lzma_index_init(nil) else {
            throw CompressionError(library: .liblzma, operation: "lzma_index_init", code: 0,
                                   message: "cannot allocate memory")
        }
        defer { lzma_index_end(index, nil) }
        for block in blocks {
            try lzmaCheck(lzma_index_append(index, nil, block.unpadded, block.uncompressed), "lzma_index_append")
        }
        let indexSize = Int(lzma_index_size(index))
        var out = [UInt8](repeating: 0, count: indexSize + Int(LZMA_STREAM_HEADER_SIZE))
        var position = 0
        try out.withUnsafeMutableBufferPointer { buffer in
            try lzmaCheck(lzma_index_buffer_encode(index, buffer.baseAddress!, &position, indexSize),
                          "lzma_index_buffer_encode")
            var flags = streamFlags
            flags.backward_size = UInt64(indexSize)
            try lzmaCheck(lzma_stream_footer_encode(&flags, buffer.baseAddress! + indexSize), "lzma_stream_footer_encode")
        }
        return out
    }
}
