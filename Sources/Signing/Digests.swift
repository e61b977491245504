import Crypto

/// The hash algorithms of OpenPGP signatures (RFC 4880 section 9.4) falcopack reads. It signs with SHA-256 and
/// certifies keys with SHA-512; SHA-1 is read only to check what older keys were certified with.
public enum HashAlgorithm: UInt8, Sendable {
    case sha1 = 2
    case sha256 = 8
    case sha384 = 9
    case sha512 = 10

    public var name: String {
        switch self {
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        }
    }
}

/// A running hash of any of those algorithms.
public struct Digester {
    private enum State {
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
    }

    private var state: State
    public let algorithm: HashAlgorithm

    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        case .sha384: state = .sha384(SHA384())
        case .sha512: state = .sha512(SHA512())
        }
    }

    /// Continues a SHA-256 already fed with the data (a file hashed as it was written).
    public init(continuing hasher: SHA256) {
        algorithm = .sha256
        state = .sha256(hasher)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .sha1(var hasher): hasher.update(bufferPointer: bytes); state = .sha1(hasher)
        case .sha256(var hasher): hasher.update(bufferPointer: bytes); state = .sha256(hasher)
        case .sha384(var hasher): hasher.update(bufferPointer: bytes); state = .sha384(hasher)
        case .sha512(var hasher): hasher.update(bufferPointer: bytes); state = .sha512(hasher)
        }
    }

    public func finalize() -> Digested {
        switch state {
        case .sha1(let hasher): .sha1(hasher.finalize())
        case .sha256(let hasher): .sha256(hasher.finalize())
        case .sha384(let hasher): .sha384(hasher.finalize())
        case .sha512(let hasher): .sha512(hasher.finalize())
        }
    }
}

/// A finished digest, typed, as RSA signing and verification need it.
public enum Digested {
    case sha1(Insecure.SHA1Digest)
    case sha256(SHA256Digest)
    case sha384(SHA384Digest)
    case sha512(SHA512Digest)

    public var bytes: [UInt8] {
        switch self {
        case .sha1(let digest): Array(digest)
        case .sha256(let digest): Array(digest)
        case .sha384(let digest): Array(digest)
        case .sha512(let digest): Array(digest)
        }
    }

    public var algorithm: HashAlgorithm {
        switch self {
        case .sha1: .sha1
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        }
    }
}
