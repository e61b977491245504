/// A version 4 signature packet (RFC 4880 section 5.2.3): what it signs, who made it and when, and the numbers.
public struct Signature: Hashable, Sendable {
    /// Signature types falcopack writes or reads (section 5.2.1).
    public enum Kind: UInt8, Sendable {
        case binary = 0x00
        case text = 0x01
        case genericCertification = 0x10
        case personaCertification = 0x11
        case casualCertification = 0x12
        case positiveCertification = 0x13
        case subkeyBinding = 0x18
        case primaryKeyBinding = 0x19
        case directKey = 0x1F
        case keyRevocation = 0x20
        case subkeyRevocation = 0x28
        case certificationRevocation = 0x30
    }

    /// One subpacket (section 5.2.3.1).
    public struct Subpacket: Hashable, Sendable {
        public enum Kind: UInt8, Sendable {
            case creationTime = 2
            case signatureExpiration = 3
            case keyExpiration = 9
            case preferredSymmetric = 11
            case issuer = 16
            case preferredHash = 21
            case preferredCompression = 22
            case primaryUserID = 25
            case keyFlags = 27
            case features = 30
            case embeddedSignature = 32
            case issuerFingerprint = 33
        }

        public var type: UInt8
        public var critical: Bool
        public var data: [UInt8]

        public init(_ kind: Kind, _ data: [UInt8], critical: Bool = false) {
            type = kind.rawValue
            self.critical = critical
            self.data = data
        }

        init(type: UInt8, critical: Bool, data: [UInt8]) {
            self.type = type
            self.critical = critical
            self.data = data
        }

        var bytes: [UInt8] {
            let length = data.count + 1
            var out: [UInt8]
            if length < 192 {
                out = [UInt8(length)]
            } else if length < 8384 {
                out = [UInt8((length - 192) >> 8 + 192), UInt8((length - 192) & 0xFF)]
            } else {
                out = [0xFF] + UInt32(length).bigEndianBytes
            }
            return out + [type | (critical ? 0x80 : 0)] + data
        }

        static func parse(_ area: [UInt8]) throws -> [Subpacket] {
            var reader = BodyReader(area)
            var out: [Subpacket] = []
            while !reader.atEnd {
                let first = Int(try reader.byte())
                var length: Int
                if first < 192 {
                    length = first
                } else if first < 255 {
                    length = ((first - 192) << 8) + Int(try reader.byte()) + 192
                } else {
                    length = Int(try reader.uint32())
                }
                guard length >= 1 else { throw OpenPGPError.malformed("an empty signature subpacket") }
                let type = try reader.byte()
                out.append(Subpacket(type: type & 0x7F, critical: type & 0x80 != 0, data: try reader.take(length - 1)))
            }
            return out
        }
    }

    public var type: UInt8
    public var algorithm: UInt8
    public var hash: UInt8
    public var hashed: [Subpacket]
    public var unhashed: [Subpacket]
    /// The first two bytes of the digest, a quick check before the real one.
    public var left16: [UInt8]
    /// The signature's numbers: `s` for RSA, `r` and `s` for EdDSA.
    public var values: [[UInt8]]

    public init(type: Kind, algorithm: UInt8, hash: HashAlgorithm, hashed: [Subpacket], unhashed: [Subpacket],
                left16: [UInt8] = [0, 0], values: [[UInt8]] = []) {
        self.type = type.rawValue
        self.algorithm = algorithm
        self.hash = hash.rawValue
        self.hashed = hashed
        self.unhashed = unhashed
        self.left16 = left16
        self.values = values
    }

    public var kind: Kind? { Kind(rawValue: type) }
    public var hashAlgorithm: HashAlgorithm? { HashAlgorithm(rawValue: hash) }

    private var hashedArea: [UInt8] { hashed.flatMap(\.bytes) }

    /// What follows the signed data in the hash (section 5.2.4): the signature's fields up to the hashed
    /// subpackets, then `04 FF` and their length.
    public var trailer: [UInt8] {
        let area = hashedArea
        let front: [UInt8] = [4, type, algorithm, hash, UInt8(area.count >> 8), UInt8(area.count & 0xFF)] + area
        return front + [4, 0xFF] + UInt32(front.count).bigEndianBytes
    }

    public var body: [UInt8] {
        let area = hashedArea
        let other = unhashed.flatMap(\.bytes)
        var out: [UInt8] = [4, type, algorithm, hash, UInt8(area.count >> 8), UInt8(area.count & 0xFF)] + area
        out += [UInt8(other.count >> 8), UInt8(other.count & 0xFF)] + other
        out += left16
        for value in values { out += mpi(value) }
        return out
    }

    public var packet: Packet { Packet(.signature, body) }

    public static func parse(_ body: [UInt8]) throws -> Signature {
        var reader = BodyReader(body)
        let version = try reader.byte()
        guard version == 4 else {
            throw OpenPGPError.unsupported("a version \(version) signature (falcopack reads version 4)")
        }
        let type = try reader.byte()
        let algorithm = try reader.byte()
        let hash = try reader.byte()
        let hashed = try Subpacket.parse(try reader.take(try reader.uint16()))
        let unhashed = try Subpacket.parse(try reader.take(try reader.uint16()))
        let left16 = try reader.take(2)
        var values: [[UInt8]] = []
        switch algorithm {
        case 1, 3: values = [try reader.mpi()]
        case 17, 19, 22: values = [try reader.mpi(), try reader.mpi()]
        default: break
        }
        var signature = Signature(type: .binary, algorithm: algorithm, hash: .sha256, hashed: hashed, unhashed: unhashed,
                                  left16: left16, values: values)
        signature.type = type
        signature.hash = hash
        return signature
    }

    private func first(_ kind: Subpacket.Kind, hashedOnly: Bool = true) -> [UInt8]? {
        (hashedOnly ? hashed : hashed + unhashed).first { $0.type == kind.rawValue }?.data
    }

    /// When it was made: only a hashed creation time counts.
    public var created: UInt32? {
        first(.creationTime).flatMap { $0.count == 4 ? UInt32(bigEndian: $0[...]) : nil }
    }

    /// The issuer's key ID, from either area, or from the issuer fingerprint.
    public var issuerKeyID: [UInt8]? {
        if let id = first(.issuer, hashedOnly: false), id.count == 8 { return id }
        return issuerFingerprint.map { Array($0.suffix(8)) }
    }

    public var issuerFingerprint: [UInt8]? {
        guard let data = first(.issuerFingerprint, hashedOnly: false), data.count == 21, data[0] == 4 else { return nil }
        return Array(data.dropFirst())
    }

    /// Seconds after the key's creation that the key expires; nil or 0 for never.
    public var keyExpiration: UInt32? {
        first(.keyExpiration).flatMap { $0.count == 4 ? UInt32(bigEndian: $0[...]) : nil }
    }

    /// Seconds after this signature's creation that it expires.
    public var signatureExpiration: UInt32? {
        first(.signatureExpiration).flatMap { $0.count == 4 ? UInt32(bigEndian: $0[...]) : nil }
    }

    public var keyFlags: UInt8? { first(.keyFlags)?.first }

    /// A critical subpacket of a type falcopack does not know makes the signature invalid (section 5.2.3.1).
    public var hasUnknownCriticalSubpacket: Bool {
        hashed.contains { $0.critical && Subpacket.Kind(rawValue: $0.type) == nil }
    }

    /// The embedded back signature of a signing subkey's binding.
    public var embedded: Signature? {
        first(.embeddedSignature, hashedOnly: false).flatMap { try? Signature.parse($0) }
    }
}

extension Signature {
    /// The algorithm names rpm and gpg print.
    public static func algorithmName(_ algorithm: UInt8) -> String {
        switch algorithm {
        case 1, 3: "RSA"
        case 17: "DSA"
        case 19: "ECDSA"
        case 22: "EdDSA"
        default: "algorithm \(algorithm)"
        }
    }
}
