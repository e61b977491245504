import ArgumentParser
import FalcoArtifacts
import Foundation
import Glibc
import PackageModel
import Pipeline
import SpecFile

/// `falcopack init`: a short spec for one program, from flags, or from questions when a value is missing and
/// stdin is a terminal.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a short spec for one program: its deb, rpm, tarball and image, lintian-clean defaults.",
        discussion: """
            Values not given as flags are asked for when stdin is a terminal; otherwise each missing one is named. \
            The spec is checked as a build reads it before it is written, and an existing file is left alone \
            unless --force is given.
            """)

    @Option(help: ArgumentHelp("The program to package, installed as /usr/bin/NAME.", valueName: "path"))
    var binary: String?
    @Option(help: "Package name (default: the program's file name).") var name: String?
    @Option(name: .customLong("version"), help: "Its version.") var packageVersion: String?
    @Option(help: ArgumentHelp("Who maintains the package: 'Full Name <address@example.org>'.")) var maintainer: String?
    @Option(help: "One line saying what it is.") var summary: String?
    @Option(help: "A paragraph or more saying what it does.") var description: String?
    @Option(help: "Its licence, an SPDX identifier (Apache-2.0, MIT, GPL-2.0-only, ...).") var license: String?
    @Option(help: "Its web page.") var homepage: String?
    @Option(help: ArgumentHelp("A configuration file, installed as /etc/NAME/FILE.", valueName: "path")) var config: String?
    @Option(help: ArgumentHelp("A systemd unit file.", valueName: "path")) var unit: String?
    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the spec (default: NAME.yaml).", valueName: "path"))
    var output: String?
    @Flag(help: "Replace the file at --output.") var force = false

    func run() throws {
        let asking = isatty(STDIN_FILENO) == 1
        func value(_ given: String?, _ flag: String, _ question: String, default fallback: String? = nil) -> String? {
            if let given, !given.isEmpty { return given }
            guard asking else { return fallback }
            let hint = fallback.map { " [\($0)]" } ?? ""
            FileHandle.standardError.write(Data("\(question)\(hint): ".utf8))
            guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else { return fallback }
            return line.trimmingCharacters(in: .whitespaces)
        }
        let binary = value(self.binary, "binary", "Program to package (path)")
        let name = value(self.name, "name", "Package name", default: binary.map { ($0 as NSString).lastPathComponent })
        let version = value(packageVersion, "version", "Version")
        let maintainer = value(self.maintainer, "maintainer", "Maintainer (Full Name <address>)")
        let summary = value(self.summary, "summary", "Summary (one line)")
        let description = value(self.description, "description", "Description (what it does)")
        let license = value(self.license, "license", "Licence (SPDX identifier)", default: "Apache-2.0")
        let homepage = value(self.homepage, "homepage", "Homepage (URL, or empty)")
        let config = value(self.config, "config", "Configuration file (path, or empty)")
        let unit = value(self.unit, "unit", "systemd unit (path, or empty)")
        let required: [(String, String?)] = [("--binary", binary), ("--name", name), ("--version", version),
                                             ("--maintainer", maintainer), ("--summary", summary),
                                             ("--description", description), ("--license", license)]
        let missing = required.filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            throw Failure.exit(for: ValidationError("give \(missing.joined(separator: ", ")) (or run init on a terminal to be asked)"))
        }
        for (flag, text) in required + [("--homepage", homepage), ("--config", config), ("--unit", unit)] {
            if let text, text.contains("{{") || text.contains("\n") && flag != "--description" {
                throw Failure.exit(for: ValidationError("\(flag) '\(text)': a value may not hold '{{' or a line break"))
            }
        }

        let target = output ?? name! + ".yaml"
        let folder = SpecPath.absolute((target as NSString).deletingLastPathComponent, base: "")
        func written(_ path: String?, _ flag: String) throws -> String? {
            guard let path else { return nil }
            let absolute = SpecPath.absolute(path, base: "")
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw Failure.exit(for: SpecError(.input, at: SourceLocation(file: flag), "'\(path)' does not exist"))
            }
            // Inside the spec's folder, relative to it (a build reads it from there); else absolute.
            let prefix = folder.hasSuffix("/") ? folder : folder + "/"
            return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
        }
        let program = try written(binary, "--binary")!
        // The program's ELF header says which architecture the spec is for.
        let header: Data?
        do {
            header = try FileHandle(forReadingFrom: URL(fileURLWithPath: SpecPath.absolute(binary!, base: ""))).read(upToCount: 20)
        } catch {
            throw Failure.exit(for: SpecError(.input, at: SourceLocation(file: "--binary"), "'\(binary!)' cannot be read: \(error.localizedDescription)"))
        }
        let draft = SpecDraft(
            name: name!, version: version!, maintainer: maintainer!, summary: summary!, description: description!,
            license: license!, homepage: homepage, architecture: header.flatMap { Architecture(elfHeader: Array($0)) } ?? .building,
            binary: program, config: try written(config, "--config"), unit: try written(unit, "--unit"))

        if FileManager.default.fileExists(atPath: target) && !force {
            throw Failure.exit(for: ValidationError("\(target) exists; pass --force to replace it, or --output PATH"))
        }
        // Checked as a build reads it, from a temporary name in its folder; renamed once it reads.
        let temporary = (folder as NSString).appendingPathComponent(".\((target as NSString).lastPathComponent).\(getpid()).tmp")
        do {
            try Data(draft.yaml.utf8).write(to: URL(fileURLWithPath: temporary))
            defer { unlink(temporary) }
            _ = try FalcoBuild.loadSpec(path: temporary, environment: ProcessInfo.processInfo.environment)
            guard rename(temporary, target) == 0 else {
                throw OutputFolderError(path: target, reason: String(cString: strerror(errno)), role: "spec file", flag: "--output")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Failure.exit(for: error)
        }
        print("\(target): the spec of \(name!) \(version!); build it with: falcopack all --spec \(target)")
    }
}
