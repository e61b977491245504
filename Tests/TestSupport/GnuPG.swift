import Foundation

/// A throwaway GnuPG home for making keys with gpg and judging signatures with gpgv and sqop. falcopack itself never
/// runs gpg; the tests use it as the reference that made and reads the keys users have.
public final class GnuPG {
    public let directory: TemporaryDirectory
    public let home: String

    public init() throws {
        directory = try TemporaryDirectory()
        home = directory.file("gnupg")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
    }

    deinit {
        _ = try? run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"])
    }

    public var environment: [String: String] { ["GNUPGHOME": home] }

    @discardableResult
    public func gpg(_ arguments: [String], stdin: Data? = nil) throws -> ToolResult {
        let result = try run(["gpg", "--batch", "--yes", "--homedir", home, "--pinentry-mode", "loopback"] + arguments,
                             stdin: stdin, environment: environment)
        guard result.status == 0 else {
            throw ToolError(description: "gpg \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// Makes a key with `gpg --quick-gen-key`; returns its fingerprint.
    public func generate(_ userID: String, algorithm: String, usage: String = "sign", passphrase: String = "",
                  expire: String = "never", extra: [String] = []) throws -> String {
        try gpg(["--passphrase", passphrase] + extra + ["--quick-gen-key", userID, algorithm, usage, expire])
        let listing = try gpg(["--list-keys", "--with-colons", userID]).output
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else {
            throw ToolError(description: "gpg made no key for \(userID)")
        }
        return String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
    }

    /// `gpg --export-secret-keys --armor` into a file; returns its path.
    public func exportSecret(_ fingerprint: String, passphrase: String = "", extra: [String] = []) throws -> String {
        let output = try gpg(["--passphrase", passphrase, "--armor"] + extra + ["--export-secret-keys", fingerprint]).stdout
        return try directory.write("secret-\(fingerprint).asc", Array(output))
    }

    public func exportPublic(_ fingerprint: String) throws -> String {
        let output = try gpg(["--armor", "--export", fingerprint]).stdout
        return try directory.write("public-\(fingerprint).asc", Array(output))
    }

    /// A binary keyring of an armored key, as gpgv 2.2 needs.
    public func keyring(_ armored: String) throws -> String {
        let output = directory.file((armored as NSString).lastPathComponent + ".gpg")
        try runChecked(["gpg", "--batch", "--yes", "--homedir", home, "--dearmor", "--output", output, armored])
        return output
    }

    /// gpgv's verdict on a detached signature: its exit status and status lines.
    public func gpgv(keyring armored: String, signature: String, data: String) throws -> ToolResult {
        try run(["gpgv", "--keyring", try keyring(armored), "--status-fd", "1", signature, data])
    }
}
