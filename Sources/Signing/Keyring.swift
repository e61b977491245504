import Foundation

/// Public keys to check signatures against, and the checks themselves.
public struct Keyring: Sendable {
    public let certificates: [Certificate]
    /// Every key of every certificate with what a check needs of it, worked out once: a publish checks thousands
    /// of signatures against one key.
    private let keys: [Entry]

    private struct Entry: Sendable {
        var certificate: Int
        var certificateFingerprint: String
        var key: PublicKey
        var fingerprint: [UInt8]
        var fingerprintHex: String
        var checker: PublicKey.Checker
    }

    public init(_ certificates: [Certificate]) {
        self.certificates = certificates
        keys = certificates.enumerated().flatMap { index, certificate in
            ([certificate.primary] + certificate.subkeys).map {
                Entry(certificate: index, certificateFingerprint: certificate.fingerprintHex, key: $0.key,
                      fingerprint: $0.key.fingerprint, fingerprintHex: $0.key.fingerprintHex, checker: PublicKey.Checker($0.key))
            }
        }
    }

    public init(bytes: [UInt8]) throws {
        self.init(try Certificate.read(bytes))
    }

    /// The public keys in the file at `path` (armored or binary), as `--public-key FILE` names it.
    public static func load(path: String) throws -> Keyring {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SigningKeyError(key: path, reason: "the public key file cannot be read (--public-key FILE)")
        }
        do {
            return try Keyring(bytes: Array(data))
        } catch {
            throw SigningKeyError(key: path, reason: "is not an OpenPGP public key: \(error)")
        }
    }

    /// What checking one signature found.
    public enum Verdict: Sendable, Equatable {
        /// Made by the key `fingerprint` (the primary key's) at `created`, over exactly the data given.
        case good(fingerprint: String, signingKey: String, created: UInt32)
        /// Made by a key of the ring, but not over this data: the data or the signature was changed.
        case bad(String)
        /// Made by a key the ring does not hold.
        case unknownKey(String)
    }

    /// The certificate and key that made `signature`.
    public func signer(of signature: Signature) -> (Certificate, PublicKey)? {
        entry(signing: signature).map { (certificates[$0.certificate], $0.key) }
    }

    private func entry(signing signature: Signature) -> Entry? {
        let id = signature.issuerFingerprint ?? signature.issuerKeyID ?? []
        // In certificate order, each certificate's primary key before its subkeys, as Certificate.component.
        return keys.first { PublicKey.isNamed(by: id, fingerprint: $0.fingerprint) }
    }

    /// Checks `signature` over the data `feed` hands the hasher.
    public func check(_ signature: Signature, feeding feed: (inout Digester) throws -> Void) rethrows -> Verdict {
        guard let signer = entry(signing: signature) else {
            return .unknownKey((signature.issuerKeyID ?? []).map { String(format: "%02X", $0) }.joined())
        }
        guard let algorithm = signature.hashAlgorithm, algorithm != .sha1 else {
            return .bad("its hash algorithm (\(signature.hash)) is too weak or unknown")
        }
        guard signature.created != nil, !signature.hasUnknownCriticalSubpacket else {
            return .bad("it has no hashed creation time or an unknown critical subpacket")
        }
        var digester = Digester(algorithm)
        try feed(&digester)
        digester.update(signature.trailer)
        let digest = digester.finalize()
        guard digest.bytes.prefix(2).elementsEqual(signature.left16), signer.checker.verify(digest, signature.values) else {
            return .bad("the signature does not match the data")
        }
        return .good(fingerprint: signer.certificateFingerprint, signingKey: signer.fingerprintHex, created: signature.created ?? 0)
    }

    public func check(_ signature: Signature, over data: [UInt8]) -> Verdict {
        check(signature) { $0.update(data) }
    }

    /// Why `signatures` do not vouch for what they sign, as a client reads them (one good signature by a key it
    /// trusts is enough; signatures by other keys are passed over): nil when one is good.
    public func problem(with signatures: [Signature], feeding feed: (inout Digester) throws -> Void) rethrows -> String? {
        guard !signatures.isEmpty else { return "it is not signed" }
        var reasons: [String] = []
        for signature in signatures {
            switch try check(signature, feeding: feed) {
            case .good: return nil
            case .bad(let reason): reasons.append(reason)
            case .unknownKey(let id): reasons.append("signed by key \(id), which --public-key does not hold")
            }
        }
        return reasons.joined(separator: "; ")
    }
}

extension Signature {
    /// The signatures of a detached signature file, armored or binary.
    public static func readDetached(_ bytes: [UInt8]) throws -> [Signature] {
        var binary = bytes
        if Armor.isArmored(bytes) {
            binary = try Armor.decode(bytes: bytes).bytes
        }
        let signatures = try Packet.parse(binary).filter { $0.known == .signature }.map { try Signature.parse($0.body) }
        guard !signatures.isEmpty else { throw OpenPGPError.malformed("no signature packet") }
        return signatures
    }
}

/// A signed message read back: the literal data and the signatures over it.
public struct SignedMessage: Sendable {
    public var content: [UInt8]
    public var signatures: [Signature]

    public init(bytes: [UInt8]) throws {
        var binary = bytes
        if Armor.isArmored(bytes) {
            binary = try Armor.decode(bytes: bytes).bytes
        }
        var content: [UInt8]?
        var signatures: [Signature] = []
        for packet in try Packet.parse(binary) {
            switch packet.known {
            case .literalData:
                var reader = BodyReader(packet.body)
                _ = try reader.byte()
                _ = try reader.take(Int(try reader.byte()))
                _ = try reader.uint32()
                content = reader.rest
            case .signature:
                signatures.append(try Signature.parse(packet.body))
            case .compressedData:
                throw OpenPGPError.unsupported("a compressed signed message")
            default:
                continue
            }
        }
        guard let content, !signatures.isEmpty else { throw OpenPGPError.malformed("not a signed message") }
        self.content = content
        self.signatures = signatures
    }
}
