import Foundation
import Testing
import TestSupport

/// Signing from the command line: keys from a flag, the environment or gpg-agent; Ed25519 rpm signatures; keys
/// falcopack makes; and a key that cannot sign stopping the build before anything is written.
@Suite struct SigningCommandTests {
    let key: SigningKey
    init() throws { key = try SigningKey.shared.get() }

    /// Builds the bpf rpm (the smallest package) with extra arguments and environment; returns the result and the
    /// output folder.
    func buildRPM(_ arguments: [String], environment: [String: String] = [:], work: TemporaryDirectory) throws
        -> (ToolResult, String) {
        let out = work.file("dist")
        let result = try runIn(repositoryRoot(), [falcopackExecutable(), "rpm", "--driver", "bpf", "--out", out] + arguments,
                               environment: environment)
        return (result, out)
    }

    func rpmSignatureLine(_ rpm: String, publicKey: String, work: TemporaryDirectory) throws -> String {
        let database = work.file("rpmdb-\(UUID().uuidString)")
        try runChecked(["rpmkeys", "--dbpath", database, "--import", publicKey])
        return try runChecked(["rpmkeys", "--dbpath", database, "-Kv", rpm]).output
    }

    @Test func theKeyItselfInTheEnvironmentAndThePassphraseToo() throws {
        let work = try TemporaryDirectory()
        let armored = try String(contentsOfFile: key.secretKey, encoding: .utf8)
        let (result, out) = try buildRPM([], environment: ["FALCOPACK_SIGNING_KEY": armored,
                                                           "FALCOPACK_SIGNING_PASSPHRASE": SigningKey.passphrase], work: work)
        #expect(result.status == 0, "\(result.stderr)")
        let line = try rpmSignatureLine(out + "/falco-0.28.1-bpf-x86_64.rpm", publicKey: key.publicKey, work: work)
        #expect(line.contains("Header V4 RSA/SHA256 Signature, key ID \(key.fingerprint.suffix(8).lowercased()): OK"), "\(line)")
    }

    /// An Ed25519 key falcopack made: the rpm header signature goes in tag 267, which rpm 4.16 and later verify.
    @Test func anEd25519KeyFalcopackMade() throws {
        let work = try TemporaryDirectory()
        let secret = work.file("ed25519.asc"), publicKey = work.file("ed25519.pub.asc")
        let made = try runIn(repositoryRoot(), [falcopackExecutable(), "key", "generate", "--user-id", "Ed Test <ed@falco.example>",
                                                "--algorithm", "ed25519", "--out", secret, "--public-out", publicKey])
        #expect(made.status == 0, "\(made.stderr)")
        let fingerprint = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(fingerprint.count == 40)
        let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // export gives the same public key as --public-out.
        let exported = try runIn(repositoryRoot(), [falcopackExecutable(), "key", "export", secret])
        #expect(exported.output == (try String(contentsOfFile: publicKey, encoding: .utf8)))
        // It never replaces a key file.
        let again = try runIn(repositoryRoot(), [falcopackExecutable(), "key", "generate", "--user-id", "X <x@y.z>", "--out", secret])
        #expect(again.status == 64, "\(again.stderr)")

        let (result, out) = try buildRPM(["--signing-key", secret], work: work)
        #expect(result.status == 0, "\(result.stderr)")
        let rpm = out + "/falco-0.28.1-bpf-x86_64.rpm"
        let line = try rpmSignatureLine(rpm, publicKey: publicKey, work: work)
        #expect(line.contains("Header V4 EdDSA/SHA256 Signature, key ID \(fingerprint.suffix(8).lowercased()): OK"), "\(line)")
        let tags = try runChecked(["rpm", "-qp", "--qf", "%{DSAHEADER:pgpsig}|%{RSAHEADER:pgpsig}", rpm]).output
        #expect(tags.hasSuffix("|(none)"), "EdDSA in 267, nothing in 268: \(tags)")
    }

    @Test func aKeyInGpgAgent() throws {
        let work = try TemporaryDirectory()
        try key.gnupg.gpg(["--passphrase", SigningKey.passphrase, "--list-secret-keys"])
        let (result, out) = try buildRPM(["--signing-key", "gpg-agent:\(key.fingerprint)"],
                                         environment: key.gnupg.environment.merging(["FALCOPACK_SIGNING_PASSPHRASE": SigningKey.passphrase]) { $1 },
                                         work: work)
        #expect(result.status == 0, "\(result.stderr)")
        let line = try rpmSignatureLine(out + "/falco-0.28.1-bpf-x86_64.rpm", publicKey: key.publicKey, work: work)
        #expect(line.contains("Header V4 RSA/SHA256 Signature"), "\(line)")
        #expect(line.contains(": OK"))
    }

    /// What cannot sign: one line naming the key file, exit 66, no output folder contents, no passphrase shown.
    @Test func aKeyThatCannotSignStopsTheBuild() throws {
        let work = try TemporaryDirectory()
        let wrongPassphrase = try work.write("wrong", Array("not the passphrase\n".utf8))
        let cases: [(arguments: [String], environment: [String: String], text: String)] = [
            (["--signing-key", key.secretKey, "--signing-passphrase-file", wrongPassphrase], [:],
             "signing key '\(key.secretKey)': the passphrase does not unlock it"),
            (["--signing-key", key.secretKey], [:], "is locked with a passphrase; set FALCOPACK_SIGNING_PASSPHRASE"),
            (["--signing-key", key.publicKey], [:], "holds a public key only"),
            (["--signing-key", work.file("absent.asc")], [:], "no such file"),
            ([], ["FALCOPACK_SIGNING_KEY": key.publicKey], "signing key '\(key.publicKey)': cannot sign"),
        ]
        for (index, testCase) in cases.enumerated() {
            let out = work.file("dist-\(index)")
            let result = try runIn(repositoryRoot(), [falcopackExecutable(), "all", "--out", out] + testCase.arguments,
                                   environment: try ImageBases.environment().merging(testCase.environment) { $1 })
            #expect(result.status == 66, "\(testCase.arguments): \(result.stderr)")
            #expect(result.stderr.contains(testCase.text), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!result.stderr.contains("not the passphrase"))
            let written = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(written.isEmpty, "nothing is written: \(written)")
        }
    }
}
