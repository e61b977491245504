import ArgumentParser
import FalcoArtifacts
import Release
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a release folder follows the spec's convention.",
        discussion: "Names, aliases byte-identical, package names and versions inside the packages, no binaries in source tarballs, SHA256SUMS; with --public-key, every signature (rpm headers, deb _gpgorigin, FILE.asc, image signatures). Exit 1 when anything is wrong.")

    @Argument(help: "The release folder.") var directory: String = "dist"
    @Option(help: ArgumentHelp("The spec that describes the convention (default: Specs/falco.yaml here, else the installed one).",
                               valueName: "path"))
    var spec: String?
    @Option(help: ArgumentHelp("Check every signature of the release against this OpenPGP public key.", valueName: "file"))
    var publicKey: String?
    @Flag(help: "Print JSON.") var json = false
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("After the folder: the spec's inputs the build was given, as it took them (--driver-src DIR, ...), where names use them; else their environment variables.",
                                 valueName: "--input value"))
    var inputArguments: [String] = []

    func run() throws {
        let report: Verifier.Report
        do { report = try FalcoBuild.verify(directory: directory, specPath: SpecLocation.resolve(spec), publicKey: publicKey,
                                            inputFlags: try SpecInputFlags.parse(inputArguments),
                                            environment: ProcessInfo.processInfo.environment) } catch { throw Failure.exit(for: error) }
        if json {
            struct Result: Encodable {
                var directory: String
                var version: String?
                var checked: [String]
                var problems: [ReleaseProblem]
                var architectures: [String]?
                var withoutImages: Bool
                var passed: Bool
            }
            try JSONOutput.print(encoding: Result(directory: directory, version: report.version, checked: report.checked,
                                                  problems: report.problems, architectures: report.architectures?.map(\.rawValue),
                                                  withoutImages: report.withoutImages, passed: report.passed))
        } else if report.passed {
            var held = report.architectures.map { ", \($0.map(\.rawValue).joined(separator: " and ")) only" } ?? ""
            if report.withoutImages { held += ", without images (built with --no-images)" }
            print("\(directory): \(report.checked.count) artifacts follow the convention for version \(report.version ?? "?")\(held)")
        } else {
            for problem in report.problems { FileHandle.standardError.write(Data("falcopack: verify: \(problem)\n".utf8)) }
        }
        if !report.passed { throw ExitCode(1) }
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print the JSON Schema of the spec format.")

    func run() {
        print(FalcoBuild.schema(), terminator: "")
    }
}
