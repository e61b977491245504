import ByteIO
import Codecs

/// Compresses a segment stream into one stream made of independently compressed units: gzip members, zstd
/// frames, or runs of LZMA2 chunks in the one block of a single xz stream (see FORMATS.md section 6 for which
/// readers accept which joins, and `XZUnits` for how xz units keep the dictionary across a cut).
///
/// Where units are cut depends only on the segments: a content segment of `largeContentThreshold` bytes or
/// more is cut from the literal run around it and split every `unitSize` bytes from its start, so a unit is
/// either a run of this artifact's literal bytes or a range of one file (with, for xz, the bytes of that file
/// just before it as dictionary: `Codec.preloadSize`). Smaller files join the literal run, which is cut every
/// `literalRunSize` bytes. Same segments, same bytes, whatever the number of threads.
///
/// Units are compressed by a `UnitEngine`, several at once when it has more than one job; they are written in
/// order as they finish, with at most `engine.window` submitted and not yet written.
public final class BlockCompressor: SegmentSink {
    public static let largeContentThreshold: UInt64 = 1 << 20
    /// Literal runs are held in memory until compressed, so they are cut sooner than file ranges.
    public static let maximumLiteralRun = 8 << 20

    public let codec: Codec
    public let unitSize: Int
    public let literalRunSize: Int
    private let sink: ByteSink
    private let format: UnitFormat
    private var literalRun: [UInt8] = []
    private var unitCount = 0
    private var started = false
    private let engine: UnitEngine
    private var pending: [UnitFuture] = []

    public init(codec: Codec, sink: ByteSink, unitSize: Int? = nil, engine: UnitEngine = .serial) throws {
        self.codec = codec
        self.unitSize = unitSize ?? codec.unitSize
        precondition(self.unitSize > 0, "unit size must be positive")
        literalRunSize = min(self.unitSize, Self.maximumLiteralRun)
        self.sink = sink
        self.engine = engine
        format = try codec.makeUnitFormat()
    }

    /// How many units have been written so far.
    public var units: Int { unitCount }

    public func literal(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let take = min(rest.count, literalRunSize - literalRun.count)
            literalRun.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
            if literalRun.count == literalRunSize {
                try flushLiteralRun()
            }
        }
    }

    public func content(_ file: FileContent) throws {
        guard file.size >= Self.largeContentThreshold else {
            try file.forEachChunk { try literal($0) }
            return
        }
        try flushLiteralRun()
        var offset: UInt64 = 0
        while offset < file.size {
            let length = min(UInt64(unitSize), file.size - offset)
            try emit(.file(file, offset: offset, length: length, preload: min(offset, UInt64(codec.preloadSize))))
            offset += length
        }
    }

    /// Writes the last literal run and the stream's trailer.
    public func finish() throws {
        try flushLiteralRun()
        if unitCount + pending.count == 0 && format.emptyStreamNeedsUnit {
            try emit(.bytes([]))
        }
        while !pending.isEmpty { try writeFirstPending() }
        try startIfNeeded()
        try sink.write(try format.streamTrailer())
    }

    private func flushLiteralRun() throws {
        guard !literalRun.isEmpty else { return }
        try emit(.bytes(literalRun))
        literalRun.removeAll(keepingCapacity: true)
    }

    private func emit(_ input: UnitInput) throws {
        try startIfNeeded()
        pending.append(engine.submit(input, codec: codec))
        while pending.count >= engine.window { try writeFirstPending() }
    }

    private func writeFirstPending() throws {
        let unit = try pending.removeFirst().wait()
        try sink.write(try format.append(unit))
        try sink.write(unit.bytes)
        unitCount += 1
    }

    private func startIfNeeded() throws {
        guard !started else { return }
        started = true
        try sink.write(format.streamHeader())
    }
}
