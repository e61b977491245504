import Crypto
import _CryptoExtras
import Foundation

/// A secret key packet (RFC 4880 section 5.5.3) as read: the public key and its secret numbers, possibly locked
/// with a passphrase (string-to-key, section 3.7, and AES in CFB mode, as gpg exports keys).
public struct SecretKey: Sendable {
    /// How the secret numbers are stored.
    enum Protection: Sendable {
        /// In the clear, followed by a 2-byte checksum.
        case none([UInt8])
        /// Encrypted; `usage` 254 ends the plaintext with a SHA-1 of it, 255 with a 2-byte checksum.
        case encrypted(usage: UInt8, cipher: UInt8, s2k: StringToKey, iv: [UInt8], data: [UInt8])
        /// gpg's stand-in for a key that is not there (S2K 101): offline, or on a card.
        case absent(onCard: Bool)
    }

    public let publicKey: PublicKey
    let protection: Protection

    /// Whether unlocking needs a passphrase.
    public var isProtected: Bool {
        if case .encrypted = protection { return true }
        return false
    }

    /// Whether the secret numbers are in the file at all.
    public var isPresent: Bool {
        if case .absent = protection { return false }
        return true
    }

    public var isOnCard: Bool {
        if case .absent(let onCard) = protection { return onCard }
        return false
    }

    static func read(_ body: [UInt8]) throws -> SecretKey {
        var reader = BodyReader(body)
        let publicKey = try PublicKey.read(&reader)
        let usage = try reader.byte()
        switch usage {
        case 0:
            return SecretKey(publicKey: publicKey, protection: .none(reader.rest))
        case 254, 255:
            let cipher = try reader.byte()
            let s2k = try StringToKey.read(&reader)
            if case .gnu(let mode) = s2k {
                return SecretKey(publicKey: publicKey, protection: .absent(onCard: mode == 2))
            }
            guard let size = Self.keySize(cipher: cipher) else {
                throw OpenPGPError.unsupported("the key is locked with cipher \(cipher); falcopack reads keys locked "
                    + "with AES (export it with gpg --s2k-cipher-algo AES256 --export-secret-keys)")
            }
            _ = size
            let iv = try reader.take(16)
            return SecretKey(publicKey: publicKey, protection: .encrypted(usage: usage, cipher: cipher, s2k: s2k, iv: iv,
                                                                          data: reader.rest))
        case 253:
            throw OpenPGPError.unsupported("the key is locked with AEAD (an RFC 9580 key); export it with gpg 2.2 "
                + "or sq key export --cipher-suite, as a version 4 key with CFB protection")
        default:
            throw OpenPGPError.unsupported("the key is locked the pre-S2K way (cipher \(usage)); export it again with gpg")
        }
    }

    /// The AES key length of an OpenPGP cipher number.
    static func keySize(cipher: UInt8) -> Int? {
        switch cipher {
        case 7: 16
        case 8: 24
        case 9: 32
        default: nil
        }
    }

    /// The secret numbers, decrypted with `passphrase` when the key is locked, checked against their checksum and
    /// against the public key.
    public func unlock(passphrase: [UInt8]?) throws -> UnlockedKey {
        let plain: [UInt8]
        var usage: UInt8 = 0
        switch protection {
        case .absent(let onCard):
            throw KeyProblem.noSecret(onCard ? "its secret part is on a smartcard" : "its secret part is not in the file")
        case .none(let bytes):
            plain = bytes
        case .encrypted(let encryptedUsage, let cipher, let s2k, let iv, let data):
            guard let passphrase else { throw KeyProblem.passphraseNeeded }
            usage = encryptedUsage
            let key = try s2k.derive(passphrase: passphrase, length: Self.keySize(cipher: cipher) ?? 16)
            plain = Array(try AES._CFB.decrypt(data, using: SymmetricKey(data: key), iv: AES._CFB.IV(ivBytes: iv)))
        }
        let numbers: [UInt8]
        if usage == 254 {
            guard plain.count >= 20 else { throw KeyProblem.wrongPassphrase }
            numbers = Array(plain.dropLast(20))
            guard Array(Insecure.SHA1.hash(data: numbers)) == Array(plain.suffix(20)) else {
                throw isProtected ? KeyProblem.wrongPassphrase : OpenPGPError.malformed("the secret key's checksum does not match")
            }
        } else {
            guard plain.count >= 2 else { throw OpenPGPError.malformed("the secret key is empty") }
            numbers = Array(plain.dropLast(2))
            let sum = numbers.reduce(0) { ($0 + Int($1)) & 0xFFFF }
            guard sum == Int(plain[plain.count - 2]) << 8 | Int(plain[plain.count - 1]) else {
                throw isProtected ? KeyProblem.wrongPassphrase : OpenPGPError.malformed("the secret key's checksum does not match")
            }
        }
        var reader = BodyReader(numbers)
        let unlocked: UnlockedKey
        switch publicKey.material {
        case .rsa(let n, let e):
            let d = try reader.mpi()
            let p = try reader.mpi()
            let q = try reader.mpi()
            guard let key = try? _RSA.Signing.PrivateKey(n: n, e: e, d: d, p: p, q: q) else {
                throw isProtected ? KeyProblem.wrongPassphrase : OpenPGPError.malformed("the RSA secret numbers do not fit the public key")
            }
            unlocked = UnlockedKey(publicKey: publicKey, secret: .rsa(key))
        case .ed25519(let point):
            let seed = padded(try reader.mpi(), to: 32)
            guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed),
                  Array(key.publicKey.rawRepresentation) == point else {
                throw isProtected ? KeyProblem.wrongPassphrase : OpenPGPError.malformed("the Ed25519 secret does not fit the public key")
            }
            unlocked = UnlockedKey(publicKey: publicKey, secret: .ed25519(key))
        }
        // A key whose numbers are damaged in a way the checks above miss would sign something nothing verifies.
        let probe = Digested.sha256(SHA256.hash(data: Array("falcopack key check".utf8)))
        guard publicKey.verify(probe, try unlocked.sign(probe)) else {
            throw OpenPGPError.malformed("the secret key does not make signatures its public key verifies")
        }
        return unlocked
    }
}

/// Why a key cannot be used to sign, apart from damaged or unsupported data.
public enum KeyProblem: Error, Sendable, Equatable {
    case passphraseNeeded
    case wrongPassphrase
    case noSecret(String)
    case cannotSign(String)
    case expired(String)
    case revoked(String)
}

/// The string-to-key specifier (section 3.7.1): how a passphrase becomes a cipher key.
enum StringToKey: Sendable {
    case simple(hash: UInt8)
    case salted(hash: UInt8, salt: [UInt8])
    case iterated(hash: UInt8, salt: [UInt8], count: UInt8)
    /// gpg's extension 101: mode 1 has no secret, mode 2 diverts to a card.
    case gnu(mode: UInt8)

    static func read(_ reader: inout BodyReader) throws -> StringToKey {
        let type = try reader.byte()
        switch type {
        case 0: return .simple(hash: try reader.byte())
        case 1: return .salted(hash: try reader.byte(), salt: try reader.take(8))
        case 3: return .iterated(hash: try reader.byte(), salt: try reader.take(8), count: try reader.byte())
        case 101:
            _ = try reader.byte()
            guard try reader.take(3) == Array("GNU".utf8) else { throw OpenPGPError.malformed("an unknown S2K extension") }
            return .gnu(mode: try reader.byte())
        case 4:
            throw OpenPGPError.unsupported("the key is locked with Argon2 (S2K 4); export it with gpg 2.2's default protection")
        default:
            throw OpenPGPError.unsupported("S2K type \(type)")
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .simple(let hash): [0, hash]
        case .salted(let hash, let salt): [1, hash] + salt
        case .iterated(let hash, let salt, let count): [3, hash] + salt + [count]
        case .gnu(let mode): [101, 0] + Array("GNU".utf8) + [mode]
        }
    }

    /// The number of bytes hashed, from the coded count (section 3.7.1.3).
    static func iterations(_ coded: UInt8) -> Int { (16 + Int(coded & 15)) << (Int(coded >> 4) + 6) }

    func derive(passphrase: [UInt8], length: Int) throws -> [UInt8] {
        let hash: UInt8
        var input: [UInt8]
        var total: Int
        switch self {
        case .simple(let algorithm):
            hash = algorithm
            input = passphrase
            total = input.count
        case .salted(let algorithm, let salt):
            hash = algorithm
            input = salt + passphrase
            total = input.count
        case .iterated(let algorithm, let salt, let count):
            hash = algorithm
            input = salt + passphrase
            total = max(Self.iterations(count), input.count)
        case .gnu:
            throw OpenPGPError.malformed("a key without secret numbers has nothing to unlock")
        }
        guard let algorithm = HashAlgorithm(rawValue: hash) else {
            throw OpenPGPError.unsupported("S2K hash algorithm \(hash); export the key with SHA-1 or SHA-256 protection")
        }
        // The input repeated into one buffer, so the hash runs on large updates rather than one per repetition.
        let repeats = max(1, 65536 / max(input.count, 1))
        let block = Array([[UInt8]](repeating: input, count: repeats).joined())
        var key: [UInt8] = []
        var context = 0
        while key.count < length {
            var digester = Digester(algorithm)
            // Each further context starts with one more zero byte (section 3.7.1.1).
            digester.update([UInt8](repeating: 0, count: context))
            var left = total
            while left > 0 {
                let count = min(left, block.count)
                block.withUnsafeBytes { digester.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                left -= count
            }
            key += digester.finalize().bytes
            context += 1
        }
        return Array(key.prefix(length))
    }
}

/// A key ready to sign: its secret numbers in swift-crypto's types.
/// Immutable once made; swift-crypto's key types are not marked Sendable on every platform.
public struct UnlockedKey: @unchecked Sendable {
    enum Secret {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    public let publicKey: PublicKey
    let secret: Secret

    /// The signature's numbers over `digest`: RSA PKCS#1 v1.5 (with the digest's DigestInfo), or Ed25519 over the
    /// digest's bytes as OpenPGP's EdDSA signs them. Both are deterministic.
    public func sign(_ digest: Digested) throws -> [[UInt8]] {
        switch secret {
        case .rsa(let key):
            let signature: _RSA.Signing.RSASignature
            switch digest {
            case .sha1(let value): signature = try key.signature(for: value, padding: .insecurePKCS1v1_5)
            case .sha256(let value): signature = try key.signature(for: value, padding: .insecurePKCS1v1_5)
            case .sha384(let value): signature = try key.signature(for: value, padding: .insecurePKCS1v1_5)
            case .sha512(let value): signature = try key.signature(for: value, padding: .insecurePKCS1v1_5)
            }
            return [Array(signature.rawRepresentation)]
        case .ed25519(let key):
            let signature = Array(try key.signature(for: digest.bytes))
            return [Array(signature[0..<32]), Array(signature[32..<64])]
        }
    }

    /// The secret numbers as a secret key packet stores them (before the checksum).
    var secretNumbers: [UInt8] {
        switch secret {
        case .rsa(let key):
            let numbers = RSANumbers(pkcs1: Array(key.derRepresentation))
            return numbers.map { mpi($0.d) + mpi($0.p) + mpi($0.q) + mpi($0.u) } ?? []
        case .ed25519(let key):
            return mpi(Array(key.rawRepresentation))
        }
    }

    /// The secret key packet body: unprotected, or locked with `passphrase` (iterated and salted SHA-256, AES-256,
    /// a SHA-1 check over the plaintext, what gpg itself reads).
    public func secretKeyBody(passphrase: [UInt8]?) throws -> [UInt8] {
        let numbers = secretNumbers
        guard let passphrase else {
            let sum = numbers.reduce(0) { ($0 + Int($1)) & 0xFFFF }
            return publicKey.body + [0] + numbers + [UInt8(sum >> 8), UInt8(sum & 0xFF)]
        }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let iv = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let s2k = StringToKey.iterated(hash: HashAlgorithm.sha256.rawValue, salt: salt, count: 0xFF)
        let key = try s2k.derive(passphrase: passphrase, length: 32)
        let plain = numbers + Array(Insecure.SHA1.hash(data: numbers))
        let encrypted = Array(try AES._CFB.encrypt(plain, using: SymmetricKey(data: key), iv: AES._CFB.IV(ivBytes: iv)))
        return publicKey.body + [254, 9] + s2k.bytes + iv + encrypted
    }
}
