import ArgumentParser
import FalcoArtifacts
import Release
import Foundation
import Pipeline
import Signing
import SpecFile

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Add releases to a signed apt and yum repository folder, in place.",
        discussion: """
            Each release folder must pass verify, signatures included, against the publishing key. DIR/deb is an apt \
            repository (InRelease, Release.gpg, Packages with by-hash copies), DIR/rpm a yum/dnf repository \
            (gzip repodata, repomd.xml.asc), DIR/files/NAME/VERSION the tarballs, images archive, sums and bills of \
            materials with their signatures; DIR also gets the public key, NAME.list, NAME.sources, NAME.repo and \
            index.html. Indexes are written under new names and the files clients read first are renamed into \
            place last: the repository is valid at every moment. Exit 75 when another publish holds DIR.
            """)

    @Argument(help: ArgumentHelp("Release folders, as falcopack all writes them.", valueName: "dist"))
    var releases: [String] = ["dist"]

    @Option(help: ArgumentHelp("The repository folder; made when absent.", valueName: "dir"))
    var repo: String

    @Option(help: ArgumentHelp("The spec whose convention names the releases' files and whose repository section names the repository.",
                               valueName: "path"))
    var spec: String?

    @OptionGroup var key: SigningKeyOptions
    @OptionGroup var previous: PreviousKeyOptions

    @Option(help: ArgumentHelp("Keep only the newest N releases.", valueName: "n"))
    var keep: Int?

    @Flag(help: "Publish a version again over one already published with other bytes.")
    var replace = false

    @Option(help: ArgumentHelp("Where clients reach the repository, for the client files and the page (default: the spec's, else file://DIR).",
                               valueName: "url"))
    var url: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("'--keep' must be at least 1") }
        if releases.isEmpty { throw ValidationError("give at least one release folder") }
    }

    func run() throws {
        do {
            let environment = ProcessInfo.processInfo.environment
            // The releases are positional, so the spec's inputs come from the environment variables it declares.
            let convention = try FalcoBuild.convention(specPath: SpecLocation.resolve(self.spec), environment: environment)
            let spec = convention.spec
            let date = try FalcoBuild.sourceDateEpoch(spec: spec, environment: environment)
            guard let signer = try key.signer(environment: environment, notBefore: date) else {
                throw ValidationError("publish signs the repository: pass --signing-key FILE or set FALCOPACK_SIGNING_KEY")
            }
            let specURL = try spec.repository?.url.map(convention.expand).flatMap { $0.isEmpty ? nil : $0 }
            var request = Publisher.Request(releases: releases, repository: repo, convention: convention, signer: signer,
                                            keep: keep, replace: replace, url: url ?? specURL, date: date)
            request.tool = "falcopack \(falcopackVersion)"
            request.previous = try previous.signers(environment: environment, notBefore: date)
            let report = try Publisher.publish(request)
            for warning in report.warnings { FileHandle.standardError.write(Data("falcopack: warning: \(warning)\n".utf8)) }
            if json {
                try JSONOutput.print(["repository": repo, "added": report.added, "releases": report.releases,
                                      "warnings": report.warnings] as [String: Any])
            } else {
                let added = report.added.isEmpty ? "nothing new" : "added \(report.added.joined(separator: ", "))"
                // A long-lived repository holds hundreds of releases: the newest few, then how many more.
                let held = report.releases.count <= 5 ? report.releases.joined(separator: ", ")
                    : report.releases.prefix(3).joined(separator: ", ")
                        + " and \(report.releases.count - 3) older, down to \(report.releases.last!) (\(report.releases.count) in all)"
                print("\(repo): \(added); holds \(held.isEmpty ? "no release" : held)")
            }
        } catch let error as Publisher.Unverified where json {
            // Every problem, for machines; the error line names the first.
            try? JSONOutput.print(encoding: ["problems": error.problems])
            throw Failure.exit(for: error)
        } catch {
            throw Failure.exit(for: error)
        }
    }
}
