import Crypto

/// The digests every format needs of one file, computed in a single read: SHA-256 (rpm file digests and the
/// block compressor's content key), SHA-1 and MD5 (deb `md5sums`, rpm signature header).
public struct FileDigests: Hashable, Sendable {
    public let size: UInt64
    public let sha256: [UInt8]
    public let sha1: [UInt8]
    public let md5: [UInt8]

    public init(size: UInt64, sha256: [UInt8], sha1: [UInt8], md5: [UInt8]) {
        self.size = size
        self.sha256 = sha256
        self.sha1 = sha1
        self.md5 = md5
    }

    public var sha256Hex: String { sha256.hexString }
    public var sha1Hex: String { sha1.hexString }
    public var md5Hex: String { md5.hexString }

    /// Reads `path` once and hashes it three ways.
    public static func compute(path: String) throws -> FileDigests {
        var hasher = Hasher()
        try FileReader(path: path).forEachChunk { hasher.update($0) }
        return hasher.finalize()
    }

    public static func compute(bytes: [UInt8]) -> FileDigests {
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    /// Incremental hashing, for bytes that stream through a writer.
    public struct Hasher {
        private var sha256 = SHA256()
        private var sha1 = Insecure.SHA1()
        private var md5 = Insecure.MD5()
        private var size: UInt64 = 0

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            sha256.update(bufferPointer: bytes)
            sha1.update(bufferPointer: bytes)
            md5.update(bufferPointer: bytes)
            size += UInt64(bytes.count)
        }

        public func finalize() -> FileDigests {
            FileDigests(
                size: size, sha256: Array(sha256.finalize()), sha1: Array(sha1.finalize()),
                md5: Array(md5.finalize()))
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, as rpm and md5sums write digests.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
