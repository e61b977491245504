import ArgumentParser
import FalcoArtifacts
import Foundation
import Pipeline
import Signing

/// Flags shared by the commands that build artifacts.
struct BuildOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The spec to build from (default: Specs/falco.yaml here, else the one installed with falcopack).",
                               valueName: "path"))
    var spec: String?

    @Option(help: ArgumentHelp("Build from an nfpm configuration, read as nfpm reads it (sources relative to the working folder).",
                               valueName: "path"))
    var nfpm: String?

    @Option(name: .customLong("version"), help: "The Falco version (the spec's 'version' input).")
    var version: String?

    @Option(help: "Output folder.")
    var out = "dist"

    @Option(help: "Codec of deb and rpm payloads: xz, gzip or zstd, with an optional :level (xz:9e, gzip:6).")
    var compression: String?

    @Option(help: "Threads compressing, and artifacts written at the same time (default: the number of cores).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Keep compressed units in this folder across builds: a rebuild recompresses only what changed.",
                               valueName: "dir"))
    var cacheDir: String?

    @Option(help: ArgumentHelp("Read the signing key's passphrase from this file (its final line break is dropped); else FALCOPACK_SIGNING_PASSPHRASE.",
                               valueName: "file"))
    var signingPassphraseFile: String?

    @Option(name: .customLong("arch"), parsing: .upToNextOption,
            help: ArgumentHelp("Build these of the spec's architectures only (x86_64 or amd64, aarch64 or arm64); default: every one.",
                               valueName: "arch"))
    var architectures: [String] = []

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("Spec inputs, one flag each: --falco-bin PATH, --driver-src DIR, --driver-name NAME, --driver-version VERSION, --payloads DIR, --signing-key FILE (as Specs/falco.yaml declares).",
                                 valueName: "--input value"))
    var inputArguments: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("'--jobs' must be at least 1") }
        if nfpm != nil && spec != nil { throw ValidationError("give --spec or --nfpm, not both") }
        _ = try inputFlags()
    }

    /// `--name value` and `--name=value` pairs for the spec's inputs.
    func inputFlags() throws -> [String: [String]] {
        var flags = try SpecInputFlags.parse(inputArguments)
        if let version { flags["version"] = [version] }
        return flags
    }

    func falcoOptions() throws -> FalcoBuild.Options {
        var options = FalcoBuild.Options(
            specPath: nfpm ?? SpecLocation.resolve(spec),
            inputFlags: try inputFlags(),
            environment: ProcessInfo.processInfo.environment,
            outputDirectory: out,
            compression: compression,
            jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
            cacheDirectory: cacheDir
        )
        options.architectures = architectures
        options.readsNfpm = nfpm != nil
        options.signingPassphrase = try SigningKeys.passphrase(file: signingPassphraseFile)
        options.tool = "falcopack \(falcopackVersion)"
        return options
    }
}

/// `--driver module|bpf`: one variant of the spec, or every variant.
struct DriverOption: ParsableArguments {
    @Option(help: "The driver variant (module or bpf, as the spec names them); default: every variant.")
    var driver: String?
}

/// The spec's inputs given as flags (`--falco-bin PATH`, `--driver-src=DIR`), which the spec, not the command,
/// declares: how a build takes them, and how `verify` and `publish` take the same ones to name a release as it
/// was built.
enum SpecInputFlags {
    /// Each flag's values in the order given; the spec decides which inputs may be given more than once.
    static func parse(_ arguments: [String]) throws -> [String: [String]] {
        var flags: [String: [String]] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw ValidationError("unexpected argument '\(argument)'")
            }
            var name = String(argument.dropFirst(2))
            let value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                guard index + 1 < arguments.count else { throw ValidationError("'--\(name)' needs a value") }
                index += 1
                value = arguments[index]
            }
            flags[name, default: []].append(value)
            index += 1
        }
        return flags
    }
}
