import ArgumentParser
import ByteIO
import Foundation
import Pipeline
import Signing

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make an OpenPGP signing key, or export a key's public part.",
        subcommands: [KeyGenerateCommand.self, KeyExportCommand.self])
}

struct KeyGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new secret key that certifies and signs, with a SHA-512 self-signature.",
        discussion: """
            The key is locked with a passphrase when one is given (--passphrase-file, or FALCOPACK_SIGNING_PASSPHRASE): \
            iterated and salted SHA-256, AES-256, as gpg reads it. The file is created with mode 0600 and never \
            replaces an existing one. The fingerprint is printed.
            """)

    @Option(help: ArgumentHelp("Who the key belongs to.", valueName: "Name <email>"))
    var userID: String

    @Option(help: "rsa4096, rsa3072 or ed25519. rpm before 4.16 verifies RSA only.")
    var algorithm: KeyGeneration.Algorithm = .rsa4096

    @Option(help: ArgumentHelp("Days until the key expires; default never.", valueName: "days"))
    var expires: UInt32?

    @Option(help: ArgumentHelp("The key's creation time, seconds since 1970; default now.", valueName: "seconds"))
    var created: UInt32?

    @Option(help: ArgumentHelp("Read the passphrase that locks the key from this file (its final line break is dropped).",
                               valueName: "file"))
    var passphraseFile: String?

    @Option(help: ArgumentHelp("Where the armored secret key goes.", valueName: "file"))
    var out: String

    @Option(help: ArgumentHelp("Also write the armored public key here.", valueName: "file"))
    var publicOut: String?

    func validate() throws {
        if userID.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("'--user-id' is empty") }
        if let expires, expires == 0 || expires > 36500 { throw ValidationError("'--expires' must be 1 to 36500 days") }
    }

    func run() throws {
        do {
            let passphrase = try SigningKeys.passphrase(file: passphraseFile)
            let created = self.created ?? UInt32(Date().timeIntervalSince1970)
            let generated = try KeyGeneration.generate(algorithm, userID: userID, created: created,
                                                       lifetime: expires.map { $0 * 86400 })
            try writeNew(out, Array(try generated.armoredSecretKey(passphrase: passphrase).utf8), mode: 0o600)
            if let publicOut {
                try writeNew(publicOut, Array(generated.certificate.armoredPublicKey.utf8), mode: 0o644)
            }
            print(generated.certificate.fingerprintHex)
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

struct KeyExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the armored public key of a key file (secret or public, armored or binary), for users to import.")

    @Argument(help: ArgumentHelp("The key file.", valueName: "file"))
    var key: String

    @Option(help: ArgumentHelp("Write it here instead of standard output.", valueName: "file"))
    var out: String?

    func run() throws {
        do {
            guard let data = FileManager.default.contents(atPath: key) else {
                throw SigningKeyError(key: key, reason: "cannot be read")
            }
            let certificates: [Certificate]
            do {
                certificates = try Certificate.read(Array(data))
            } catch {
                throw SigningKeyError(key: key, reason: "is not an OpenPGP key: \(error)")
            }
            let text = certificates.map(\.armoredPublicKey).joined()
            if let out {
                try writeNew(out, Array(text.utf8), mode: 0o644, replacing: true)
            } else {
                print(text, terminator: "")
            }
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

/// Writes a file through a temporary name; refuses to replace one unless asked.
func writeNew(_ path: String, _ bytes: [UInt8], mode: mode_t, replacing: Bool = false) throws {
    if !replacing && FileManager.default.fileExists(atPath: path) {
        throw ValidationError("'\(path)' exists; falcopack does not overwrite a key file")
    }
    let file = try OutputFile(path: path, permissions: mode)
    try file.write(bytes)
    try file.commit()
}

extension KeyGeneration.Algorithm: ExpressibleByArgument {}
