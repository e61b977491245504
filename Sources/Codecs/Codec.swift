import CLZMAShim

/// A compression codec and its level, as `--compression` spells it: `xz`, `xz:9`, `xz:9e`, `gzip:6`, `zstd:19`.
public enum Codec: Hashable, Sendable, CustomStringConvertible {
    /// zlib deflate in gzip framing, level 1-9.
    case gzip(level: Int)
    /// liblzma preset 0-9, optionally extreme, CRC64 check.
    case xz(preset: Int, extreme: Bool)
    /// libzstd level 1-19.
    case zstd(level: Int)

    public static let defaultGzip = Codec.gzip(level: 9)
    public static let defaultXZ = Codec.xz(preset: 6, extreme: false)
    public static let defaultZstd = Codec.zstd(level: 19)

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let text: String
        public let reason: String
        public var description: String { "compression '\(text)': \(reason)" }
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let level = parts.count > 1 ? String(parts[1]) : nil
        func number(_ text: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(text), range.contains(value) else {
                throw ParseError(
                    text: text, reason: "level must be \(range.lowerBound)-\(range.upperBound) for \(name)")
            }
            return value
        }
        switch name {
        case "gzip", "gz":
            self = .gzip(level: try level.map { try number($0, 1...9) } ?? 9)
        case "xz":
            guard var level else { self = .defaultXZ; return }
            let extreme = level.hasSuffix("e")
            if extreme { level.removeLast() }
            self = .xz(preset: try number(level, 0...9), extreme: extreme)
        case "zstd", "zst":
            self = .zstd(level: try level.map { try number($0, 1...19) } ?? 19)
        default:
            throw ParseError(text: text, reason: "unknown codec '\(name)' (use xz, gzip or zstd, optionally :LEVEL)")
        }
    }

    public var description: String {
        switch self {
        case .gzip(let level): "gzip:\(level)"
        case .xz(let preset, let extreme): "xz:\(preset)\(extreme ? "e" : "")"
        case .zstd(let level): "zstd:\(level)"
        }
    }

    /// The file-name suffix: `gz`, `xz`, `zst`.
    public var fileExtension: String {
        switch self {
        case .gzip: "gz"
        case .xz: "xz"
        case .zstd: "zst"
        }
    }

    /// How many uncompressed bytes one unit of the block compressor holds at most: several times the codec's
    /// window, so cutting costs little ratio, yet bounded so memory stays bounded. xz cuts where its own
    /// multithreaded encoder does (three dictionaries); zstd at four level-19 windows; deflate's window is
    /// 32 KiB, so 4 MiB units cost it nothing measurable.
    public var unitSize: Int {
        switch self {
        case .gzip:
            return 4 << 20
        case .xz(let preset, let extreme):
            return min(max(3 * Self.xzDictionarySize(preset: preset, extreme: extreme), 1 << 20), 64 << 20)
        case .zstd:
            return 32 << 20
        }
    }

    /// How many bytes before a unit cut from a file its encoder reads as dictionary, so the cut costs less
    /// ratio. Only xz can: its units are runs of LZMA2 chunks in one block, and a chunk may reset the coder
    /// state yet keep the dictionary the decoder has built. Loading the dictionary costs match-finder time that
    /// grows faster than its length; one MiB at `-6` takes 0.13 s per cut and gets back about half of what a
    /// cut costs (2 MiB takes 0.31 s for two thirds). gzip members and zstd frames are decoded alone.
    public var preloadSize: Int {
        switch self {
        case .xz(let preset, let extreme):
            return min(Self.xzDictionarySize(preset: preset, extreme: extreme), 1 << 20)
        case .gzip, .zstd:
            return 0
        }
    }

    /// The LZMA2 dictionary of an xz preset, as liblzma defines it (8 MiB at `-6`).
    private static func xzDictionarySize(preset: Int, extreme: Bool) -> Int {
        var options = lzma_options_lzma()
        let flags = UInt32(preset) | (extreme ? fp_LZMA_PRESET_EXTREME : 0)
        return lzma_lzma_preset(&options, flags) == 0 ? Int(options.dict_size) : 8 << 20
    }
}
