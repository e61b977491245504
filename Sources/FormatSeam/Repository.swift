import ByteIO
import Foundation
import PackageModel
import Signing

/// A package format's repository: the folder its package manager's clients read (apt's `dists/` and `pool/`,
/// yum's `repodata/`). A publish stages everything first — package files and indexes under names no client reads
/// yet — and hands back the renames that make it live, done last and in order, so a client sees the old
/// repository or the new one, whole.
public protocol PackageRepository: Sendable {
    /// The format's folder under the repository root: `deb`, `rpm`.
    var folder: String { get }

    /// Stages `change` (this format's files of one or more releases to add, packages to take out, a key to sign
    /// every package with again) into the repository at `path` through `staging`, reading its current indexes,
    /// never its earlier packages. Nothing a client reads changes until the returned renames run; a run that fails
    /// discards what `staging` placed. A package file goes only when neither the new indexes nor the ones they
    /// replace name it, so a client holding the previous generation still downloads what it lists.
    func stage(_ change: RepositoryChange, at path: String, settings: RepositorySettings,
               staging: StagingArea) throws -> StagedRepository

    /// Checks the repository as its clients would, reading through `source`: every index signature against
    /// `keyring`, every file each index names with its size and digests, every package's own signature. One line
    /// per problem; empty when there is none.
    func check(_ source: any RepositorySource, settings: RepositorySettings, keyring: Keyring,
               signatures: @Sendable (String) throws -> [EmbeddedSignature]) -> RepositoryCheck

    /// The files of the repository clients read by name and whose bytes change from one generation to the next,
    /// relative to the format's folder, in the order an upload must change them (each after the files it names);
    /// `source` is the local file whose bytes go under `target` (a signature good for both generations first,
    /// say). Every other file under the folder keeps its bytes under its name.
    func uploadOrder(settings: RepositorySettings) -> [(source: String, target: String)]

    /// How clients add the repository: files to offer beside it (`falco.list`, `falco.repo`), by name.
    func clientFiles(url: String, settings: RepositorySettings) -> [(name: String, contents: String)]

    /// What the repository's page tells users of this format's systems to run, as plain text.
    func clientInstructions(url: String, settings: RepositorySettings) -> ClientInstructions
}

extension PackageRepository {
    /// Where clients reach `path` of the repository whose top is at `url`.
    public func address(_ path: String, under url: String) -> String {
        (url.hasSuffix("/") ? url : url + "/") + path
    }
}

/// The systems a repository format serves, and the commands that add the repository and install from it.
public struct ClientInstructions: Sendable {
    public var systems: String
    public var commands: [String]

    public init(systems: String, commands: [String]) {
        self.systems = systems
        self.commands = commands
    }
}

/// What one run changes in a format's repository.
public struct RepositoryChange: Sendable {
    /// Package files to add.
    public var packages: [PublishedPackage]
    /// Packages to take out, by their location under the format's folder.
    public var removing: Set<String>
    /// Signs every package the repository keeps again, each under a new name (the old one stays for clients
    /// holding the previous indexes); nil leaves them as they are.
    public var resigner: Signer?
    /// Sign the indexes: first the key the packages are signed with, then any still trusted while a key is rotated.
    public var signers: [Signer]

    public init(packages: [PublishedPackage] = [], removing: Set<String> = [], resigner: Signer? = nil, signers: [Signer]) {
        self.packages = packages
        self.removing = removing
        self.resigner = resigner
        self.signers = signers
    }
}

/// A package signed again (now, or by an earlier run of the same rotation): the digest it had, and its file now.
public struct ResignedPackage: Sendable {
    /// The SHA-256 of the file it replaces, in hexadecimal.
    public var previousSHA256: String
    public var sha256: String
    public var size: UInt64
    /// Its new location under the format's folder.
    public var location: String

    public init(previousSHA256: String, sha256: String, size: UInt64, location: String) {
        self.previousSHA256 = previousSHA256
        self.sha256 = sha256
        self.size = size
        self.location = location
    }
}

/// Where `repo check` reads a repository: a folder, or a served copy.
public protocol RepositorySource: Sendable {
    /// What the client would call the file: its URL or path, for messages.
    func describe(_ path: String) -> String
    /// The bytes of `path` (relative to the repository's top), or nil when there is no such file.
    func bytes(_ path: String) throws -> [UInt8]?
    /// `path` as a local file, to read in pieces (a package); nil when there is no such file.
    func file(_ path: String) throws -> String?
}

/// What checking a format's repository found: its problems, and every file it names (for the page's links and
/// the uploads), relative to the format's folder.
public struct RepositoryCheck: Sendable {
    public var problems: [String]
    public var files: Set<String>
    /// How many packages were checked.
    public var packages: Int

    public init(problems: [String] = [], files: Set<String> = [], packages: Int = 0) {
        self.problems = problems
        self.files = files
        self.packages = packages
    }
}

/// A check under way: reads the repository's files through its source, each problem kept as a line naming the
/// file as the client would.
public struct RepositoryCheckSession {
    public let source: any RepositorySource
    public var result = RepositoryCheck()

    public init(_ source: any RepositorySource) {
        self.source = source
    }

    public mutating func problem(_ path: String, _ reason: String) {
        result.problems.append("\(source.describe(path)): \(reason)")
    }

    /// Checks each package on every core: its file is there (`listedIn` names the index that lists it), `digests`
    /// says what of it does not match that index, and one of its own signatures is good against `keyring`.
    public mutating func checkPackages<Package: Sendable>(
        _ packages: [Package], keyring: Keyring, signatures: @Sendable (String) throws -> [EmbeddedSignature],
        location: @Sendable (Package) -> (path: String, listedIn: String),
        digests: @Sendable (Package, _ file: String) throws -> [String]
    ) {
        let source = self.source
        let found = (try? packages.concurrentMap { package -> [String] in
            let (path, listedIn) = location(package)
            do {
                guard let file = try source.file(path) else { return ["\(source.describe(path)): missing, though \(listedIn) lists it"] }
                var problems = try digests(package, file).map { "\(source.describe(path)): \($0)" }
                if let reason = keyring.problem(with: try signatures(file)) {
                    problems.append("\(source.describe(path)): its signature: \(reason)")
                }
                return problems
            } catch {
                return ["\(source.describe(path)): \(error)"]
            }
        }) ?? []
        result.problems += found.flatMap { $0 }
        result.files.formUnion(packages.map { location($0).path })
        result.packages += packages.count
    }

    /// The bytes of `path`, counted among the files checked; nil, with the problem kept, when it is missing or
    /// cannot be read.
    public mutating func read(_ path: String) -> [UInt8]? {
        do {
            guard let bytes = try source.bytes(path) else {
                problem(path, "missing")
                return nil
            }
            result.files.insert(path)
            return bytes
        } catch {
            problem(path, "cannot be read: \(error)")
            return nil
        }
    }
}

/// One package file to publish, and the release it belongs to.
public struct PublishedPackage: Sendable {
    public var path: String
    public var release: String
    /// The file's SHA-256 in hexadecimal, when verifying the release already read it.
    public var sha256: String?

    public init(path: String, release: String, sha256: String? = nil) {
        self.path = path
        self.release = release
        self.sha256 = sha256
    }

    public var fileName: String { OutputFile.basename(of: path) }
}

/// What the spec's `repository` section and the command line say of a repository.
public struct RepositorySettings: Sendable {
    /// Names client configuration files (`falco.list`) and the yum repository id.
    public var name: String
    public var origin: String
    public var label: String
    public var suite: String
    public var codename: String
    public var component: String
    public var architectures: [Architecture]
    /// Seconds since 1970: the indexes' date (never earlier than the repository's current one).
    public var date: Int64
    /// Keep the newest `keep` releases; nil keeps every one.
    public var keep: Int?
    /// Publish a release again over one already published with other bytes.
    public var replace: Bool
    /// How clients name the public key file, beside the repository.
    public var keyFile: String
    /// The package the page tells users to install.
    public var install: String

    public init(name: String, origin: String, label: String, suite: String, codename: String, component: String,
                architectures: [Architecture], date: Int64, keep: Int? = nil, replace: Bool = false,
                keyFile: String, install: String) {
        self.name = name
        self.origin = origin
        self.label = label
        self.suite = suite
        self.codename = codename
        self.component = component
        self.architectures = architectures
        self.date = date
        self.keep = keep
        self.replace = replace
        self.keyFile = keyFile
        self.install = install
    }
}

/// A staged publish: the renames that make it live, in order, and the files no index refers to any more, removed
/// after them.
public struct StagedRepository: Sendable {
    public var renames: [(from: String, to: String)]
    public var removals: [String]
    /// The releases the repository holds once live, newest first.
    public var releases: [String]
    /// Where each package given lies in the repository, relative to its folder, by the path it was given as.
    public var locations: [String: String]
    /// With a new key to sign with: every package the new indexes list, signed again now or before.
    public var resigned: [ResignedPackage]

    public init(renames: [(from: String, to: String)] = [], removals: [String] = [], releases: [String] = [],
                locations: [String: String] = [:], resigned: [ResignedPackage] = []) {
        self.renames = renames
        self.removals = removals
        self.releases = releases
        self.locations = locations
        self.resigned = resigned
    }
}

/// A repository that cannot be published into as it is, or a package that does not belong in it.
public struct RepositoryError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

extension ArtifactFormat {
    /// The format's repository, if its packages are published into one.
    public var repository: (any PackageRepository)? { (self as? any RepositoryFormat)?.packageRepository }
}

/// A format whose packages go into a repository.
public protocol RepositoryFormat: ArtifactFormat {
    var packageRepository: any PackageRepository { get }
}

/// An index a repository already holds (written by another tool, or edited by hand) that cannot be read: a field
/// missing, repeated or malformed. Nothing is published over it.
public struct IndexError: Error, CustomStringConvertible, Sendable {
    /// The index file.
    public var file: String
    /// The field, as the index names it (`SHA256`, `package.location`).
    public var field: String
    public var reason: String

    public init(file: String, field: String, _ reason: String) {
        self.file = file
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(file): \(field): \(reason); fix or remove the file, then publish again" }
}

extension Keyring {
    /// Why the signatures inside a package do not vouch for it, as `problem(with:feeding:)` says; nil when one is good.
    public func problem(with embedded: [EmbeddedSignature]) -> String? {
        guard !embedded.isEmpty else { return "it is not signed" }
        var reasons: [String] = []
        for signature in embedded {
            do {
                guard let reason = try problem(with: [signature.signature], feeding: signature.feed) else { return nil }
                reasons.append(reason)
            } catch {
                reasons.append("\(error)")
            }
        }
        return reasons.joined(separator: "; ")
    }
}
