import DebFormat
import FormatSeam
import ImageFormat
import Foundation
import PackageModel
import Pipeline
import RPMFormat
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
        /// Input values given as flags, by input name.
        public var inputFlags: [String: String]
        public var environment: [String: String]
        public var outputDirectory: String
        /// `--compression`: the codec of every package's payload, overriding the spec.
        public var compression: String?
        public var jobs: Int
        public var cacheDirectory: String?

        public init(specPath: String, inputFlags: [String: String], environment: [String: String],
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

    /// Reads a spec written for these formats.
    public static func loadSpec(path: String) throws -> Spec {
        try Spec.load(path: path, formats: formats.map(\.name))
    }

    /// Reads the spec and inputs and plans `selection`; nothing is written.
    public static func plan(_ options: Options, selection: (Spec) throws -> Selection) throws -> Plan {
        let spec = try loadSpec(path: options.specPath)
        let inputs = try ResolvedInputs(spec: spec, flags: options.inputFlags, environment: options.environment)
        let context = try BuildContext.fromEnvironment(options.environment, fallback: spec.sourceDateEpoch)
        let request = BuildRequest(spec: spec, inputs: inputs, selection: try selection(spec), formats: formats,
                                   outputDirectory: options.outputDirectory, compression: options.compression,
                                   jobs: options.jobs, context: context, cacheDirectory: options.cacheDirectory)
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

    public static func verify(directory: String, specPath: String) throws -> Verifier.Report {
        Verifier.verify(directory: directory, spec: try loadSpec(path: specPath), formats: formats)
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
                func identity() throws -> DriverIdentity {
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
            checkTarball: BinaryDetector.checkSourcesOnly
        )
    }
}

private final class IdentityCache {
    var identity: DriverIdentity?
}
