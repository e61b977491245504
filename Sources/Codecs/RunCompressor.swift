import ByteIO
import CLZMAShim
import CZlibShim

/// Compresses a document of records as independent pieces, one per run of records: gzip members one after
/// another (gzip, zlib's `gzread` and so apt and libsolv read them as one file), or the blocks of one xz stream.
/// Given the file it replaces, each run whose bytes are unchanged is copied from it instead of compressed again,
/// so adding a few records to an index of thousands compresses only the runs they fall in. Where runs break
/// depends on the records alone (`runs(sizes:keys:)`), so the same records make the same bytes however the
/// document was built up.
public struct RunCompressor: Sendable {
    public let codec: Codec
    /// Compressed pieces of the previous file, by the plain bytes they hold.
    private var previous: [Plain: Piece] = [:]

    /// A run's plain bytes as a dictionary key: hashed by CRC-32, which zlib computes far faster than hashing
    /// byte by byte, and compared whole.
    private struct Plain: Hashable, Sendable {
        var bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            hasher.combine(bytes.count)
            hasher.combine(bytes.withUnsafeBufferPointer { CZlibShim.crc32(0, $0.baseAddress, UInt32($0.count)) })
        }
    }

    private struct Piece: Sendable {
        var bytes: ArraySlice<UInt8>
        /// For an xz block: its size without padding, as the stream's index records it.
        var unpadded = 0
    }

    /// - Parameter codec: gzip or xz.
    public init(codec: Codec) {
        self.codec = codec
    }

    /// Learns the pieces of `file`, a file of this codec, and returns the document it holds. Any valid file
    /// decodes; only pieces this compressor could have written are reused. A document larger than `limit` bytes
    /// is refused rather than held in memory.
    public mutating func learn(_ file: [UInt8], limit: Int = 1 << 30) throws -> [UInt8] {
        switch codec {
        case .gzip: return try learnGzip(file, limit: limit)
        case .xz: return try learnXZ(file, limit: limit)
        case .zstd: throw Self.notInRuns
        }
    }

    static let notInRuns = CompressionError(library: .libzstd, operation: "runs", code: 0, message: "runs are gzip or xz")

    /// The compressed file of `runs`, one piece each, in order.
    public func compress(_ runs: [[UInt8]]) throws -> [UInt8] {
        switch codec {
        case .gzip(let level): return try compressGzip(runs, level: level)
        case .xz(let preset, let extreme): return try compressXZ(runs, preset: UInt32(preset) | (extreme ? fp_LZMA_PRESET_EXTREME : 0))
        case .zstd: throw Self.notInRuns
        }
    }

    /// Runs of consecutive records, as index ranges: a run ends after a record with a chance proportional to its
    /// size, decided by a hash of its key, so runs average `target` bytes and a record added or removed changes
    /// only the run it is in.
    public static func runs(sizes: [Int], keys: [String], target: Int = 64 << 10) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for index in sizes.indices {
            // FNV-1a: stable across processes, unlike Swift's seeded hashing.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in keys[index].utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            if hash % UInt64(target) < UInt64(sizes[index]) || index == sizes.count - 1 {
                out.append(start..<(index + 1))
                start = index + 1
            }
        }
        return out
    }

    // MARK: gzip

    private mutating func learnGzip(_ file: [UInt8], limit: Int) throws -> [UInt8] {
        let sink = LimitedSink(limit: limit, library: .zlib)
        let decoder = try GzipDecoder(sink: sink)
        try file.withUnsafeBytes { try decoder.write($0) }
        try decoder.finish()
        let plain = sink.bytes
        var start = (input: 0, output: 0)
        for end in decoder.memberEnds {
            previous[Plain(bytes: Array(plain[start.output..<end.output]))] = Piece(bytes: file[start.input..<end.input])
            start = end
        }
        return plain
    }

    private func compressGzip(_ runs: [[UInt8]], level: Int) throws -> [UInt8] {
        // Nothing at all is still one member: an empty index is a valid gzip file. Runs are independent, so they
        // are compressed on every core.
        let pieces = try (runs.isEmpty ? [[]] : runs).concurrentMap { run -> [UInt8] in
            if let reused = previous[Plain(bytes: run)] { return Array(reused.bytes) }
            let sink = BufferSink()
            let encoder = try GzipEncoder(level: level, sink: sink)
            try run.withUnsafeBytes { try encoder.write($0) }
            try encoder.finish()
            return sink.bytes
        }
        var out: [UInt8] = []
        out.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        for piece in pieces { out += piece }
        return out
    }

    /// Collects decoded bytes up to a limit.
    private final class LimitedSink: ByteSink {
        private(set) var bytes: [UInt8] = []
        let limit: Int
        let library: CompressionError.Library

        init(limit: Int, library: CompressionError.Library) {
            self.limit = limit
            self.library = library
        }

        func write(_ chunk: UnsafeRawBufferPointer) throws {
            guard bytes.count + chunk.count <= limit else {
                throw CompressionError(library: library, operation: "decode", code: 0,
                                       message: "the document is larger than \(limit) bytes")
            }
            bytes.append(contentsOf: chunk)
        }
    }

    // MARK: xz

    private mutating func learnXZ(_ file: [UInt8], limit: Int) throws -> [UInt8] {
        let sink = LimitedSink(limit: limit, library: .liblzma)
        let decoder = try XZDecoder(sink: sink)
        try file.withUnsafeBytes { try decoder.write($0) }
        try decoder.finish()
        let plain = sink.bytes
        // The decoder checked every block against the index; the index says where each block lies.
        // Blocks are reused only from a stream framed as this one frames them (CRC-64 checks).
        guard file.starts(with: XZFraming.streamHeader()), let blocks = Self.blocks(of: file),
              blocks.reduce(0, { $0 + $1.plainSize }) == plain.count else { return plain }
        var offset = Int(LZMA_STREAM_HEADER_SIZE), plainOffset = 0
        for block in blocks {
            let total = (block.unpadded + 3) & ~3
            guard offset + total <= file.count else { return plain }
            previous[Plain(bytes: Array(plain[plainOffset..<(plainOffset + block.plainSize)]))] =
                Piece(bytes: file[offset..<(offset + total)], unpadded: block.unpadded)
            offset += total
            plainOffset += block.plainSize
        }
        return plain
    }

    /// The blocks a single-stream xz file lists in its index, or nil for any other layout.
    private static func blocks(of file: [UInt8]) -> [(unpadded: Int, plainSize: Int)]? {
        guard file.count >= 32, Array(file[(file.count - 2)...]) == [0x59, 0x5A] else { return nil }
        let footer = file.count - 12
        let stored = Int(file[footer + 4]) | (Int(file[footer + 5]) << 8) | (Int(file[footer + 6]) << 16) | (Int(file[footer + 7]) << 24)
        let backward = (stored + 1) * 4
        var at = footer - backward
        guard at >= 12, file[at] == 0 else { return nil }
        at += 1
        func vli() -> Int? {
            var value = 0, shift = 0
            while at < footer, shift < 63 {
                let byte = file[at]
                at += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        guard let count = vli() else { return nil }
        var out: [(unpadded: Int, plainSize: Int)] = []
        for _ in 0..<count {
            guard let unpadded = vli(), let size = vli() else { return nil }
            out.append((unpadded, size))
        }
        return out
    }

    private func compressXZ(_ runs: [[UInt8]], preset: UInt32) throws -> [UInt8] {
        var options = lzma_options_lzma()
        guard lzma_lzma_preset(&options, preset) == 0 else {
            throw CompressionError(library: .liblzma, operation: "lzma_lzma_preset", code: 0, message: "preset \(preset) is not supported")
        }
        // Plain values only (no preset dictionary): each thread takes its own copy.
        nonisolated(unsafe) let base = options
        let blocks = try runs.filter { !$0.isEmpty }.concurrentMap { run -> (bytes: [UInt8], unpadded: Int, plainSize: Int) in
            if let reused = previous[Plain(bytes: run)] { return (Array(reused.bytes), reused.unpadded, run.count) }
            // A dictionary no larger than the run: the same output, without allocating the preset's 8 MiB.
            var sized = base
            sized.dict_size = min(base.dict_size, max(4096, UInt32(1) << UInt32(Int.bitWidth - (run.count - 1).leadingZeroBitCount)))
            let (block, unpadded) = try withUnsafeMutablePointer(to: &sized) { try Self.encodeBlock(run, options: $0) }
            return (block, unpadded, run.count)
        }
        var out = XZFraming.streamHeader()
        for block in blocks { out += block.bytes }
        return out + (try XZFraming.indexAndFooter(blocks.map { (UInt64($0.unpadded), UInt64($0.plainSize)) }))
    }

    /// One block: header, LZMA2 data, padding and CRC64; and its unpadded size, as the index records it.
    private static func encodeBlock(_ run: [UInt8], options: UnsafeMutablePointer<lzma_options_lzma>) throws -> ([UInt8], Int) {
        var filters = [lzma_filter(id: fp_LZMA_FILTER_LZMA2, options: UnsafeMutableRawPointer(options)),
                       lzma_filter(id: fp_LZMA_VLI_UNKNOWN, options: nil)]
        var block = lzma_block()
        block.version = 0
        block.check = LZMA_CHECK_CRC64
        var output = [UInt8](repeating: 0, count: lzma_block_buffer_bound(run.count))
        var written = 0
        let rc = filters.withUnsafeMutableBufferPointer { filters -> lzma_ret in
            block.filters = filters.baseAddress
            return run.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    lzma_block_buffer_encode(&block, nil, input.baseAddress, input.count, out.baseAddress, &written, out.count)
                }
            }
        }
        try lzmaCheck(rc, "lzma_block_buffer_encode")
        let unpadded = Int(lzma_block_unpadded_size(&block))
        output.removeSubrange(written...)
        return (output, unpadded)
    }
}
