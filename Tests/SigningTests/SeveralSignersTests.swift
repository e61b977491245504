import Foundation
import Signing
import Testing
import TestSupport

/// What a repository carries while its key is rotated: one clearsigned text and one detached signature by two
/// keys, and a key file of both. gpgv and sqop judge them: each key alone finds its signature good.
@Suite struct SeveralSignersTests {
    let epoch: UInt32 = 1_620_345_600

    func signers(_ gnupg: GnuPG) throws -> (old: Signer, new: Signer, oldKey: String, newKey: String) {
        let old = try gnupg.generate("Old <old@example.com>", algorithm: "ed25519")
        let new = try gnupg.generate("New <new@example.com>", algorithm: "rsa3072")
        return (try SigningKeys.signer(key: try gnupg.exportSecret(old), passphrase: nil, notBefore: epoch),
                try SigningKeys.signer(key: try gnupg.exportSecret(new), passphrase: nil, notBefore: epoch),
                try gnupg.exportPublic(old), try gnupg.exportPublic(new))
    }

    @Test func aClearsignedTextByTwoKeysIsGoodForEither() throws {
        let gnupg = try GnuPG()
        let (old, new, oldKey, newKey) = try signers(gnupg)
        let text = "Origin: Falco\nSuite: stable\n- a line that starts with a dash\ntrailing blanks   \n"
        let signed = try Signer.clearsign(text, by: [new, old])
        let file = try gnupg.directory.write("InRelease", Array(signed.utf8))
        for key in [oldKey, newKey] {
            let result = try run(["gpgv", "--status-fd", "1", "--keyring", try gnupg.keyring(key), file])
            // gpgv exits 2 for the signature whose key it lacks, and reports the other good.
            #expect(result.status == 2 && result.output.contains("GOODSIG") && result.output.contains("NO_PUBKEY"), "\(result.output)")
        }
        let both = try gnupg.directory.write("both.asc", Array((try String(contentsOfFile: oldKey, encoding: .utf8)
                                                                 + String(contentsOfFile: newKey, encoding: .utf8)).utf8))
        #expect(try run(["gpgv", "--keyring", try gnupg.keyring(both), file]).status == 0)

        // Read back: the text as signed, and each signature good against a keyring of either key.
        let message = try Cleartext(signed)
        #expect(message.text == text)
        #expect(message.signatures.count == 2)
        for key in [oldKey, newKey] {
            let keyring = try Keyring.load(path: key)
            #expect(keyring.problem(with: message.signatures, feeding: { $0.update(message.signed) }) == nil)
        }
        let changed = try Cleartext(signed.replacingOccurrences(of: "stable", with: "stabla"))
        #expect(try Keyring.load(path: newKey).problem(with: changed.signatures, feeding: { $0.update(changed.signed) }) != nil)
    }

    @Test func aDetachedSignatureByTwoKeysAndAKeyFileOfBoth() throws {
        let gnupg = try GnuPG()
        let (old, new, oldKey, newKey) = try signers(gnupg)
        let data = Array("<repomd/>\n".utf8) + SampleData.bytes(count: 5_000)
        let file = try gnupg.directory.write("repomd.xml", data)
        _ = try gnupg.directory.write("repomd.xml.asc", Array(try Signer.armored(data, by: [new, old]).utf8))
        let keys = try gnupg.directory.write("keys.asc", Array(Certificate.armoredPublicKeys([new.certificate, old.certificate]).utf8))
        #expect(try gnupg.gpgv(keyring: keys, signature: file + ".asc", data: file).status == 0)
        for key in [oldKey, newKey] {
            let sqop = try run(["sqop", "verify", file + ".asc", key], stdin: Data(data))
            #expect(sqop.status == 0, "\(sqop.stderr)")
        }
        // One armored block of both certificates, and two blocks one after the other, read alike.
        let concatenated = try gnupg.directory.write("cat.asc", Array((try String(contentsOfFile: newKey, encoding: .utf8)
                                                                       + String(contentsOfFile: oldKey, encoding: .utf8)).utf8))
        for path in [keys, concatenated] {
            #expect(try Keyring.load(path: path).certificates.map(\.fingerprintHex) == [new.certificate.fingerprintHex, old.certificate.fingerprintHex])
        }
        #expect(try gnupg.gpg(["--show-keys", "--with-colons", keys]).output.split(separator: "\n").filter { $0.hasPrefix("pub") }.count == 2)
    }
}
