import Foundation
import TestSupport

/// One release built by the executable from Specs/falco.yaml with the demo inputs, shared by the suites that
/// judge it. The stand-in falco is compiled here for a version of the test's own, so the installed binary can
/// prove which version went in.
final class Release: @unchecked Sendable {
    static let version = "9.8.7"
    static let driverVersion = "0.1.1dev+git20220316.e5c53d64"
    static let shared = Result { try Release(version: version) }
    /// The next release, with the same driver, to upgrade to.
    static let next = Result { try Release(version: "9.8.8") }

    let version: String
    let directory: TemporaryDirectory
    let dist: String
    let falcoBinary: String
    /// The aarch64 stand-in, cross-compiled.
    let falcoBinaryArm64: String
    private let extracting = NSLock()

    /// The files of the release, each listed in SHA256SUMS.
    var names: [String] {
        let v = version
        return ["falco-\(v)-module-amd64.deb", "falco-\(v)-bpf-amd64.deb", "falco-\(v)-amd64.deb",
                "falco-\(v)-module-arm64.deb", "falco-\(v)-bpf-arm64.deb", "falco-\(v)-arm64.deb",
                "falco-\(v)-module-x86_64.rpm", "falco-\(v)-bpf-x86_64.rpm", "falco-\(v)-x86_64.rpm",
                "falco-\(v)-module-aarch64.rpm", "falco-\(v)-bpf-aarch64.rpm", "falco-\(v)-aarch64.rpm",
                "falco-\(v)-bin-x86.tar.gz", "falco-\(v)-bin-aarch64.tar.gz", "falco-\(v)-src-x86.tar.gz",
                "falco-\(v)-module-src-x86.tar.gz", "falco-\(v)-bpf-src-x86.tar.gz", "falco-\(v)-images.tar"]
    }

    /// The images' OCI layout, beside the archive.
    var layout: String { path("falco-\(version)-images") }

    func path(_ name: String) -> String { dist + "/" + name }

    private init(version: String) throws {
        self.version = version
        directory = try TemporaryDirectory()
        dist = directory.file("dist")
        falcoBinary = try Self.standIn(version: version, in: directory)
        falcoBinaryArm64 = try Self.standIn(version: version, in: directory, compiler: "aarch64-linux-gnu-gcc")
        let key = try SigningKey.shared.get()
        // The x86_64 binary bare (its ELF header names its machine), the aarch64 one named.
        try falcopack(["all", "--version", version, "--falco-bin", falcoBinary, "--falco-bin", "arm64=" + falcoBinaryArm64,
                       "--out", dist] + (try ImageBases.flags()) + key.flags)
    }

    /// A file of the src tarball (the rendered loader, scripts and entrypoint), extracted with GNU tar.
    func sourceFile(_ member: String) throws -> String {
        let output = directory.file("src/" + member)
        try extracting.withLock {
            guard !FileManager.default.fileExists(atPath: output) else { return }
            let top = "falco-\(version)-src-x86"
            try runChecked(["tar", "-xzf", path(top + ".tar.gz"), "-C", directory.path, "--transform", "s|^\(top)|src|",
                            top + "/" + member])
        }
        return output
    }

    /// Builds the stand-in falco from Payloads/demo for `version`.
    static func standIn(version: String, in directory: TemporaryDirectory, compiler: String = "gcc") throws -> String {
        let output = directory.file("falco-\(version)" + (compiler == "gcc" ? "" : "-" + compiler))
        try runChecked([compiler, "-O2", "-s", "-o", output, "-DFALCO_VERSION=\"\(version)\"",
                        "-DDRIVER_VERSION=\"\(driverVersion)\"", repositoryRoot() + "/Payloads/demo/falco.c"])
        return output
    }
}

/// The key the test releases are signed with: RSA, as Falco's is, made by gpg and exported locked with a
/// passphrase, as gpg exports keys; the passphrase is read from a file that ends in a line break.
final class SigningKey: @unchecked Sendable {
    static let passphrase = "falco test passphrase"
    static let shared = Result { try SigningKey() }

    let gnupg: GnuPG
    let fingerprint: String
    let secretKey: String
    let publicKey: String
    let passphraseFile: String

    private init() throws {
        gnupg = try GnuPG()
        fingerprint = try gnupg.generate("Falco Test Signing <signing@falco.example>", algorithm: "rsa3072",
                                         passphrase: Self.passphrase)
        secretKey = try gnupg.exportSecret(fingerprint, passphrase: Self.passphrase)
        publicKey = try gnupg.exportPublic(fingerprint)
        passphraseFile = try gnupg.directory.write("passphrase", Array((Self.passphrase + "\n").utf8))
    }

    var flags: [String] { ["--signing-key", secretKey, "--signing-passphrase-file", passphraseFile] }
    /// The long key ID, as rpm and debsig-verify name the key.
    var keyID: String { String(fingerprint.suffix(16)) }
}

/// Runs the executable from the repository root, as the README does, and fails on a non-zero exit.
@discardableResult
func falcopack(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
    let result = try runIn(repositoryRoot(), [falcopackExecutable()] + arguments, environment: environment)
    guard result.status == 0 else {
        throw ToolError(description: "falcopack \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result
}

/// Falco's spec without its images, its relative paths made absolute so it can sit anywhere: small releases, quickly.
func specWithoutImages() throws -> String {
    let text = try String(contentsOfFile: repositoryRoot() + "/Specs/falco.yaml", encoding: .utf8)
    var lines = text.components(separatedBy: "\n")
    if let cut = lines.firstIndex(where: { $0.hasPrefix("# The container images") }),
       let resume = lines.firstIndex(where: { $0.hasPrefix("# Signed as it is written") }) {
        lines.removeSubrange(cut..<resume)
    }
    return lines.joined(separator: "\n").replacingOccurrences(of: "../", with: repositoryRoot() + "/")
}

/// Runs a command in a folder without failing on its exit status.
func runIn(_ directory: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
    try run(arguments, environment: environment, in: directory)
}
