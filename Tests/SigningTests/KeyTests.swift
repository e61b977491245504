import Foundation
import Signing
import Testing
import TestSupport

/// Keys as users have them, made by gpg, and keys falcopack makes, each signing what gpgv and sqop (Sequoia) then
/// accept, and reject once a byte changes.
@Suite struct KeyTests {
    let data = Array("falcopack signs this\n".utf8) + SampleData.bytes(count: 70_000)
    let epoch: UInt32 = 1_620_345_600

    /// Signs with the key file, then judges the signature with gpgv and sqop against the public key.
    func expectAccepted(secret: String, public publicKey: String, passphrase: String?, gnupg: GnuPG,
                        algorithm: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let signer = try SigningKeys.signer(key: secret, passphrase: passphrase.map { Array($0.utf8) }, notBefore: epoch)
        let work = try TemporaryDirectory()
        let file = try signedFile(data, signer: signer, in: work)
        let verdict = try gnupg.gpgv(keyring: publicKey, signature: file + ".asc", data: file)
        #expect(verdict.status == 0, "\(verdict.stderr)", sourceLocation: sourceLocation)
        // VALIDSIG <fpr> <date> <time> <expire> <version> <reserved> <pkalgo> <hashalgo> <class> <primary fpr>
        let valid = verdict.output.split(separator: "\n").first { $0.contains("VALIDSIG") }.map { $0.split(separator: " ") }
        #expect(valid?[8] == Substring(algorithm), "\(verdict.output)", sourceLocation: sourceLocation)
        #expect(valid?[9] == "8", "SHA-256: \(verdict.output)", sourceLocation: sourceLocation)
        #expect(valid?[10] == "00", "a binary signature: \(verdict.output)", sourceLocation: sourceLocation)
        let sqop = try run(["sqop", "verify", file + ".asc", publicKey], stdin: Data(data))
        #expect(sqop.status == 0, "\(sqop.stderr)", sourceLocation: sourceLocation)
        #expect(sqop.output.contains(signer.certificate.fingerprintHex), "\(sqop.output)", sourceLocation: sourceLocation)

        var changed = data
        changed[100] ^= 1
        let tampered = try work.write("tampered", changed)
        try FileManager.default.copyItem(atPath: file + ".asc", toPath: tampered + ".asc")
        #expect(try gnupg.gpgv(keyring: publicKey, signature: tampered + ".asc", data: tampered).status != 0,
                sourceLocation: sourceLocation)
        #expect(try run(["sqop", "verify", tampered + ".asc", publicKey], stdin: Data(changed)).status != 0,
                sourceLocation: sourceLocation)
    }

    @Test func gpgMadeRSAProtectedAsGpgExportsIt() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("RSA Signer <rsa@example.com>", algorithm: "rsa3072", passphrase: "correct horse")
        try expectAccepted(secret: try gnupg.exportSecret(fingerprint, passphrase: "correct horse"),
                           public: try gnupg.exportPublic(fingerprint), passphrase: "correct horse", gnupg: gnupg,
                           algorithm: "1")
    }

    @Test func gpgMadeEd25519Protected() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Ed Signer <ed@example.com>", algorithm: "ed25519", passphrase: "pass phrase")
        try expectAccepted(secret: try gnupg.exportSecret(fingerprint, passphrase: "pass phrase"),
                           public: try gnupg.exportPublic(fingerprint), passphrase: "pass phrase", gnupg: gnupg,
                           algorithm: "22")
    }

    @Test func gpgMadeRSAUnprotectedAndBinary() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Plain <plain@example.com>", algorithm: "rsa2048")
        let binary = try gnupg.gpg(["--export-secret-keys", fingerprint]).stdout
        let path = try gnupg.directory.write("binary.gpg", Array(binary))
        try expectAccepted(secret: path, public: try gnupg.exportPublic(fingerprint), passphrase: nil, gnupg: gnupg,
                           algorithm: "1")
    }

    /// A primary key that may only certify signs through its signing subkey.
    @Test func aSigningSubkeyWhenThePrimaryCannotSign() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Sub Signer <sub@example.com>", algorithm: "ed25519", usage: "cert")
        try gnupg.gpg(["--passphrase", "", "--quick-add-key", fingerprint, "ed25519", "sign"])
        let secret = try gnupg.exportSecret(fingerprint)
        let signer = try SigningKeys.signer(key: secret, passphrase: nil, notBefore: epoch)
        #expect(signer.key.fingerprintHex != fingerprint)
        #expect(signer.certificate.fingerprintHex == fingerprint)
        try expectAccepted(secret: secret, public: try gnupg.exportPublic(fingerprint), passphrase: nil, gnupg: gnupg,
                           algorithm: "22")
    }

    @Test(arguments: [KeyGeneration.Algorithm.ed25519, .rsa3072])
    func falcopackMadeKeysImportIntoGpgAndVerify(_ algorithm: KeyGeneration.Algorithm) throws {
        let gnupg = try GnuPG()
        let generated = try KeyGeneration.generate(algorithm, userID: "Made Here <made@example.com>",
                                                   created: epoch - 86400)
        let secret = try gnupg.directory.write("made.asc",
                                               Array(try generated.armoredSecretKey(passphrase: Array("lock it".utf8)).utf8))
        let publicKey = try gnupg.directory.write("made-public.asc", Array(generated.certificate.armoredPublicKey.utf8))
        // gpg takes both halves: the self-signature holds, and the passphrase unlocks the secret locked with
        // AES-256 and an iterated SHA-256 S2K (gpg exports its own keys with AES-128 and SHA-1, read above).
        try gnupg.gpg(["--import", publicKey])
        try gnupg.gpg(["--passphrase", "lock it", "--import", secret])
        let listing = try gnupg.gpg(["--list-secret-keys", "--with-colons"]).output
        #expect(listing.contains(generated.certificate.fingerprintHex))
        let checked = try gnupg.gpg(["--check-signatures", generated.certificate.fingerprintHex]).output
        #expect(checked.contains("sig!"), "\(checked)")
        // Sequoia's policy accepts the certificate (SHA-512 binding, key flags).
        let sqop = try run(["sqop", "extract-cert"], stdin: Data(Array(try generated.armoredSecretKey(passphrase: nil).utf8)))
        #expect(sqop.status == 0, "\(sqop.stderr)")
        try expectAccepted(secret: secret, public: publicKey, passphrase: "lock it", gnupg: gnupg,
                           algorithm: algorithm == .ed25519 ? "22" : "1")
        // A signature is never dated before its key.
        let signer = try SigningKeys.signer(key: secret, passphrase: Array("lock it".utf8), notBefore: 1000)
        #expect(signer.time == epoch - 86400)
    }

    /// The same data, key and time give the same signature bytes.
    @Test func signaturesAreReproducible() throws {
        let generated = try KeyGeneration.generate(.ed25519, userID: "Same <same@example.com>", created: epoch)
        let work = try TemporaryDirectory()
        let secret = try work.write("key.asc", Array(try generated.armoredSecretKey(passphrase: nil).utf8))
        let first = try SigningKeys.signer(key: secret, passphrase: nil, notBefore: epoch).sign(data)
        let second = try SigningKeys.signer(key: secret, passphrase: nil, notBefore: epoch).sign(data)
        #expect(first.packet.bytes == second.packet.bytes)
        #expect(first.created == epoch)
    }

    /// A signed message (container simple signing's form) that gpg and sqop read back.
    @Test func signedMessages() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Message <message@example.com>", algorithm: "rsa2048")
        let signer = try SigningKeys.signer(key: try gnupg.exportSecret(fingerprint), passphrase: nil, notBefore: epoch)
        let message = try signer.signedMessage(Array(#"{"critical":{}}"#.utf8))
        let path = try gnupg.directory.write("message.gpg", message)
        let decoded = try gnupg.gpg(["--decrypt", path])
        #expect(decoded.output == #"{"critical":{}}"#)
        #expect(decoded.stderr.contains("Good signature"))
        let sqop = try run(["sqop", "inline-verify", try gnupg.exportPublic(fingerprint)], stdin: Data(message))
        #expect(sqop.status == 0, "\(sqop.stderr)")
        #expect(try SignedMessage(bytes: message).content == Array(#"{"critical":{}}"#.utf8))
    }
}
