import ArgumentParser
import Signing

/// The key of the commands that sign what builds wrote (`publish`, `merge`): the key that signed the releases.
struct SigningKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The OpenPGP secret key that signed the releases and signs what this writes (else FALCOPACK_SIGNING_KEY).",
                               valueName: "file"))
    var signingKey: String?

    @Option(help: ArgumentHelp("Read the key's passphrase from this file; else FALCOPACK_SIGNING_PASSPHRASE.", valueName: "file"))
    var signingPassphraseFile: String?

    /// The key given, unlocked, signing no earlier than `notBefore`; nil when no key is given.
    func signer(environment: [String: String], notBefore: Int64) throws -> Signer? {
        guard let key = signingKey ?? environment["FALCOPACK_SIGNING_KEY"], !key.isEmpty else { return nil }
        return try SigningKeys.signer(key: key, passphrase: try SigningKeys.passphrase(file: signingPassphraseFile),
                                      notBefore: UInt32(clamping: notBefore))
    }
}
