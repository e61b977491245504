import Crypto
import Foundation

/// A signing key that cannot be used, and what to do; names the key, never the passphrase.
public struct SigningKeyError: Error, CustomStringConvertible, Sendable {
    /// The key file, `gpg-agent:FINGERPRINT`, or the environment variable holding the key.
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "signing key '\(key)': \(reason)" }
}

/// Turns what the user named into a signer: a key file (armored or binary, as gpg exports secret keys), the key
/// itself in an environment variable, or `gpg-agent:FINGERPRINT`.
public enum SigningKeys {
    public static let agentPrefix = "gpg-agent:"

    /// - Parameters:
    ///   - key: a path, `gpg-agent:FINGERPRINT`, or an armored secret key's text.
    ///   - label: how messages name the key; by default its file, or `FALCOPACK_SIGNING_KEY` for a key given as its text.
    ///   - notBefore: SOURCE_DATE_EPOCH; signatures are dated then, or at the key's creation if later.
    ///   - now: the time the key must be valid at.
    ///   - environment: where GNUPGHOME is looked up, for a key in gpg-agent.
    static let armorPrefix = "-----BEGIN PGP "

    public static func signer(key: String, label: String? = nil, passphrase: [UInt8]?, notBefore: UInt32,
                              now: UInt32 = UInt32(Date().timeIntervalSince1970),
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Signer {
        // A key given as its text is named by the variable that holds it, never printed.
        let name = label ?? (key.hasPrefix(armorPrefix) ? "FALCOPACK_SIGNING_KEY" : key)
        do {
            if key.hasPrefix(agentPrefix) {
                return try agentSigner(fingerprint: String(key.dropFirst(agentPrefix.count)), name: name,
                                       passphrase: passphrase, notBefore: notBefore, now: now,
                                       home: environment["GNUPGHOME"])
            }
            let bytes: [UInt8]
            if key.hasPrefix(armorPrefix) {
                bytes = Array(key.utf8)
            } else {
                guard let data = FileManager.default.contents(atPath: key) else {
                    let reason = FileManager.default.fileExists(atPath: key) ? "cannot be read" : "no such file"
                    throw SigningKeyError(key: name, reason: "\(reason) (pass --signing-key FILE or set FALCOPACK_SIGNING_KEY)")
                }
                bytes = Array(data)
            }
            let certificates = try Certificate.read(bytes)
            let secret = certificates.filter { certificate in
                certificate.primary.secret != nil || certificate.subkeys.contains { $0.secret != nil }
            }
            guard secret.count <= 1 else {
                throw SigningKeyError(key: name, reason: "holds \(secret.count) secret keys; export the one to sign with (gpg --export-secret-keys --armor FINGERPRINT)")
            }
            let certificate = secret.first ?? certificates[0]
            let component = try certificate.signingComponent(at: max(now, notBefore), needsSecret: true)
            let unlocked = try component.secret!.unlock(passphrase: passphrase)
            return Signer(certificate: publicOnly(certificate), backend: unlocked, source: name, notBefore: notBefore)
        } catch let error as SigningKeyError {
            throw error
        } catch let error as AgentError {
            throw SigningKeyError(key: name, reason: error.description)
        } catch let problem as KeyProblem {
            throw SigningKeyError(key: name, reason: message(problem))
        } catch let error as OpenPGPError {
            switch error {
            case .malformed(let reason):
                throw SigningKeyError(key: name, reason: "is not a usable OpenPGP key (\(reason)); export it again with gpg --export-secret-keys --armor")
            case .unsupported(let reason):
                throw SigningKeyError(key: name, reason: reason)
            }
        }
    }

    static func message(_ problem: KeyProblem) -> String {
        switch problem {
        case .passphraseNeeded:
            "is locked with a passphrase; set FALCOPACK_SIGNING_PASSPHRASE or pass --signing-passphrase-file FILE"
        case .wrongPassphrase:
            "the passphrase does not unlock it; check FALCOPACK_SIGNING_PASSPHRASE or --signing-passphrase-file"
        case .noSecret(let reason): "cannot sign: \(reason)"
        case .cannotSign(let reason): "cannot sign: \(reason)"
        case .expired(let reason): "\(reason); extend it (gpg --quick-set-expire) or sign with a new key"
        case .revoked(let reason): "\(reason); sign with its successor"
        }
    }

    /// The certificate without secret parts, for the signer to export and name.
    static func publicOnly(_ certificate: Certificate) -> Certificate {
        var copy = certificate
        copy.primary.secret = nil
        for index in copy.subkeys.indices { copy.subkeys[index].secret = nil }
        return copy
    }

    static func agentSigner(fingerprint: String, name: String, passphrase: [UInt8]?, notBefore: UInt32,
                            now: UInt32, home: String?) throws -> Signer {
        let hex = fingerprint.replacingOccurrences(of: " ", with: "").uppercased()
        guard hex.count == 40, let wanted = hexBytes(hex) else {
            throw SigningKeyError(key: name, reason: "give the key's 40-digit fingerprint after gpg-agent:")
        }
        let certificates = try GnuPGKeyring.certificates(home: home)
        guard let certificate = certificates.first(where: { $0.component(matching: wanted) != nil }) else {
            throw SigningKeyError(key: name, reason: "the public keyring of \(home ?? "~/.gnupg") has no key \(hex); import the public key first (gpg --import)")
        }
        var component = certificate.component(matching: wanted)!
        if component.key.fingerprint == certificate.primary.key.fingerprint {
            component = try certificate.signingComponent(at: max(now, notBefore), needsSecret: false)
        } else {
            // A subkey named by its own fingerprint: it must be bound as a signing key and be valid.
            _ = try certificate.signingComponent(at: max(now, notBefore), needsSecret: false)
            guard let binding = certificate.binding(of: component), (binding.keyFlags ?? 0) & 0x02 != 0,
                  !certificate.isRevoked(component) else {
                throw SigningKeyError(key: name, reason: "the subkey \(hex) is not a valid signing subkey")
            }
        }
        let backend = try AgentBackend(publicKey: component.key, socketPath: AgentBackend.socketPath(home: home),
                                       passphrase: passphrase)
        // One signature now, so a wrong passphrase or a missing card stops the build before anything is written.
        let probe = Digested.sha256(SHA256.hash(data: Array("falcopack agent check".utf8)))
        guard component.key.verify(probe, try backend.sign(probe)) else {
            throw SigningKeyError(key: name, reason: "gpg-agent's signature does not verify with the public key")
        }
        return Signer(certificate: certificate, backend: backend, source: name, notBefore: notBefore)
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }

    /// The passphrase from `--signing-passphrase-file` or FALCOPACK_SIGNING_PASSPHRASE, without the file's final
    /// line break; nil when neither is given.
    public static func passphrase(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8]? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SigningKeyError(key: file, reason: "the passphrase file cannot be read (--signing-passphrase-file)")
            }
            var bytes = Array(data)
            if bytes.last == 0x0A { bytes.removeLast() }
            if bytes.last == 0x0D { bytes.removeLast() }
            return bytes
        }
        return environment["FALCOPACK_SIGNING_PASSPHRASE"].map { Array($0.utf8) }
    }
}
