import ArchiveFormats
import BlockCompression
import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import PackageModel
import Signing

/// The Debian binary package (deb(5)): an ar archive of `debian-binary`, `control.tar.{xz,gz}` and
/// `data.tar.{xz,gz,zst}`, both tars in GNU format as dpkg's own reader requires.
public struct DebFormat: ArtifactFormat {
    public let name = "deb"
    public let fileSuffixes = [".deb"]
    public let defaultCodec = Codec.defaultXZ
    /// Debian's file name, NAME_VERSION_ARCH.deb (the version without its epoch); units where Debian 12 keeps them.
    public let conventions: FormatConventions? = FormatConventions(
        kind: .package, fileName: "{{ package }}_{{ package-version }}_{{ arch }}.deb", unitDirectory: "/lib/systemd/system")
    /// The control member's codec; by default xz, or gzip when the data member is gzip.
    let controlCodec: Codec?

    public init() {
        controlCodec = nil
    }

    /// - Parameter controlCodec: xz or gzip; lintian reports zstd control members as malformed.
    public init(controlCodec: Codec) throws {
        if case .zstd = controlCodec {
            throw FormatViolation(format: "deb", subject: .codec, field: "control.tar compression",
                                  value: "\(controlCodec)",
                                  reason: "use xz or gzip: lintian reports zstd control members as malformed")
        }
        self.controlCodec = controlCodec
    }

    public func architectureName(_ architecture: Architecture) -> String {
        switch architecture {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        case .all: "all"
        case .i386: "i386"
        case .armv5: "armel"
        case .armv6, .armv7: "armhf"
        case .ppc64le: "ppc64el"
        case .s390x: "s390x"
        case .riscv64: "riscv64"
        case .mips: "mips"
        case .mipsle: "mipsel"
        case .mips64le: "mips64el"
        case .loong64: "loong64"
        }
    }

    /// The upstream version is the whole Debian version; a release, when the spec gives one, is the Debian
    /// revision after the last `-`.
    public func version(upstream: String, release: String?) throws -> PackageVersion {
        let text = release.map { "\(upstream)-\($0)" } ?? upstream
        do {
            return try PackageVersion(parsing: text)
        } catch let error as PackageVersion.InvalidVersion {
            throw FormatViolation(format: name, subject: .metadata(.version), field: "Version", value: text,
                                  reason: error.reason)
        }
    }

    public func validate(_ artifact: Artifact) throws {
        try DebValidator.validate(artifact.package)
    }

    public func write(_ artifact: Artifact, to sink: ByteSink, context: WriteContext) throws {
        try validate(artifact)
        let dataCodec = artifact.codec
        let controlCodec: Codec
        if let chosen = self.controlCodec {
            controlCodec = chosen
        } else if case .gzip = dataCodec {
            controlCodec = .defaultGzip
        } else {
            controlCodec = .defaultXZ
        }
        let layout = try DebLayout(artifact.package, build: context.build)
        let mtime = context.build.sourceDateEpoch

        let control = BufferSink()
        let controlCompressor = try BlockCompressor(codec: controlCodec, sink: control)
        try Self.writeTar(try layout.controlEntries(), into: controlCompressor)
        try controlCompressor.finish()
        let controlName = "control.tar.\(controlCodec.fileExtension)"

        // A signed deb's _gpgorigin covers debian-binary, the control member and the data member, in that order
        // (debsigs); the data member is hashed on its way to the scratch file.
        var signedPrefix = SHA256()
        signedPrefix.update(data: Self.debianBinary)
        signedPrefix.update(data: control.bytes)

        // data.tar goes to a scratch file first: the ar header needs its size before its bytes.
        let dataName = "data.tar.\(dataCodec.fileExtension)"
        let data = try context.scratch.makeFile(named: dataName)
        let dataSink: ByteSink = context.signer == nil ? data : SHA256Sink(data, continuing: signedPrefix)
        if case .zstd = dataCodec {
            // dpkg stops after a zstd member's first frame: it must be one.
            let compressor = try StreamCompressor(codec: dataCodec, sink: dataSink)
            try Self.writeTar(layout.dataEntries, into: compressor)
            try compressor.finish()
        } else {
            let compressor = try BlockCompressor(codec: dataCodec, sink: dataSink, engine: context.engine)
            try Self.writeTar(layout.dataEntries, into: compressor)
            try compressor.finish()
        }
        let dataContent = try data.finish()

        let ar = try ArWriter(sink: PlainSegmentSink(sink))
        try ar.add(name: "debian-binary", data: .bytes(Self.debianBinary), mtime: mtime)
        try ar.add(name: controlName, data: .bytes(control.bytes), mtime: mtime)
        try ar.add(name: dataName, data: .file(dataContent), mtime: mtime)
        if let signer = context.signer, let signed = dataSink as? SHA256Sink {
            try ar.add(name: Self.originMember, data: .bytes(try signer.sign(continuing: signed.state).packet.bytes),
                       mtime: mtime)
        }
    }

    /// The changelog Debian policy wants in every package, from the metadata's entries: `changelog.gz` for a
    /// version without a Debian revision (a native package), `changelog.Debian.gz` with one, as lintian checks.
    public func addingDocuments(to package: Package) throws -> Package {
        let metadata = package.metadata
        guard !metadata.changelog.isEmpty else { return package }
        let folder = "/usr/share/doc/\(metadata.name)/"
        guard !package.files.contains(where: { $0.path.hasPrefix(folder + "changelog") }) else { return package }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let text = metadata.changelog.map { entry in
            "\(metadata.name) (\(entry.version)) unstable; urgency=medium\n\n"
                + entry.changes.map { "  * \($0)\n" }.joined()
                + "\n -- \(entry.maintainer)  \(formatter.string(from: Date(timeIntervalSince1970: Double(entry.date))))\n"
        }.joined(separator: "\n")
        let compressed = try Encoders.compress(Array(text.utf8), .gzip(level: 9))
        let name = metadata.nativeChangelog ?? (metadata.version.release == nil) ? "changelog.gz" : "changelog.Debian.gz"
        var package = package
        package.files.append(PackageFile(path: folder + name, type: .generated(compressed), permissions: 0o644,
                                         attributes: [.doc]))
        return package
    }

    static let debianBinary = Array("2.0\n".utf8)
    /// The origin signature member debsigs writes and debsig-verify checks.
    static let originMember = "_gpgorigin"

    public func inspect(path: String, scratch: ScratchSpace) throws -> Inspection {
        var inspection = try DebInspection.read(path: path, scratch: scratch)
        inspection.signatures = try signatures(in: path).map(\.signature)
        return inspection
    }

    public var signsInside: Bool { true }

    /// The `_gpgorigin` member's signatures, over debian-binary, the control member and the data member.
    public func signatures(in path: String) throws -> [EmbeddedSignature] {
        let archive = try ArMembers(path: path)
        guard let origin = archive.members.first(where: { $0.name == Self.originMember }) else { return [] }
        guard let binary = archive.members.first(where: { $0.name == "debian-binary" }),
              let control = archive.first(named: "control.tar"), let data = archive.first(named: "data.tar") else {
            throw MalformedArtifact(path: path, reason: "a signed deb without debian-binary, control and data members")
        }
        let signatureBytes = try archive.bytes(of: origin)
        let signatures: [Signature]
        do {
            signatures = try Signature.readDetached(signatureBytes)
        } catch {
            throw MalformedArtifact(path: path, reason: "\(Self.originMember) holds no OpenPGP signature (\(error))")
        }
        let signed = [binary, control, data]
        return signatures.map { signature in
            EmbeddedSignature(subject: "debian-binary, \(control.name) and \(data.name)", signature: signature) { digester in
                let reader = try FileReader(path: path)
                for member in signed {
                    try reader.forEachChunk(offset: member.offset, length: member.size) { digester.update($0) }
                }
            }
        }
    }

    public func packageURL(of package: PackageMetadata) -> String? {
        "pkg:deb/\(package.name)@\(package.version)?arch=\(architectureName(package.architecture))"
    }

    /// dpkg's record of an installed package: a stanza of /var/lib/dpkg/status (the control fields, with `Status:
    /// install ok installed` and the conffiles' digests), and info/PACKAGE.list, .md5sums, .conffiles and the
    /// maintainer scripts, as `dpkg -i` leaves them.
    public func installedRecord(of package: Package) throws -> InstalledRecord? {
        try validate(Artifact(package: package, codec: defaultCodec))
        let layout = try DebLayout(package, build: BuildContext(sourceDateEpoch: 0))
        var lines = ControlFile.render(package.metadata, installedSize: layout.installedSize)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("Status: install ok installed", at: 1)
        if !layout.conffiles.isEmpty, let description = lines.firstIndex(where: { $0.hasPrefix("Description:") }) {
            let digests = Dictionary(layout.md5ByPath.map { ("/" + $0.key, $0.value) }) { a, _ in a }
            lines.insert(contentsOf: ["Conffiles:"] + layout.conffiles.map { " \($0) \(digests[$0] ?? "")" }, at: description)
        }
        let info = "/var/lib/dpkg/info/\(package.metadata.name)"
        let list = (["/."] + layout.dataEntries.dropFirst().map { "/" + $0.path }).joined(separator: "\n") + "\n"
        var files = [
            PackageFile(path: info + ".list", type: .generated(Array(list.utf8)), permissions: 0o644),
            PackageFile(path: info + ".md5sums", type: .generated(Array(layout.md5sums.utf8)), permissions: 0o644),
        ]
        if !layout.conffiles.isEmpty {
            let conffiles = layout.conffiles.map { $0 + "\n" }.joined()
            files.append(PackageFile(path: info + ".conffiles", type: .generated(Array(conffiles.utf8)), permissions: 0o644))
        }
        for slot in package.scripts.slots {
            guard let member = DebValidator.controlMember[slot], let body = package.scripts[slot] else { continue }
            files.append(PackageFile(path: info + "." + member.name, type: .generated(Array(body.utf8)),
                                     permissions: member.permissions))
        }
        return InstalledRecord(database: "/var/lib/dpkg/status", entry: lines.joined(separator: "\n"), files: files)
    }

    static func writeTar(_ entries: [ArchiveEntry], into sink: SegmentSink) throws {
        let tar = try TarWriter(sink: sink, format: .gnu, namePrefix: "./")
        for entry in entries { try tar.add(entry) }
        try tar.finish()
    }
}
