import Crypto
import Foundation

/// What turns a digest into a signature's numbers: a key in memory, or a key held elsewhere (gpg-agent, and
/// through it a smartcard). The digest is all it sees.
public protocol SignatureBackend: Sendable {
    var publicKey: PublicKey { get }
    func sign(_ digest: Digested) throws -> [[UInt8]]
}

extension UnlockedKey: SignatureBackend {}

/// Makes version 4 signatures with one key at one time: SHA-256, a hashed creation time and issuer fingerprint, an
/// unhashed issuer key ID, none of them critical (the layout gpg writes, which rpm 4.11 and later, gpgv, Sequoia
/// and debsig-verify all read). RSA PKCS#1 v1.5 and Ed25519 are deterministic, so the same data, key and time
/// give the same bytes.
public final class Signer: Sendable {
    /// The key's public certificate: who signs.
    public let certificate: Certificate
    /// The primary key or subkey that makes the signatures.
    public let key: PublicKey
    /// Where the key came from, for messages: a file name or `gpg-agent:FINGERPRINT`.
    public let source: String
    /// The creation time every signature carries.
    public let time: UInt32
    let backend: any SignatureBackend

    /// - Parameter notBefore: the build's SOURCE_DATE_EPOCH; a signature is never dated before its key, which
    ///   verifiers would reject.
    public init(certificate: Certificate, backend: any SignatureBackend, source: String, notBefore: UInt32) {
        self.certificate = certificate
        self.backend = backend
        self.key = backend.publicKey
        self.source = source
        self.time = max(notBefore, backend.publicKey.created, certificate.primary.key.created)
    }

    /// The signature before its numbers: everything hashed is known before the data is.
    func template(_ kind: Signature.Kind) -> Signature {
        Signature(type: kind, algorithm: key.algorithm, hash: .sha256,
                  hashed: [Signature.Subpacket(.issuerFingerprint, [4] + key.fingerprint),
                           Signature.Subpacket(.creationTime, time.bigEndianBytes)],
                  unhashed: [Signature.Subpacket(.issuer, key.keyID)])
    }

    /// A signature over data already fed to `hasher` (a file hashed as it was written; nothing is read again).
    public func sign(continuing hasher: SHA256, kind: Signature.Kind = .binary) throws -> Signature {
        var signature = template(kind)
        var digester = Digester(continuing: hasher)
        digester.update(signature.trailer)
        let digest = digester.finalize()
        signature.left16 = Array(digest.bytes.prefix(2))
        signature.values = try backend.sign(digest)
        return signature
    }

    public func sign(_ data: [UInt8], kind: Signature.Kind = .binary) throws -> Signature {
        var hasher = SHA256()
        hasher.update(data: data)
        return try sign(continuing: hasher, kind: kind)
    }

    /// An armored detached signature, what `gpg --armor --detach-sign` writes to `FILE.asc`.
    public static func armored(_ signature: Signature) -> String {
        Armor.encode(signature.packet.bytes, as: .signature)
    }

    /// `data` as a signed OpenPGP message (section 11.3): a one-pass signature, the data as a literal packet, the
    /// signature. What container "simple signing" stores, as `skopeo standalone-sign` writes it.
    public func signedMessage(_ data: [UInt8]) throws -> [UInt8] {
        let signature = try sign(data)
        let onePass = Packet(.onePassSignature, [3, Signature.Kind.binary.rawValue, HashAlgorithm.sha256.rawValue,
                                                 key.algorithm] + key.keyID + [1])
        let literal = Packet(.literalData, [UInt8(ascii: "b"), 0] + time.bigEndianBytes + data)
        return onePass.bytes + literal.bytes + signature.packet.bytes
    }
}
