import Foundation

/// A transferable key (RFC 4880 section 11.1 and 11.2): a primary key, its user IDs and subkeys, each with the
/// signatures that bind them; with or without the secret parts. What `gpg --export` and `--export-secret-keys`
/// write, one certificate after another.
public struct Certificate: Sendable {
    /// A primary key or subkey, the secret part when the file has one, and the signatures on it.
    public struct Component: Sendable {
        public var key: PublicKey
        public var secret: SecretKey?
        /// Direct-key and revocation signatures on a primary key; binding and revocation signatures on a subkey.
        public var signatures: [Signature]
    }

    public struct UserID: Sendable {
        public var value: [UInt8]
        public var signatures: [Signature]
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    public var primary: Component
    public var userIDs: [UserID]
    public var subkeys: [Component]

    public init(primary: Component, userIDs: [UserID], subkeys: [Component]) {
        self.primary = primary
        self.userIDs = userIDs
        self.subkeys = subkeys
    }

    public var fingerprintHex: String { primary.key.fingerprintHex }

    /// The certificates in `bytes`, armored (one block or several, as `cat a.asc b.asc` makes) or binary, public
    /// or secret.
    public static func read(_ bytes: [UInt8]) throws -> [Certificate] {
        var binary = bytes
        if Armor.isArmored(bytes) {
            binary = try Armor.blocks(bytes).flatMap { try Armor.decode(bytes: Array($0)).bytes }
        }
        return try parse(try Packet.parse(binary))
    }

    public static func parse(_ packets: [Packet]) throws -> [Certificate] {
        var certificates: [Certificate] = []
        var current: Certificate?
        // Where a signature packet belongs: the primary key, the last user ID, or the last subkey.
        enum Target { case primary, userID, subkey, ignored }
        var target = Target.primary
        for packet in packets {
            switch packet.known {
            case .publicKey, .secretKey:
                if let current { certificates.append(current) }
                let component = try component(packet)
                current = Certificate(primary: component, userIDs: [], subkeys: [])
                target = .primary
            case .publicSubkey, .secretSubkey:
                guard current != nil else { throw OpenPGPError.malformed("a subkey before any primary key") }
                // Subkeys of kinds falcopack cannot use (encryption keys on other curves) are skipped, not fatal.
                if let component = try? component(packet) {
                    current?.subkeys.append(component)
                    target = .subkey
                } else {
                    target = .ignored
                }
            case .userID:
                guard current != nil else { throw OpenPGPError.malformed("a user ID before any primary key") }
                current?.userIDs.append(UserID(value: packet.body, signatures: []))
                target = .userID
            case .signature:
                guard current != nil else { throw OpenPGPError.malformed("a signature before any primary key") }
                guard let signature = try? Signature.parse(packet.body) else { continue }
                switch target {
                case .primary: current?.primary.signatures.append(signature)
                case .userID:
                    let last = current!.userIDs.count - 1
                    current?.userIDs[last].signatures.append(signature)
                case .subkey:
                    let last = current!.subkeys.count - 1
                    current?.subkeys[last].signatures.append(signature)
                case .ignored: break
                }
            default:
                // User attributes (photos) and their signatures, trust packets: nothing falcopack uses.
                if packet.tag == 17 { target = .ignored }
            }
        }
        if let current { certificates.append(current) }
        guard !certificates.isEmpty else { throw OpenPGPError.malformed("no key in the file") }
        return certificates
    }

    private static func component(_ packet: Packet) throws -> Component {
        if packet.known == .secretKey || packet.known == .secretSubkey {
            let secret = try SecretKey.read(packet.body)
            return Component(key: secret.publicKey, secret: secret, signatures: [])
        }
        var reader = BodyReader(packet.body)
        return Component(key: try PublicKey.read(&reader), secret: nil, signatures: [])
    }

    /// The public parts as packets, as `gpg --export` writes them.
    public var publicPackets: [Packet] {
        var packets = [Packet(.publicKey, primary.key.body)] + primary.signatures.map(\.packet)
        for userID in userIDs {
            packets.append(Packet(.userID, userID.value))
            packets += userID.signatures.map(\.packet)
        }
        for subkey in subkeys {
            packets.append(Packet(.publicSubkey, subkey.key.body))
            packets += subkey.signatures.map(\.packet)
        }
        return packets
    }

    /// The armored public key, what users import.
    public var armoredPublicKey: String { Armor.encode(publicPackets.flatMap(\.bytes), as: .publicKey) }

    /// Several certificates in one armored block, as `gpg --export --armor A B` writes them: a key file that
    /// names both keys while one replaces the other.
    public static func armoredPublicKeys(_ certificates: [Certificate]) -> String {
        Armor.encode(certificates.flatMap { $0.publicPackets.flatMap(\.bytes) }, as: .publicKey)
    }

    // MARK: Self-signatures

    /// Whether `signature` was made by the primary key over `data` (the framing of what it certifies).
    func isSelfSignature(_ signature: Signature, over data: [UInt8]) -> Bool {
        guard let algorithm = signature.hashAlgorithm, !signature.hasUnknownCriticalSubpacket else { return false }
        if let issuer = signature.issuerKeyID, issuer != primary.key.keyID { return false }
        var digester = Digester(algorithm)
        digester.update(data)
        digester.update(signature.trailer)
        let digest = digester.finalize()
        return Array(digest.bytes.prefix(2)) == signature.left16 && primary.key.verify(digest, signature.values)
    }

    func userIDFraming(_ userID: UserID) -> [UInt8] {
        primary.key.hashedForm + [0xB4] + UInt32(userID.value.count).bigEndianBytes + userID.value
    }

    /// The newest valid self-signature stating the primary key's flags and lifetime: over the primary user ID if
    /// one is marked so, else over any user ID, or a direct-key signature.
    var primarySelfSignature: Signature? {
        let certifications: [Signature.Kind] = [.genericCertification, .personaCertification, .casualCertification,
                                                .positiveCertification]
        var candidates: [(Signature, Bool)] = []
        for userID in userIDs {
            for signature in userID.signatures where certifications.contains(where: { $0.rawValue == signature.type }) {
                if isSelfSignature(signature, over: userIDFraming(userID)) {
                    let primaryUserID = signature.hashed.contains { $0.type == Signature.Subpacket.Kind.primaryUserID.rawValue && $0.data.first == 1 }
                    candidates.append((signature, primaryUserID))
                }
            }
        }
        for signature in primary.signatures where signature.kind == .directKey {
            if isSelfSignature(signature, over: primary.key.hashedForm) { candidates.append((signature, false)) }
        }
        return candidates.max { ($0.1 ? 1 : 0, $0.0.created ?? 0) < ($1.1 ? 1 : 0, $1.0.created ?? 0) }?.0
    }

    /// The newest valid binding signature of `subkey`.
    func binding(of subkey: Component) -> Signature? {
        let framing = primary.key.hashedForm + subkey.key.hashedForm
        return subkey.signatures.filter { $0.kind == .subkeyBinding && isSelfSignature($0, over: framing) }
            .max { ($0.created ?? 0) < ($1.created ?? 0) }
    }

    public var isRevoked: Bool {
        primary.signatures.contains { $0.kind == .keyRevocation && isSelfSignature($0, over: primary.key.hashedForm) }
    }

    func isRevoked(_ subkey: Component) -> Bool {
        let framing = primary.key.hashedForm + subkey.key.hashedForm
        return subkey.signatures.contains { $0.kind == .subkeyRevocation && isSelfSignature($0, over: framing) }
    }

    /// When the primary key expires (seconds since the epoch), or nil for never.
    public var expires: UInt32? {
        guard let lifetime = primarySelfSignature?.keyExpiration, lifetime > 0 else { return nil }
        return primary.key.created &+ lifetime
    }

    /// The user ID the key is known by: the primary one, else the first.
    public var userIDText: String? { userIDs.first?.text }

    // MARK: Choosing the key that signs

    /// The key that makes signatures at `time`: the primary key when its flags allow signing, else the newest
    /// signing subkey. With `needsSecret`, only a key whose secret part is in the file.
    public func signingComponent(at time: UInt32, needsSecret: Bool) throws -> Component {
        if isRevoked { throw KeyProblem.revoked("the key \(fingerprintHex) is revoked") }
        if let expires, expires <= time {
            throw KeyProblem.expired("the key \(fingerprintHex) expired on \(Self.date(expires))")
        }
        let hasSecret = primary.secret != nil || subkeys.contains { $0.secret != nil }
        if needsSecret && !hasSecret {
            throw KeyProblem.noSecret("it holds a public key only; give the secret key (gpg --export-secret-keys --armor \(fingerprintHex))")
        }
        guard let selfSignature = primarySelfSignature else {
            throw OpenPGPError.malformed("no user ID carries a valid self-signature (a damaged key?)")
        }
        let flags = selfSignature.keyFlags
        if flags.map({ $0 & 0x02 != 0 }) ?? true, !needsSecret || primary.secret?.isPresent == true {
            return primary
        }
        var usable: [Component] = []
        for subkey in subkeys {
            guard let binding = binding(of: subkey), binding.keyFlags.map({ $0 & 0x02 != 0 }) ?? false,
                  !isRevoked(subkey) else { continue }
            if let lifetime = binding.keyExpiration, lifetime > 0, subkey.key.created &+ lifetime <= time { continue }
            if needsSecret && subkey.secret?.isPresent != true { continue }
            usable.append(subkey)
        }
        if let newest = usable.max(by: { $0.key.created < $1.key.created }) { return newest }
        if primary.secret?.isOnCard == true || subkeys.contains(where: { $0.secret?.isOnCard == true }) {
            throw KeyProblem.noSecret("its signing key is on a smartcard; sign through the agent with --signing-key gpg-agent:\(fingerprintHex)")
        }
        if flags.map({ $0 & 0x02 != 0 }) ?? true {
            throw KeyProblem.noSecret("the primary key's secret part is not in the file and no subkey may sign")
        }
        throw KeyProblem.cannotSign("neither the primary key nor any valid subkey may sign (its key flags); add a signing subkey with gpg --quick-add-key \(fingerprintHex) rsa4096 sign")
    }

    /// The primary key or the subkey with key ID or fingerprint `id`.
    public func component(matching id: [UInt8]) -> Component? {
        ([primary] + subkeys).first { PublicKey.isNamed(by: id, fingerprint: $0.key.fingerprint) }
    }

    static func date(_ seconds: UInt32) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
