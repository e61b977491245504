import DebFormat
import FormatSeam
import ImageFormat
import ByteIO
import Foundation
import PackageModel
import Pipeline
import Release
import ReleaseLayout
import RPMFormat
import Signing
import SpecFile
import TarballFormat

/// The Falco convention on top of the generic pipeline: the formats of its release, the driver's identity read
/// from its sources, and sources-only tarballs checked for binaries. The command-line tool reaches every build,
/// inspection and check through here.
public enum FalcoBuild {
    /// Every format the release is written in. Package formats are planned in this order.
    public static let formats: [any ArtifactFormat] = [DebFormat(), RPMFormat(), TarballFormat(), ImageFormat()]

    public struct Options: Sendable {
        public var specPath: String
        /// Input values given as flags, by input name, in the order given.
        public var inputFlags: [String: [String]]
        public var environment: [String: String]
        public var outputDirectory: String
        /// `--compression`: the codec of every package's payload, overriding the spec.
        public var compression: String?
        public var jobs: Int
        public var cacheDirectory: String?
        /// Unlocks the signing key; never taken from a flag's value.
        public var signingPassphrase: [UInt8]?
        /// The writing program and its version, as bills of materials name it.
        public var tool = "falcopack"

        /// `--arch`: the architectures to build, in any spelling; empty: every one the spec declares.
        public var architectures: [String] = []
        /// `--nfpm`: `specPath` is an nfpm configuration.
        public var readsNfpm = false

        public init(specPath: String, inputFlags: [String: [String]], environment: [String: String],
                    outputDirectory: String, compression: String? = nil, jobs: Int, cacheDirectory: String? = nil) {
            self.specPath = specPath
            self.inputFlags = inputFlags
            self.environment = environment
            self.outputDirectory = outputDirectory
            self.compression = compression
            self.jobs = jobs
            self.cacheDirectory = cacheDirectory
        }
    }

    /// Reads a spec written for these formats, with what it leaves to their conventions filled in.
    public static func loadSpec(path: String, environment: [String: String], nfpm: Bool = false) throws -> Spec {
        // A file with nfpm's keys at the top (name, arch) and no package section is nfpm's, as --nfpm names one.
        let spec = nfpm || NfpmConfig.looksLikeNfpm(path: path)
            ? try NfpmConfig.spec(path: path, environment: environment)
            : try Spec.load(path: path, formats: formats.map(\.name))
        return try spec.completed(formats: formats.compactMap { format in format.conventions.map { (format.name, $0) } },
                                  date: try sourceDateEpoch(spec: spec, environment: environment))
    }

    /// Reads the spec and inputs and plans `selection`; nothing is written.
    public static func plan(_ options: Options, selection: (Spec) throws -> Selection) throws -> Plan {
        let spec = try loadSpec(path: options.specPath, environment: options.environment, nfpm: options.readsNfpm)
        let inputs = try ResolvedInputs(spec: spec, flags: options.inputFlags, environment: options.environment)
        var context = try BuildContext.fromEnvironment(options.environment, fallback: spec.sourceDateEpoch)
        context.tool = options.tool
        var chosen = try selection(spec)
        chosen.architectures = options.architectures
        let request = BuildRequest(spec: spec, inputs: inputs, selection: chosen, formats: formats,
                                   outputDirectory: options.outputDirectory, compression: options.compression,
                                   jobs: options.jobs, context: context, cacheDirectory: options.cacheDirectory,
                                   signingPassphrase: options.signingPassphrase)
        return try Planner.plan(request, hooks: hooks(for: spec))
    }

    /// Plans and writes.
    public static func build(_ options: Options, selection: (Spec) throws -> Selection,
                             onEvent: @escaping @Sendable (BuildEvent) -> Void) throws -> [ArtifactResult] {
        try Executor.run(try plan(options, selection: selection), onEvent: onEvent)
    }

    public static func inspect(path: String) throws -> Inspection {
        try Inspector.inspect(path: path, formats: formats)
    }

    /// What the spec at `specPath` expects of a release, named as a build with `environment` names it.
    public static func convention(specPath: String, inputFlags: [String: [String]] = [:],
                                  environment: [String: String]) throws -> ReleaseConvention {
        let spec = try loadSpec(path: specPath, environment: environment)
        let inputs = try ResolvedInputs(spec: spec, flags: inputFlags, environment: environment)
        return try ReleaseConvention(spec: spec, formats: formats, inputs: inputs, hooks: hooks(for: spec))
    }

    /// - Parameter publicKey: a public key file (armored or binary); every signature in the release is checked
    ///   against it.
    public static func verify(directory: String, specPath: String, publicKey: String? = nil, inputFlags: [String: [String]] = [:],
                              environment: [String: String] = [:]) throws -> Verifier.Report {
        let keyring = try publicKey.map(Keyring.load(path:))
        return Verifier.verify(directory: directory,
                               convention: try convention(specPath: specPath, inputFlags: inputFlags, environment: environment),
                               keyring: keyring)
    }

    /// The spec format as JSON Schema.
    public static func schema() -> String {
        SpecSchema.jsonSchema(formats: formats.map(\.name))
    }

    public static func hooks(for spec: Spec) -> PlanHooks {
        PlanHooks(
            prepare: { scope in
                guard let driver = spec.driver else { return }
                let cache = IdentityCache()
                // verify and publish name several releases at once, each in a child of this scope.
                func identity() throws -> DriverIdentity { try cache.lock.withLock { try read() } }
                func read() throws -> DriverIdentity {
                    if let known = cache.identity { return known }
                    let sources = try driver.sources.expand(in: scope)
                    let found = try DriverIdentity.read(sources: sources, name: try driver.name?.expand(in: scope),
                                                        version: try driver.version?.expand(in: scope))
                    cache.identity = found
                    return found
                }
                scope.set("driver.name", computed: { try identity().name })
                scope.set("driver.version", computed: { try identity().version })
            },
            checkTarball: BinaryDetector.checkSourcesOnly,
            binaryType: BinaryDetector.binaryType(of:name:)
        )
    }
}

private final class IdentityCache: @unchecked Sendable {
    let lock = NSLock()
    var identity: DriverIdentity?
}

/// Who signed an artifact and when, as `inspect` shows it; with a public key, whether each signature holds.
public struct SignatureReport: Sendable {
    public var subject: String
    public var keyID: String
    public var fingerprint: String?
    public var algorithm: String
    public var created: UInt32?
    /// The signer's user ID, when the public key given is the signer's.
    public var signer: String?
    public var verdict: Keyring.Verdict?
}

extension FalcoBuild {
    /// The signatures inside `path` and in `path.asc` beside it.
    public static func signatures(of path: String, publicKey: String?) throws -> [SignatureReport] {
        let keyring = try publicKey.map(Keyring.load(path:))
        var found: [EmbeddedSignature] = try formats.reading(path)?.signatures(in: path) ?? []
        if let data = FileManager.default.contents(atPath: OutputFile.directory(of: path) + "/" + ReleaseLayout.signatureName(of: OutputFile.basename(of: path))) {
            for signature in try Signature.readDetached(Array(data)) {
                found.append(EmbeddedSignature(subject: (path as NSString).lastPathComponent, signature: signature) { digester in
                    try FileReader(path: path).forEachChunk { digester.update($0) }
                })
            }
        }
        return try found.map { embedded in
            let signature = embedded.signature
            let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02X", $0) }.joined() }
            var report = SignatureReport(
                subject: embedded.subject, keyID: hex(signature.issuerKeyID ?? []),
                fingerprint: signature.issuerFingerprint.map(hex),
                algorithm: "\(Signature.algorithmName(signature.algorithm))/\(signature.hashAlgorithm?.name ?? "hash \(signature.hash)")",
                created: signature.created)
            if let keyring {
                report.verdict = try keyring.check(signature, feeding: embedded.feed)
                report.signer = keyring.signer(of: signature)?.0.userIDText
            }
            return report
        }
    }
}

extension FalcoBuild {
    /// SOURCE_DATE_EPOCH from the environment, else the spec's date.
    public static func sourceDateEpoch(spec: Spec, environment: [String: String]) throws -> Int64 {
        try BuildContext.fromEnvironment(environment, fallback: spec.sourceDateEpoch).sourceDateEpoch
    }
}
