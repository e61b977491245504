import ArgumentParser
import FalcoArtifacts
import FormatSeam
import Foundation
import Release
import Signing

struct RepoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Look after a published repository: take a release out, rotate the signing key, check what is served.",
        discussion: """
            The repository's settings (names, suite, key file, URL, the keys that sign it) come from the \
            repository.json publish recorded at its top: no spec is read. Exit 66 for a repository, version or key \
            these commands refuse (nothing changes), 75 when another run holds the repository.
            """,
        subcommands: [RepoRemoveCommand.self, RepoRotateCommand.self, RepoCheckCommand.self, RepoUploadPlanCommand.self])
}

/// The date the repository commands sign with: SOURCE_DATE_EPOCH, else now.
func repositoryDate(_ environment: [String: String]) throws -> Int64 {
    guard let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty else { return Int64(Date().timeIntervalSince1970) }
    guard let seconds = Int64(text), seconds >= 0 else {
        throw ValidationError("SOURCE_DATE_EPOCH '\(text)' is not a number of seconds since 1970")
    }
    return seconds
}

/// Keys named by `--previous-key`, each unlocked with the passphrase file given for it, if any.
struct PreviousKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A secret key that signs the repository now and goes on signing its indexes beside the new one until --retire; once per key.",
                               valueName: "file"))
    var previousKey: [String] = []

    @Option(help: ArgumentHelp("Read the previous key's passphrase from this file; else FALCOPACK_PREVIOUS_PASSPHRASE.", valueName: "file"))
    var previousPassphraseFile: String?

    func signers(environment: [String: String], notBefore: Int64) throws -> [Signer] {
        let passphrase = try previousPassphraseFile.map { try SigningKeys.passphrase(file: $0) }
            ?? environment["FALCOPACK_PREVIOUS_PASSPHRASE"].map { Array($0.utf8) }
        return try previousKey.map {
            try SigningKeys.signer(key: $0, passphrase: passphrase, notBefore: UInt32(clamping: notBefore))
        }
    }
}

struct RepoRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take releases out of a repository: their packages out of the indexes, their files and section of the page.",
        discussion: """
            Committed as publish is: a client sees the repository before or after, whole. Package files stay while \
            the previous generation of indexes names them, so a client mid-update still downloads what it listed; \
            the next publish, remove or rotate removes them. A version the repository does not hold, or taking out \
            its last release, changes nothing (exit 66).
            """)

    @Argument(help: ArgumentHelp("The versions to take out.", valueName: "version"))
    var versions: [String]

    @Option(help: ArgumentHelp("The repository folder.", valueName: "dir"))
    var repo: String

    @Option(help: ArgumentHelp("Whose releases they are, in a repository of several projects (default: its first).",
                               valueName: "name"))
    var product: String?

    @OptionGroup var key: SigningKeyOptions
    @OptionGroup var previous: PreviousKeyOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        do {
            let environment = ProcessInfo.processInfo.environment
            let date = try repositoryDate(environment)
            guard let signer = try key.signer(environment: environment, notBefore: date) else {
                throw ValidationError("remove signs the repository's indexes: pass --signing-key FILE or set FALCOPACK_SIGNING_KEY")
            }
            let report = try RepositoryOperations.remove(versions, product: product, repository: repo,
                                                         formats: FalcoBuild.formats, signer: signer,
                                                         previous: try previous.signers(environment: environment, notBefore: date),
                                                         date: date)
            try RepoOutput.print(report, repository: repo, json: json, done: "took out \(report.removed.joined(separator: ", "))")
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

struct RepoRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Sign a repository and everything in it with a new key; the indexes carry the old key's signatures too until --retire.",
        discussion: """
            Every package is signed again with the new key under a new name in the pool (the old file stays while a \
            served generation names it); every release's detached signatures are made again and its SHA256SUMS, \
            bills of materials and manifest list the new digests; InRelease, Release.gpg and repomd.xml.asc are \
            signed by both keys and the key file holds both, so clients that trust either key keep working. \
            Later, --retire (with the new key alone) drops the old key.
            """)

    @Option(help: ArgumentHelp("The repository folder.", valueName: "dir"))
    var repo: String

    @OptionGroup var key: SigningKeyOptions
    @OptionGroup var previous: PreviousKeyOptions

    @Flag(help: "End the transition: sign the indexes and write the key file with the new key alone.")
    var retire = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if retire && !previous.previousKey.isEmpty { throw ValidationError("--retire drops the previous keys: give --signing-key alone") }
        if !retire && previous.previousKey.isEmpty {
            throw ValidationError("rotate needs the key that signs the repository now: pass --previous-key FILE (or --retire to end a rotation)")
        }
    }

    func run() throws {
        do {
            let environment = ProcessInfo.processInfo.environment
            let date = try repositoryDate(environment)
            guard let signer = try key.signer(environment: environment, notBefore: date) else {
                throw ValidationError("rotate needs the new key: pass --signing-key FILE or set FALCOPACK_SIGNING_KEY")
            }
            let report = try RepositoryOperations.rotate(repository: repo, formats: FalcoBuild.formats, signer: signer,
                                                         previous: try previous.signers(environment: environment, notBefore: date),
                                                         retire: retire, date: date)
            try RepoOutput.print(report, repository: repo, json: json,
                                 done: retire ? "signed by \(signer.certificate.fingerprintHex) alone"
                                     : "signed again by \(signer.certificate.fingerprintHex) (\(report.resigned) packages)")
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

struct RepoCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify a repository as its clients would, from its folder or from a server (http://, https://).",
        discussion: """
            Checks every index signature, every file each index lists with its size and digests (by-hash copies \
            too), every package's own signature, every release's files, SHA256SUMS and detached signatures, and \
            the page's links. HTTPS trusts the system's certificate authorities (/etc/ssl/certs). Each problem is \
            one line; exit 1 when there is any.
            """)

    @Argument(help: ArgumentHelp("The repository folder, or the URL it is served at.", valueName: "dir-or-url"))
    var location: String

    @Option(help: ArgumentHelp("The public key (or keys) clients trust.", valueName: "file"))
    var publicKey: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        do {
            let keyring = try Keyring.load(path: publicKey)
            let report = try RepositoryChecker.check(location, formats: FalcoBuild.formats, keyring: keyring)
            if json {
                try JSONOutput.print(["repository": location, "problems": report.problems, "packages": report.packages,
                                      "releases": report.releases, "files": report.files] as [String: Any])
            } else {
                for problem in report.problems { print(problem) }
                print("\(location): \(report.problems.isEmpty ? "good" : "\(report.problems.count) problems"): \(report.packages) packages, \(report.releases) releases, \(report.files) files checked")
            }
            if !report.problems.isEmpty { throw ExitCode(1) }
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

struct RepoUploadPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload-plan",
        abstract: "How to bring a repository folder to object storage or a static server without a client ever seeing it half-updated.",
        discussion: """
            Four phases: 1. files no served index names yet (packages, by-hash indexes, metadata named by digest),             copied when the remote lacks them; 2. the key file and each format's indexes, each under a temporary             name then moved, in order (repomd.xml.asc first as a signature good for the old and the new repomd.xml,             then repomd.xml, then its own signature; InRelease last); 3. each release's sums, bills of materials and             signatures, the client files, repository.json and index.html; 4. once a CDN's cache time has passed,             removing what neither the new nor the previous generation names. With --rclone, a POSIX shell script             that does it with rclone: sh upload.sh REMOTE:PATH, later sh upload.sh REMOTE:PATH prune.
            """)

    @Argument(help: ArgumentHelp("The repository folder.", valueName: "dir"))
    var repo: String

    @Flag(help: "Print an rclone script instead of the plan.")
    var rclone = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        do {
            let plan = try UploadPlan.make(repo, formats: FalcoBuild.formats)
            if rclone {
                Swift.print(plan.rclone(local: repo), terminator: "")
            } else if json {
                func steps(_ steps: [UploadPlan.Step]) -> [[String: String]] { steps.map { ["source": $0.source, "target": $0.target] } }
                try JSONOutput.print(["content": plan.content, "indexes": steps(plan.indexes), "top": steps(plan.top),
                                      "keep": plan.keep] as [String: Any])
            } else {
                Swift.print(plan.text, terminator: "")
            }
        } catch {
            throw Failure.exit(for: error)
        }
    }
}

enum RepoOutput {
    static func print(_ report: Publisher.Report, repository: String, json: Bool, done: String) throws {
        for warning in report.warnings { FileHandle.standardError.write(Data("falcopack: warning: \(warning)\n".utf8)) }
        if json {
            try JSONOutput.print(["repository": repository, "removed": report.removed, "resigned": report.resigned,
                                  "releases": report.releases, "warnings": report.warnings] as [String: Any])
        } else {
            Swift.print("\(repository): \(done); holds \(report.releases.joined(separator: ", "))")
        }
    }
}
