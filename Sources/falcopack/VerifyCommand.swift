import ArgumentParser
import FalcoArtifacts
import Foundation
import SpecFile

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a release folder follows the spec's convention.",
        discussion: "Names, aliases byte-identical, package names and versions inside the packages, no binaries in source tarballs, SHA256SUMS. Exit 1 when anything is wrong.")

    @Argument(help: "The release folder.") var directory: String = "dist"
    @Option(help: "The spec that describes the convention.") var spec = "Specs/falco.yaml"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let loaded: Spec
        do { loaded = try Spec.load(path: spec) } catch { throw Failure.exit(for: error) }
        let report = Verifier.verify(directory: directory, spec: loaded)
        if json {
            let object: [String: Any] = ["directory": directory, "version": report.version ?? NSNull(),
                                         "checked": report.checked, "problems": report.problems, "passed": report.passed]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else if report.passed {
            print("\(directory): \(report.checked.count) artifacts follow the convention for version \(report.version ?? "?")")
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
        print(SpecSchema.jsonSchema(), terminator: "")
    }
}
