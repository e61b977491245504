import Compression
import Foundation
import PackageModel
import Pipeline
import SpecFile

/// The Falco convention on top of the generic pipeline: the driver's identity read from its sources, and
/// sources-only tarballs checked for binaries.
public enum FalcoBuild {
    public struct Options: Sendable {
        public var specPath: String
        /// Input values given as flags, by input name.
        public var inputFlags: [String: String]
        public var environment: [String: String]
        public var outputDirectory: String
        public var packageCodec: Codec?
        public var jobs: Int
        public var cacheDirectory: String?

        public init(specPath: String, inputFlags: [String: String], environment: [String: String],
                    outputDirectory: String, packageCodec: Codec? = nil, jobs: Int, cacheDirectory: String? = nil) {
            self.specPath = specPath
            self.inputFlags = inputFlags
            self.environment = environment
            self.outputDirectory = outputDirectory
            self.packageCodec = packageCodec
            self.jobs = jobs
            self.cacheDirectory = cacheDirectory
        }
    }

    /// Reads the spec and inputs and plans `selection`; nothing is written.
    public static func plan(_ options: Options, selection: (Spec) throws -> Selection) throws -> Plan {
        let spec = try Spec.load(path: options.specPath)
        let inputs = try ResolvedInputs(spec: spec, flags: options.inputFlags, environment: options.environment)
        let context = try BuildContext.fromEnvironment(options.environment, fallback: spec.sourceDateEpoch)
        let request = BuildRequest(spec: spec, inputs: inputs, selection: try selection(spec),
                                   outputDirectory: options.outputDirectory, packageCodec: options.packageCodec,
                                   jobs: options.jobs, context: context, cacheDirectory: options.cacheDirectory)
        return try Planner.plan(request, hooks: hooks(for: spec))
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
