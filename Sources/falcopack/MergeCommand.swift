import ArgumentParser
import FalcoArtifacts
import Foundation
import PackageModel
import Pipeline
import Release
import Signing

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join releases built one architecture per machine into the release one build of all of them writes.",
        discussion: """
            Each folder is what `falcopack all --arch ARCH` wrote on one machine. Packages and tarballs are linked \
            (copied where the file system cannot), images keep every platform's layers as they are, and the image \
            indexes, the images archive, the bills of materials, SHA256SUMS and the signatures over them are written \
            for the whole: the same bytes as one build of every architecture. Each folder must verify, be of the same \
            version, hold architectures no other holds and what they share with the same bytes; signed folders need \
            the key that signed them. Otherwise one error line, exit 66, and nothing written.
            """)

    @Argument(help: ArgumentHelp("Release folders, one per architecture.", valueName: "dist"))
    var releases: [String] = []

    @Option(help: "Output folder.")
    var out = "dist"

    @Option(help: ArgumentHelp("The spec the releases were built from (default: Specs/falco.yaml here, else the one installed with falcopack).",
                               valueName: "path"))
    var spec: String?

    @OptionGroup var key: SigningKeyOptions

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        if releases.count < 2 { throw ValidationError("give two release folders or more") }
    }

    func run() throws {
        do {
            let environment = ProcessInfo.processInfo.environment
            // The releases are positional, so the spec's inputs come from the environment variables it declares.
            let convention = try FalcoBuild.convention(specPath: SpecLocation.resolve(self.spec), environment: environment)
            var context = try BuildContext.fromEnvironment(environment, fallback: convention.spec.sourceDateEpoch)
            context.tool = "falcopack \(falcopackVersion)"
            let signer = try key.signer(environment: environment, notBefore: context.sourceDateEpoch)
            let results = try Merger.merge(Merger.Request(releases: releases, output: out, convention: convention,
                                                          signer: signer, context: context))
            if json {
                try JSONOutput.print(["out": out, "artifacts": results.map { ["name": $0.name, "sha256": $0.sha256] }] as [String: Any])
            } else {
                for result in results where !result.sha256.isEmpty {
                    print("\(result.name)  sha256:\(result.sha256.prefix(16))")
                }
            }
        } catch {
            throw Failure.exit(for: error)
        }
    }
}
