import ArgumentParser
import CMallocShim

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

    static func main() {
        // Buffers of 1 MiB or more (encoders, compressed units) go back to the system when freed. By default glibc
        // raises this threshold to 32 MiB after the first such free; freed buffers then stay in the arenas of the
        // threads that used them, and peak memory grows with the number of units a build compresses.
        mallopt(fp_M_MMAP_THRESHOLD, 1 << 20)
        main(nil)
    }
}
