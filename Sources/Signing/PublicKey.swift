import Crypto
import _CryptoExtras
import Foundation

/// The public half of a version 4 key (RFC 4880 section 5.5.2): when it was made, its algorithm and numbers.
public struct PublicKey: Hashable, Sendable {
    public enum Material: Hashable, Sendable {
        /// Algorithm 1.
        case rsa(n: [UInt8], e: [UInt8])
        /// Algorithm 22, "legacy" EdDSA over Ed25519: the 32-byte point.
        case ed25519(point: [UInt8])
    }

    /// The OID of Ed25519 in legacy EdDSA keys (1.3.6.1.4.1.11591.15.1).
    static let ed25519OID: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01]

    public var created: UInt32
    public var material: Material

    public init(created: UInt32, material: Material) {
        self.created = created
        self.material = material
    }

    public var algorithm: UInt8 {
        switch material {
        case .rsa: 1
        case .ed25519: 22
        }
    }

    /// The packet body: version, creation time, algorithm, public numbers.
    public var body: [UInt8] {
        var out: [UInt8] = [4] + created.bigEndianBytes + [algorithm]
        switch material {
        case .rsa(let n, let e):
            out += mpi(n) + mpi(e)
        case .ed25519(let point):
            out += [UInt8(Self.ed25519OID.count)] + Self.ed25519OID + mpi([0x40] + point)
        }
        return out
    }

    /// SHA-1 of 0x99, the body's length and the body (section 12.2): what names the key.
    public var fingerprint: [UInt8] { Array(Insecure.SHA1.hash(data: hashedForm)) }

    public var fingerprintHex: String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: fingerprint.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    /// The low 64 bits of the fingerprint.
    public var keyID: [UInt8] { Array(fingerprint.suffix(8)) }
    public var keyIDHex: String { keyID.map { String(format: "%02X", $0) }.joined() }

    /// What signature packets and tools call the algorithm.
    public var algorithmName: String {
        switch material {
        case .rsa: "RSA-\(bits)"
        case .ed25519: "Ed25519"
        }
    }

    /// Reads the public part of a key packet's body; `reader` is left after it.
    static func read(_ reader: inout BodyReader) throws -> PublicKey {
        let version = try reader.byte()
        guard version == 4 else {
            throw OpenPGPError.unsupported("a version \(version) key (falcopack reads version 4 keys; v6 keys are not supported)")
        }
        let created = try reader.uint32()
        let algorithm = try reader.byte()
        switch algorithm {
        case 1, 3:
            return PublicKey(created: created, material: .rsa(n: try reader.mpi(), e: try reader.mpi()))
        case 22:
            let oidLength = Int(try reader.byte())
            let oid = try reader.take(oidLength)
            guard oid == ed25519OID else { throw OpenPGPError.unsupported("an EdDSA key on a curve other than Ed25519") }
            let point = try reader.mpi()
            guard point.count == 33, point[0] == 0x40 else { throw OpenPGPError.malformed("an Ed25519 point that is not 0x40 and 32 bytes") }
            return PublicKey(created: created, material: .ed25519(point: Array(point.dropFirst())))
        case 19:
            throw OpenPGPError.unsupported("an ECDSA (NIST curve) key; use RSA or Ed25519")
        case 18:
            throw OpenPGPError.unsupported("an ECDH key, which encrypts and cannot sign")
        case 17:
            throw OpenPGPError.unsupported("a DSA key; use RSA or Ed25519")
        case 27, 28:
            throw OpenPGPError.unsupported("a version 6 Ed25519/Ed448 key; use a version 4 key")
        default:
            throw OpenPGPError.unsupported("public-key algorithm \(algorithm); use RSA or Ed25519")
        }
    }

    /// Checks a signature made by this key over `digest`.
    public func verify(_ digest: Digested, _ values: [[UInt8]]) -> Bool {
        Checker(self).verify(digest, values)
    }

    /// Whether `id`, a key ID (the fingerprint's last 8 bytes) or a whole fingerprint, names the key whose
    /// fingerprint is `fingerprint`.
    static func isNamed(by id: [UInt8], fingerprint: [UInt8]) -> Bool {
        id.count == 8 ? fingerprint.suffix(8).elementsEqual(id) : fingerprint == id
    }

    /// The library's key, made once for a key that checks many signatures: its Montgomery form is computed at
    /// its first check rather than at every one.
    struct Checker: Sendable {
        private let rsa: _RSA.Signing.PublicKey?
        private let ed25519: [UInt8]?

        init(_ key: PublicKey) {
            switch key.material {
            case .rsa(let n, let e):
                rsa = try? _RSA.Signing.PublicKey(n: n, e: e)
                ed25519 = nil
            case .ed25519(let point):
                rsa = nil
                ed25519 = point
            }
        }

        func verify(_ digest: Digested, _ values: [[UInt8]]) -> Bool {
            if let rsa {
                guard values.count == 1 else { return false }
                let raw = _RSA.Signing.RSASignature(rawRepresentation: padded(values[0], to: (rsa.keySizeInBits + 7) / 8))
                switch digest {
                case .sha1(let value): return rsa.isValidSignature(raw, for: value, padding: .insecurePKCS1v1_5)
                case .sha256(let value): return rsa.isValidSignature(raw, for: value, padding: .insecurePKCS1v1_5)
                case .sha384(let value): return rsa.isValidSignature(raw, for: value, padding: .insecurePKCS1v1_5)
                case .sha512(let value): return rsa.isValidSignature(raw, for: value, padding: .insecurePKCS1v1_5)
                }
            }
            guard let ed25519, values.count == 2, values.allSatisfy({ $0.count <= 32 }),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: ed25519) else { return false }
            return key.isValidSignature(padded(values[0], to: 32) + padded(values[1], to: 32), for: digest.bytes)
        }
    }

    /// The key packet's framing as hashed into signatures over it (section 5.2.4): 0x99, a 2-byte length, the body.
    var hashedForm: [UInt8] {
        let body = self.body
        return [0x99, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    /// The key size in bits: the modulus for RSA.
    public var bits: Int {
        switch material {
        case .rsa(let n, _):
            let trimmed = n.drop { $0 == 0 }
            return trimmed.isEmpty ? 0 : trimmed.count * 8 - Int(trimmed.first!.leadingZeroBitCount)
        case .ed25519: return 256
        }
    }
}
