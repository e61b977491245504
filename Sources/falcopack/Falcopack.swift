import ArgumentParser

@main
struct Falcopack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "falcopack",
        abstract: "Build Falco's deb, rpm and tar.gz release artifacts natively, from one spec.",
        discussion: """
            falcopack writes ar archives, cpio payloads, RPM headers and tarballs itself, compressed with \
            xz, gzip or zstd. Output is reproducible: SOURCE_DATE_EPOCH, sorted entries, root ownership.
            """,
        version: falcopackVersion
    )
}
