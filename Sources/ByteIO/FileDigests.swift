import Crypto
import Dispatch

/// The digests formats need of one file: SHA-256 (rpm file digests and the block compressor's content key),
/// MD5 (deb `md5sums`) and SHA-1 (SPDX file checksums), computed in a single read. MD5 and SHA-1 are nil for
/// files only ever read back whole, such as a compressed member on its way into the ar archive.
public struct FileDigests: Hashable, Sendable {
    public let size: UInt64
    public let sha256: [UInt8]
    public let md5: [UInt8]?
    public let sha1: [UInt8]?

    public init(size: UInt64, sha256: [UInt8], md5: [UInt8]?, sha1: [UInt8]? = nil) {
        self.size = size
        self.sha256 = sha256
        self.md5 = md5
        self.sha1 = sha1
    }

    public var sha256Hex: String { sha256.hexString }
    public var md5Hex: String? { md5?.hexString }
    public var sha1Hex: String? { sha1?.hexString }

    /// Reads `path` once; each full chunk is hashed on two cores at once (SHA-256 and SHA-1 on one, MD5 on the
    /// other), so a large file costs its slower half rather than the sum.
    public static func compute(path: String) throws -> FileDigests {
        let hasher = Hasher()
        try FileReader(path: path).forEachChunk { chunk in
            if chunk.count == FileReader.chunkSize {
                // The reader's buffer outlives both updates: concurrentPerform returns when they are done.
                nonisolated(unsafe) let bytes = chunk
                DispatchQueue.concurrentPerform(iterations: 2) { hasher.update(bytes, part: $0) }
            } else {
                hasher.update(chunk)
            }
        }
        return hasher.finalize()
    }

    public static func compute(bytes: [UInt8]) -> FileDigests {
        let hasher = Hasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    /// SHA-256 with SHA-1, and MD5, as two independent parts, so a chunk's two updates may run on two threads;
    /// each part is only ever touched by one of them.
    private final class Hasher: @unchecked Sendable {
        private var sha256 = SHA256()
        private var sha1 = Insecure.SHA1()
        private var md5 = Insecure.MD5()
        private var size: UInt64 = 0

        func update(_ bytes: UnsafeRawBufferPointer) {
            update(bytes, part: 0)
            update(bytes, part: 1)
        }

        func update(_ bytes: UnsafeRawBufferPointer, part: Int) {
            if part == 0 {
                sha256.update(bufferPointer: bytes)
                sha1.update(bufferPointer: bytes)
                size += UInt64(bytes.count)
            } else {
                md5.update(bufferPointer: bytes)
            }
        }

        func finalize() -> FileDigests {
            FileDigests(size: size, sha256: Array(sha256.finalize()), md5: Array(md5.finalize()),
                        sha1: Array(sha1.finalize()))
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
