import ArgumentParser

@main
struct Falcopack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "falcopack",
        abstract: "Build Falco's deb, rpm and tar.gz release artifacts natively, from one spec.",
        discussion: """
            falcopack writes ar archives, cpio payloads, RPM headers and tarballs itself, compressed with \
            xz, gzip or zstd. Output is reproducible: SOURCE_DATE_EPOCH (else the spec's source-date-epoch), sorted entries, root ownership.

            Exit codes: 0 done; 1 verify found problems, or writing an artifact failed; 64 bad command line; \
            65 the spec is wrong; 66 an input is missing or wrong; 73 the output folder cannot be written.
            """,
        version: falcopackVersion,
        subcommands: [DebCommand.self, RPMCommand.self, TarCommand.self, AllCommand.self, InspectCommand.self,
                      VerifyCommand.self, SchemaCommand.self]
    )
}
