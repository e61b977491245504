import Foundation
import Signing
import Testing
import TestSupport

/// A key held by gpg-agent signs through the agent's socket, with no gpg process: what a smartcard or hardware
/// token needs, shown here with keys the agent holds on disk.
@Suite struct AgentTests {
    let data = Array("signed through the agent\n".utf8)

    func expectSigns(_ gnupg: GnuPG, fingerprint: String, passphrase: String?) throws {
        let signer = try SigningKeys.signer(key: "gpg-agent:\(fingerprint)", passphrase: passphrase.map { Array($0.utf8) },
                                            notBefore: 1_620_345_600, environment: gnupg.environment)
        #expect(signer.certificate.fingerprintHex == fingerprint)
        let work = try TemporaryDirectory()
        let file = try signedFile(data, signer: signer, in: work)
        let verdict = try gnupg.gpgv(keyring: try gnupg.exportPublic(fingerprint), signature: file + ".asc", data: file)
        #expect(verdict.status == 0, "\(verdict.stderr)")
        #expect(verdict.output.contains("VALIDSIG"))
    }

    @Test func rsaAndEd25519KeysInTheAgent() throws {
        let gnupg = try GnuPG()
        let rsa = try gnupg.generate("Agent RSA <agent-rsa@example.com>", algorithm: "rsa2048")
        let ed = try gnupg.generate("Agent Ed <agent-ed@example.com>", algorithm: "ed25519")
        try gnupg.gpg(["--list-secret-keys"])
        try expectSigns(gnupg, fingerprint: rsa, passphrase: nil)
        try expectSigns(gnupg, fingerprint: ed, passphrase: nil)
    }

    /// The agent asks for the passphrase of a locked key; falcopack answers it (loopback), never on a command line.
    @Test func aLockedKeyInTheAgent() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Locked Agent <locked-agent@example.com>", algorithm: "ed25519",
                                             passphrase: "agent secret")
        // A fresh agent, so the passphrase is not cached from making the key.
        try runChecked(["gpgconf", "--homedir", gnupg.home, "--kill", "gpg-agent"])
        try runChecked(["gpg-connect-agent", "--homedir", gnupg.home, "/bye"])
        #expect(throws: SigningKeyError.self) {
            _ = try SigningKeys.signer(key: "gpg-agent:\(fingerprint)", passphrase: Array("wrong".utf8), notBefore: 0,
                                       environment: gnupg.environment).sign(data)
        }
        try expectSigns(gnupg, fingerprint: fingerprint, passphrase: "agent secret")
    }

    @Test func aKeyTheAgentDoesNotHold() throws {
        let gnupg = try GnuPG()
        let fingerprint = try gnupg.generate("Elsewhere <elsewhere@example.com>", algorithm: "ed25519")
        // The public key stays in the keyring; the agent loses the secret.
        try gnupg.gpg(["--delete-secret-keys", fingerprint])
        do {
            _ = try SigningKeys.signer(key: "gpg-agent:\(fingerprint)", passphrase: nil, notBefore: 0,
                                       environment: gnupg.environment)
            Issue.record("a key the agent does not hold was accepted")
        } catch let error as SigningKeyError {
            #expect(error.description.contains("holds no secret key for \(fingerprint)"), "\(error)")
        }
        #expect(throws: SigningKeyError.self) {
            _ = try SigningKeys.signer(key: "gpg-agent:0123", passphrase: nil, notBefore: 0, environment: gnupg.environment)
        }
    }
}
