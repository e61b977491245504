import Crypto
import _CryptoExtras
import Foundation

/// Makes a new signing key: one primary key that certifies and signs, like Falco's own, with one user ID and a
/// positive self-certification over it in SHA-512 (Sequoia refuses SHA-1 bindings), stating key flags, preferences
/// and, when asked, a lifetime.
public enum KeyGeneration {
    public enum Algorithm: String, CaseIterable, Sendable {
        case rsa4096, rsa3072, ed25519
    }

    public struct Generated: Sendable {
        public var certificate: Certificate
        public var key: UnlockedKey

        /// The secret key as `gpg --export-secret-keys --armor` writes one; locked when a passphrase is given.
        public func armoredSecretKey(passphrase: [UInt8]?) throws -> String {
            var packets = [Packet(.secretKey, try key.secretKeyBody(passphrase: passphrase))]
            for userID in certificate.userIDs {
                packets.append(Packet(.userID, userID.value))
                packets += userID.signatures.map(\.packet)
            }
            return Armor.encode(packets.flatMap(\.bytes), as: .privateKey)
        }
    }

    /// - Parameters:
    ///   - created: the key's creation time, seconds since the epoch.
    ///   - lifetime: seconds after `created` that the key expires; nil for never.
    public static func generate(_ algorithm: Algorithm, userID: String, created: UInt32,
                                lifetime: UInt32? = nil) throws -> Generated {
        let key: UnlockedKey
        switch algorithm {
        case .rsa4096, .rsa3072:
            let size: _RSA.Signing.KeySize = algorithm == .rsa4096 ? .bits4096 : .bits3072
            var made: UnlockedKey?
            // OpenPGP stores p < q and p⁻¹ mod q, which PKCS#1 holds only when its p is the larger prime.
            while made == nil {
                let secret = try _RSA.Signing.PrivateKey(keySize: size)
                guard RSANumbers(pkcs1: Array(secret.derRepresentation)) != nil else { continue }
                let primitives = try secret.publicKey.getKeyPrimitives()
                let publicKey = PublicKey(created: created, material: .rsa(n: Array(primitives.modulus),
                                                                           e: Array(primitives.publicExponent)))
                made = UnlockedKey(publicKey: publicKey, secret: .rsa(secret))
            }
            key = made!
        case .ed25519:
            let secret = Curve25519.Signing.PrivateKey()
            let publicKey = PublicKey(created: created, material: .ed25519(point: Array(secret.publicKey.rawRepresentation)))
            key = UnlockedKey(publicKey: publicKey, secret: .ed25519(secret))
        }

        var hashed = [
            Signature.Subpacket(.issuerFingerprint, [4] + key.publicKey.fingerprint),
            Signature.Subpacket(.creationTime, created.bigEndianBytes),
            // Certify and sign.
            Signature.Subpacket(.keyFlags, [0x03]),
        ]
        if let lifetime { hashed.append(Signature.Subpacket(.keyExpiration, lifetime.bigEndianBytes)) }
        hashed += [
            // AES-256, AES-192, AES-128; SHA-512, SHA-384, SHA-256; zlib, bzip2, zip; modification detection.
            Signature.Subpacket(.preferredSymmetric, [9, 8, 7]),
            Signature.Subpacket(.preferredHash, [10, 9, 8]),
            Signature.Subpacket(.preferredCompression, [2, 3, 1]),
            Signature.Subpacket(.features, [0x01]),
        ]
        var certification = Signature(type: .positiveCertification, algorithm: key.publicKey.algorithm, hash: .sha512,
                                      hashed: hashed, unhashed: [Signature.Subpacket(.issuer, key.publicKey.keyID)])
        let value = Array(userID.utf8)
        var digester = Digester(.sha512)
        digester.update(key.publicKey.hashedForm + [0xB4] + UInt32(value.count).bigEndianBytes + value)
        digester.update(certification.trailer)
        let digest = digester.finalize()
        certification.left16 = Array(digest.bytes.prefix(2))
        certification.values = try key.sign(digest)

        let certificate = Certificate(primary: .init(key: key.publicKey, secret: nil, signatures: []),
                                      userIDs: [.init(value: value, signatures: [certification])], subkeys: [])
        return Generated(certificate: certificate, key: key)
    }
}
