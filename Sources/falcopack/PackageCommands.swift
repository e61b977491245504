import ArgumentParser
import Pipeline
import SpecFile

extension Selection {
    /// Packages of one format: the variant `--driver` names, or every variant.
    static func packages(_ format: String, variant: String?, in spec: Spec) -> Selection {
        Selection(packages: [format: variant.map { [$0] } ?? spec.variants.map(\.name)])
    }
}

struct DebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deb", abstract: "Build the Debian packages (and the default alias of the module one).")

    @OptionGroup var options: BuildOptions
    @OptionGroup var variant: DriverOption

    func run() throws {
        try Build.run(options) { spec in Selection.packages("deb", variant: variant.driver, in: spec) }
    }
}

struct RPMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpm", abstract: "Build the RPM packages (and the default alias of the module one).")

    @OptionGroup var options: BuildOptions
    @OptionGroup var variant: DriverOption

    func run() throws {
        try Build.run(options) { spec in Selection.packages("rpm", variant: variant.driver, in: spec) }
    }
}

struct TarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tar", abstract: "Build the release tarballs: any of --bin, --src, --module-src, --bpf-src; all four by default.")

    @OptionGroup var options: BuildOptions
    @Flag(help: "The binary tarball.") var bin = false
    @Flag(help: "The sources tarball.") var src = false
    @Flag(help: "The kernel-module sources tarball.") var moduleSrc = false
    @Flag(help: "The eBPF probe sources tarball.") var bpfSrc = false

    func run() throws {
        let chosen = [("bin", bin), ("src", src), ("module-src", moduleSrc), ("bpf-src", bpfSrc)].filter(\.1).map(\.0)
        try Build.run(options) { spec in
            Selection(tarballs: chosen.isEmpty ? spec.tarballs?.kinds.map(\.name) ?? [] : chosen)
        }
    }
}

struct AllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Build the whole release: every deb, rpm, alias, tarball and image, and SHA256SUMS.")

    @OptionGroup var options: BuildOptions

    @Flag(name: .customLong("no-images"),
          help: ArgumentHelp("Leave the container images out: no base image is needed. verify and publish know such a release by its SHA256SUMS."))
    var noImages = false

    func run() throws {
        try Build.run(options) { spec in
            var selection = Selection.everything(in: spec)
            if noImages { selection.images = [] }
            return selection
        }
    }
}

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Build the container images: one OCI layout and one archive for docker load, holding them all.")

    @OptionGroup var options: BuildOptions
    @Option(name: .customLong("name"), help: "An image to build (falco, falco-driver-loader, ...); repeat for more. Default: every image.")
    var names: [String] = []

    func run() throws {
        try Build.run(options) { spec in Selection(images: names.isEmpty ? spec.images?.images.map(\.name) ?? [] : names) }
    }
}
