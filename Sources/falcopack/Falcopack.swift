import ArgumentParser

@main
struct Falcopack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "falcopack",
        abstract: "Build Falco's deb, rpm and tar.gz release artifacts and container images natively, from one spec.",
        discussion: """
            falcopack writes ar archives, cpio payloads, RPM headers, tarballs and OCI images itself, compressed with \
            xz, gzip or zstd. Output is reproducible: SOURCE_DATE_EPOCH (else the spec's source-date-epoch), sorted entries, root ownership.

            Exit codes: 0 done; 1 verify found problems, or an artifact failed for another reason; 64 bad command line; \
            65 the spec is wrong; 66 an input is missing or wrong; 73 the output folder cannot be written.

            falcopack --version prints falcopack's version and those of the C libraries it links.
            """,
        subcommands: [DebCommand.self, RPMCommand.self, TarCommand.self, ImageCommand.self, AllCommand.self,
                      MergeCommand.self, InspectCommand.self, VerifyCommand.self, PublishCommand.self, RepoCommand.self, KeyCommand.self,
                      InitCommand.self, SchemaCommand.self]
    )

    /// `falcopack --version` alone prints falcopack's version and its libraries'. It is not ArgumentParser's version flag: that one is
    /// looked for whenever a command's arguments fail to parse, and the build commands' own --version (the Falco
    /// version) would then print falcopack's instead of the error.
    static func main() {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(versionText)
            return
        }
        main(nil)
    }
}
