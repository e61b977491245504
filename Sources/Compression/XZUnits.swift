import CLZMAShim

/// Each unit is one block of a single .xz stream: block header with both sizes (so multithreaded decoders
/// can split the work), raw LZMA2 data, padding and CRC64. The trailer is the index of all blocks and the
/// stream footer; dpkg rejects concatenated xz streams but reads blocks.
final class XZUnits: UnitFormat {
    private let handle = LZMAHandle()
    private let options: UnsafeMutablePointer<lzma_options_lzma>
    private let filters: UnsafeMutablePointer<lzma_filter>
    private var index: OpaquePointer?

    init(preset: Int, extreme: Bool) throws {
        options = .allocate(capacity: 1)
        options.initialize(to: lzma_options_lzma())
        filters = .allocate(capacity: 2)
        filters.initialize(repeating: lzma_filter(), count: 2)
        filters[0] = lzma_filter(id: fp_LZMA_FILTER_LZMA2, options: UnsafeMutableRawPointer(options))
        filters[1] = lzma_filter(id: fp_LZMA_VLI_UNKNOWN, options: nil)
        index = lzma_index_init(nil)
        let flags = UInt32(preset) | (extreme ? fp_LZMA_PRESET_EXTREME : 0)
        if lzma_lzma_preset(options, flags) != 0 {
            throw CompressionError(library: .liblzma, operation: "lzma_lzma_preset", code: 0,
                                   message: "unsupported preset \(preset)")
        }
        if index == nil {
            throw CompressionError(library: .liblzma, operation: "lzma_index_init", code: 0,
                                   message: "cannot allocate memory")
        }
    }

    deinit {
        handle.close()
        if let index { lzma_index_end(index, nil) }
        options.deallocate()
        filters.deallocate()
    }

    var emptyStreamNeedsUnit: Bool { false }

    private var streamFlags: lzma_stream_flags {
        var flags = lzma_stream_flags()
        flags.version = 0
        flags.check = LZMA_CHECK_CRC64
        return flags
    }

    func streamHeader() -> [UInt8] {
        var header = [UInt8](repeating: 0, count: Int(LZMA_STREAM_HEADER_SIZE))
        var flags = streamFlags
        // Cannot fail with version 0 and a supported check.
        _ = lzma_stream_header_encode(&flags, &header)
        return header
    }

    func compress(_ input: UnitInput) throws -> CompressedUnit {
        try lzmaCheck(lzma_raw_encoder(handle.stream, filters), "lzma_raw_encoder")
        let data = BufferSink(reservingCapacity: input.outputCapacity)
        var crc: UInt64 = 0
        try input.forEachChunk { chunk in
            crc = lzma_crc64(chunk.baseAddress?.assumingMemoryBound(to: UInt8.self), chunk.count, crc)
            try handle.code(chunk, action: LZMA_RUN, into: data, operation: "lzma_code (block)")
        }
        try handle.code(UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH, into: data,
                        operation: "lzma_code (block)")

        var block = lzma_block()
        block.version = 0
        block.check = LZMA_CHECK_CRC64
        block.filters = filters
        block.compressed_size = UInt64(data.bytes.count)
        block.uncompressed_size = input.length
        try lzmaCheck(lzma_block_header_size(&block), "lzma_block_header_size")
        var header = [UInt8](repeating: 0, count: Int(block.header_size))
        try lzmaCheck(lzma_block_header_encode(&block, &header), "lzma_block_header_encode")
        var trailer = [UInt8](repeating: 0, count: (4 - data.bytes.count % 4) % 4)
        withUnsafeBytes(of: crc.littleEndian) { trailer.append(contentsOf: $0) }
        return CompressedUnit(prefix: header, bytes: data.bytes, suffix: trailer, uncompressedSize: input.length,
                              unpaddedSize: lzma_block_unpadded_size(&block))
    }

    func append(_ unit: CompressedUnit) throws {
        try lzmaCheck(lzma_index_append(index, nil, unit.unpaddedSize, unit.uncompressedSize), "lzma_index_append")
    }

    func streamTrailer() throws -> [UInt8] {
        let indexSize = Int(lzma_index_size(index))
        var out = [UInt8](repeating: 0, count: indexSize + Int(LZMA_STREAM_HEADER_SIZE))
        var position = 0
        try lzmaCheck(lzma_index_buffer_encode(index, &out, &position, indexSize), "lzma_index_buffer_encode")
        var flags = streamFlags
        flags.backward_size = UInt64(indexSize)
        _ = try out.withUnsafeMutableBufferPointer { buffer in
            try lzmaCheck(lzma_stream_footer_encode(&flags, buffer.baseAddress! + indexSize), "lzma_stream_footer_encode")
        }
        return out
    }
}
