import Foundation
import Signing
import Testing
import TestSupport

/// A key that cannot sign is refused before anything is signed, with one line that names the key file and says what
/// to do; the passphrase never appears in it.
@Suite struct KeyErrorTests {
    let epoch: UInt32 = 1_620_345_600

    func refusal(_ key: String, passphrase: String? = nil, now: UInt32 = UInt32(Date().timeIntervalSince1970),
                 environment: [String: String] = [:]) -> String? {
        do {
            _ = try SigningKeys.signer(key: key, passphrase: passphrase.map { Array($0.utf8) }, notBefore: epoch, now: now,
                                       environment: environment)
            return nil
        } catch let error as SigningKeyError {
            return error.description
        } catch {
            return "not a SigningKeyError: \(error)"
        }
    }

    func expectRefused(_ key: String, passphrase: String? = nil, mentioning text: String,
                       now: UInt32 = UInt32(Date().timeIntervalSince1970),
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let message = refusal(key, passphrase: passphrase, now: now)
        #expect(message?.hasPrefix("signing key '\(key)': ") == true, "\(message ?? "accepted")", sourceLocation: sourceLocation)
        #expect(message?.contains(text) == true, "\(message ?? "accepted")", sourceLocation: sourceLocation)
        #expect(message?.contains("\n") == false, sourceLocation: sourceLocation)
        if let passphrase, !passphrase.isEmpty {
            #expect(message?.contains(passphrase) == false, "the passphrase leaked: \(message ?? "")",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func aWrongOrMissingPassphrase() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Locked <locked@example.com>", algorithm: "ed25519", passphrase: "right-one")
        let secret = try gnupg.exportSecret(fingerprint, passphrase: "right-one")
        expectRefused(secret, passphrase: "wrong-one", mentioning: "the passphrase does not unlock it")
        expectRefused(secret, mentioning: "set FALCOPACK_SIGNING_PASSPHRASE or pass --signing-passphrase-file")
        #expect(refusal(secret, passphrase: "right-one") == nil)
    }

    @Test func aPublicKeyWhereASecretOneIsNeeded() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Public <public@example.com>", algorithm: "ed25519")
        expectRefused(try gnupg.exportPublic(fingerprint), mentioning: "holds a public key only; give the secret key")
    }

    @Test func aKeyThatMayNotSign() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Certify Only <cert@example.com>", algorithm: "ed25519", usage: "cert")
        try gnupg.gpg(["--passphrase", "", "--quick-add-key", fingerprint, "cv25519", "encr"])
        expectRefused(try gnupg.exportSecret(fingerprint), mentioning: "neither the primary key nor any valid subkey may sign")
    }

    @Test func anExpiredKey() throws {
        let now = UInt32(Date().timeIntervalSince1970)
        let generated = try KeyGeneration.generate(.ed25519, userID: "Old <old@example.com>", created: now - 10 * 86400,
                                                   lifetime: 86400)
        let work = try TemporaryDirectory()
        let secret = try work.write("old.asc", Array(try generated.armoredSecretKey(passphrase: nil).utf8))
        expectRefused(secret, mentioning: "expired on")
        // Still good at a time before it expired: the check is against the time it would sign at.
        #expect(refusal(secret, now: now - 9 * 86400 - 3600) == nil)
    }

    @Test func aRevokedKey() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Revoked <revoked@example.com>", algorithm: "ed25519")
        // gpg keeps a revocation certificate for every key it makes, its armor line guarded by a leading colon.
        let certificate = try String(contentsOfFile: gnupg.home + "/openpgp-revocs.d/\(fingerprint).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN")
        let revocation = try gnupg.directory.write("revocation.asc", Array(certificate.utf8))
        try gnupg.gpg(["--import", revocation])
        expectRefused(try gnupg.exportSecret(fingerprint), mentioning: "is revoked; sign with its successor")
    }

    @Test func unsupportedAlgorithmsAndVersions() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("NIST <nist@example.com>", algorithm: "nistp256")
        expectRefused(try gnupg.exportSecret(fingerprint), mentioning: "ECDSA (NIST curve) key; use RSA or Ed25519")

        // A version 6 key packet (RFC 9580), which gpg 2.2 cannot make: version, time, Ed25519 (27), its length.
        let body: [UInt8] = [6, 0x60, 0, 0, 0, 27, 0, 0, 0, 32] + [UInt8](repeating: 7, count: 32)
        let v6 = try gnupg.directory.write("v6.gpg", [0xC5, UInt8(body.count)] + body)
        expectRefused(v6, mentioning: "version 6 key")
    }

    @Test func aDamagedOrMissingKeyFile() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Damaged <damaged@example.com>", algorithm: "rsa2048")
        let good = Array(try gnupg.gpg(["--export-secret-keys", fingerprint]).stdout)
        let cut = try gnupg.directory.write("cut.gpg", Array(good.prefix(good.count / 2)))
        expectRefused(cut, mentioning: "is not a usable OpenPGP key")
        var flipped = good
        flipped[good.count / 2] ^= 0xFF
        let changed = try gnupg.directory.write("flipped.gpg", flipped)
        #expect(refusal(changed) != nil, "a changed secret key byte is caught")
        let noise = try gnupg.directory.write("noise.asc", Array("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot base64!\n-----END PGP PRIVATE KEY BLOCK-----\n".utf8))
        expectRefused(noise, mentioning: "is not a usable OpenPGP key")
        expectRefused(gnupg.directory.file("absent.asc"), mentioning: "no such file")
    }

    @Test func twoSecretKeysInOneFile() throws {
        let gnupg = try GnuPG()
        let first = try gnupg.generate("First <first@example.com>", algorithm: "ed25519")
        let second = try gnupg.generate("Second <second@example.com>", algorithm: "ed25519")
        let both = try gnupg.gpg(["--armor", "--export-secret-keys", first, second]).stdout
        expectRefused(try gnupg.directory.write("both.asc", Array(both)), mentioning: "holds 2 secret keys")
    }
}
