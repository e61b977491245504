import PackageModel

/// The grammar of a spec, as data: the strict reader checks documents against it and `falcopack schema` prints it
/// as JSON Schema, so the two cannot drift apart.
public indirect enum Shape: Sendable {
    case string
    case boolean
    case integer
    /// Permission bits written as an octal string, `"0755"`.
    case mode
    case oneOf([String])
    case list(Shape)
    /// Fixed keys; any other key is an error.
    case object([Field])
    /// Keys chosen by the author (input names, variant names), each value of one shape.
    case map(Shape)
    /// A scalar of the first shape, or a list or mapping of the second: one value, or one per architecture.
    case either(Shape, Shape)
}

public struct Field: Sendable {
    public var name: String
    public var shape: Shape
    public var required: Bool
    public var help: String

    public init(_ name: String, _ shape: Shape, required: Bool = false, _ help: String) {
        self.name = name
        self.shape = shape
        self.required = required
        self.help = help
    }
}

public enum SpecSchema {
    /// An architecture in any format's spelling.
    static let architecture = Shape.oneOf(Architecture.spellings.keys.sorted())

    /// Relation fields, shared by variants and format sections. Each entry is one relation, deb syntax:
    /// `"dkms (>= 2.1.0.0)"`, alternatives with `|`.
    static let relationFields: [Field] = RelationField.allCases.map { field in
        let help: String = switch field {
        case .depends: "packages required at run time (rpm Requires)"
        case .preDepends: "packages required before unpacking (rpm Requires)"
        case .recommends: "packages installed by default alongside"
        case .suggests: "packages that enhance this one"
        case .enhances: "packages this one enhances"
        case .conflicts: "packages that cannot be installed at the same time"
        case .breaks: "packages this one breaks (rpm Conflicts)"
        case .replaces: "packages whose files this one takes over (rpm Obsoletes)"
        case .provides: "virtual packages this one provides"
        case .supplements: "rpm only: reverse recommends"
        }
        return Field(field.rawValue, .list(.string), help)
    }

    static let scripts = Field("scripts", .object(ScriptSlot.allCases.map { slot in
        let help: String = switch slot {
        case .preInstall: "file run before unpacking (deb preinst, rpm %pre)"
        case .postInstall: "file run after unpacking (deb postinst, rpm %post)"
        case .preRemove: "file run before removal (deb prerm, rpm %preun)"
        case .postRemove: "file run after removal (deb postrm, rpm %postun)"
        case .preTransaction: "rpm only: %pretrans"
        case .postTransaction: "rpm only: %posttrans"
        case .triggers: "deb only: the triggers control file"
        }
        return Field(slot.rawValue, .string, help)
    }), "maintainer scripts, each a file path; the files are templates")

    static let content = Shape.object([
        Field("src", .string, "file or folder on the build machine; a folder is copied as a tree"),
        Field("dst", .string, required: true,
              "install path: absolute in packages, relative to the top folder in tarballs"),
        Field("type", .oneOf(["file", "tree", "directory", "symlink"]),
              "what to create; default: tree when src is a folder, file otherwise"),
        Field("target", .string, "symlink target"),
        Field("mode", .mode, "permission bits, e.g. \"0755\"; default: the source's executable bit gives 0755, else 0644"),
        Field("template", .boolean, "substitute {{ variables }} in the file's text"),
        Field("gzip", .boolean, "install the file gzip-compressed (reproducibly: no name, no time)"),
        Field("config", .boolean, "configuration: deb conffile, rpm %config(noreplace)"),
        Field("doc", .boolean, "documentation (rpm %doc)"),
        Field("license", .boolean, "licence text (rpm %license)"),
        Field("exclude", .list(.string), "tree only: paths relative to src to leave out (fnmatch patterns)"),
    ])

    static let contents = Field("contents", .list(content), "files to install")

    static let formatSection: [Field] = [
        Field("file", .string, "file-name template, e.g. \"falco-{{ version }}-{{ variant }}-{{ arch }}.deb\"; default: the format's own convention (NAME_VERSION_ARCH.deb, NAME-VERSION-RELEASE.ARCH.rpm)"),
        Field("alias", .string, "file-name template of a byte-identical copy of the default variant's package"),
        Field("compression", .string, "codec[:level] of the payload: xz, gzip or zstd"),
        Field("release", .string, "overrides package.release for this format"),
        contents,
        scripts,
    ] + relationFields

    static let variantFormatSection: [Field] = [contents, scripts] + relationFields

    /// The grammar for a build that knows the package formats `formats` (`deb`, `rpm`, ...): each may have a
    /// top-level section and a section in every variant.
    public static func root(formats: [String]) -> Shape {
        .object(fixedFields(formats: formats) + formats.map { name in
            Field(name, .object(formatSection), "packages in the \(name) format, one per variant")
        })
    }

    private static func fixedFields(formats: [String]) -> [Field] { [
        Field("spec-version", .integer, "version of this format: 1 (the default)"),
        Field("source-date-epoch", .integer,
              "seconds since 1970 for every timestamp when SOURCE_DATE_EPOCH is unset; default: the last commit of the git repository holding the spec, else the spec file's modification time"),
        Field("inputs", .map(.object([
            Field("help", .string, required: true, "one line for --help and errors"),
            Field("type", .oneOf(["string", "file", "directory", "image"]),
                  "what the value names; paths must exist (image: scratch, oci:DIR[:TAG], docker-archive:FILE, rootfs:FILE)"),
            Field("default", .string, "value when neither the flag nor the environment variable is given"),
            Field("env", .string, "environment variable that sets the input"),
            Field("required", .boolean, "false: an unset input expands to an empty string"),
            Field("per-architecture", .boolean,
                  "one value per architecture: --NAME ARCH=PATH, env NAME_ARCH; a bare ELF file is the input of the machine its header names"),
        ])), "named inputs; each is also a flag --NAME and may be set from its env variable"),
        Field("variables", .map(.string), "named templates, usable as {{ name }} anywhere after"),
        Field("driver", .object([
            Field("sources", .string, required: true, "folder of the driver sources: kernel module, bpf/ probe"),
            Field("name", .string, "driver name; empty: PACKAGE_NAME of the sources' dkms.conf"),
            Field("version", .string, "driver version; empty: PACKAGE_VERSION of the sources' dkms.conf"),
        ]), "the driver whose sources the packages carry; defines {{ driver.name }} and {{ driver.version }}"),
        Field("package", .object([
            Field("name", .string, required: true, "package name of the default variant"),
            Field("version", .string, required: true, "upstream version"),
            Field("release", .string, "release of every package format: rpm Release (default 1), deb revision (default none)"),
            Field("architecture", .either(architecture, .list(architecture)),
                  "the architecture, or the list of architectures the release holds (x86_64 or amd64, aarch64 or arm64, all); default: this machine's"),
            Field("maintainer", .string, required: true, "Name <email>"),
            Field("summary", .string, "one line; default: the description's first line (the rest is then the description)"),
            Field("description", .string, required: true, "paragraphs"),
            Field("homepage", .string, "URL"),
            Field("license", .string, "SPDX expression"),
            Field("vendor", .string, "rpm Vendor"),
            Field("section", .string, "deb Section, rpm Group"),
            Field("priority", .string, "deb Priority"),
        ]), required: true, "metadata shared by every package"),
        contents,
        Field("variants", .map(.object([
            Field("package", .string, required: true, "package name of this variant"),
            Field("default", .boolean, "the variant the alias artifacts copy"),
            Field("summary", .string, "overrides package.summary"),
            contents,
            scripts,
        ] + relationFields + formats.map { name in
            Field(name, .object(variantFormatSection), "\(name)-only contents, scripts and relations")
        })), "variants of the package (Falco's drivers: module, bpf), one package of each format each; "
            + "without this key the spec is one package, and every format falcopack knows builds it with its own conventions"),
        Field("changelog", .list(.object([
            Field("version", .string, required: true, "the version the entry describes"),
            Field("date", .string, required: true, "its date, YYYY-MM-DD"),
            Field("changes", .list(.string), required: true, "what changed, one line each"),
        ])), "releases, newest first: the deb changelog and rpm %changelog of a one-package spec (default: one entry for the version)"),
        Field("systemd-units", .list(.string),
              "systemd unit files, installed where each package format keeps them (/lib/systemd/system for deb, /usr/lib/systemd/system for rpm)"),
        Field("image", .object([
            Field("base", .string, "scratch (the default), oci:DIR[:TAG], docker-archive:FILE[:NAME:TAG], rootfs:FILE, or a path"),
            Field("repository", .string, "references are REPOSITORY/NAME:TAG; default localhost"),
            Field("entrypoint", .list(.string), "default: the first file the spec installs in a bin folder"),
            Field("command", .list(.string), "the image's Cmd"),
            Field("environment", .map(.string), "variables added to the base's"),
            Field("tags", .list(.string), "default: the version and latest"),
        ]), "a one-package spec's image: NAME holding every file the spec installs (defaults: on scratch, running its program)"),
        Field("tarballs", .object([
            Field("arch", .either(.string, .map(.string)),
                  "architecture as tarball names spell it, or one spelling per architecture ({x86_64: x86}); default: the rpm spelling"),
            Field("compression", .string, "codec[:level]; gzip by default"),
            Field("kinds", .map(.object([
                Field("file", .string, required: true, "file-name template; the top folder is the name without its ending (.tar.gz)"),
                Field("sources-only", .boolean, "refuse any binary (ELF, ar, object, kernel module) in the contents"),
                Field("contents", .list(content), required: true, "files, dst relative to the top folder"),
            ])), required: true, "bin, src, module-src, bpf-src: each a tarball"),
        ]), "release tarballs"),
        Field("images", .map(.object([
            Field("base", .string, required: true,
                  "scratch, oci:DIR[:TAG], oci:DIR@sha256:DIGEST, docker-archive:FILE[:NAME:TAG], rootfs:FILE, or a path"),
            Field("layers", .list(.string), required: true, "names of image-layers, bottom first, on top of the base"),
            Field("entrypoint", .list(.string), "the image's Entrypoint"),
            Field("command", .list(.string), "the image's Cmd"),
            Field("environment", .map(.string), "variables added to the base's, in this order"),
            Field("working-dir", .string, "the image's WorkingDir"),
            Field("labels", .map(.string), "labels of this image, beside image-set.labels"),
            Field("usage", .string, required: true, "how to run the image: its usage label, its Dockerfile and its usage command"),
            Field("architectures", .list(architecture),
                  "the platforms the image has, for an image whose inputs exist for fewer architectures; default: every one"),
            Field("aliases", .list(.string),
                  "more references under the set's repository, NAME:TAG, each once per tag of the channel ({{ tag }}), e.g. \"falco:{{ tag }}-slim\""),
        ])), "container images by name, like variants; each is REPOSITORY/NAME:TAG"),
        Field("image-layers", .map(.object([
            Field("from", .object([
                Field("variant", .string, required: true, "the variant whose files are taken"),
                Field("paths", .list(.string), required: true, "install paths; a folder takes everything under it"),
            ]), "files a variant installs (its contents, not a format's), with their modes and owners"),
            contents,
            Field("installed", .object([
                Field("format", .string, required: true, "the package format whose manager records it (deb)"),
                Field("variant", .string, required: true, "the variant whose package is recorded"),
            ]), "the package manager's record of the variant's package as installed, for the files the image holds"),
            Field("artifacts", .object([
                Field("formats", .list(.string), required: true, "formats whose artifacts of this build go in"),
                Field("dst", .string, required: true, "the folder they go in"),
            ]), "artifacts of this build, such as the packages a test image installs"),
            Field("compression", .string,
                  "codec[:level] of this layer, or none for an uncompressed tar (contents compressed already); default image-set.compression"),
        ])), "the layers images are made of, by component; a layer in two images is one blob"),
        Field("image-set", .object([
            Field("layout", .string, required: true, "folder name of the OCI layout holding every image"),
            Field("archive", .string, required: true, "file name of the archive for docker load (an OCI layout with manifest.json)"),
            Field("repository", .string, required: true, "references are REPOSITORY/NAME:TAG"),
            Field("compression", .string, "codec of the layers: gzip[:level]; default gzip:9"),
            Field("channel", .string, "which entry of tags the images get"),
            Field("tags", .map(.list(.string)), required: true, "tags by channel, e.g. release: [X.Y.Z, latest], development: [master]"),
            Field("labels", .map(.string), "labels of every image"),
        ]), "how the images are written and tagged"),
        Field("signing", .object([
            Field("key", .string, required: true,
                  "OpenPGP secret key: a file, gpg-agent:FINGERPRINT, or the armored key itself; empty: unsigned"),
        ]), "how the release is signed: packages inside, other files beside them (FILE.asc), images in the layout"),
        Field("sbom", .object([
            Field("spdx", .string, "file name of the SPDX 2.3 JSON document"),
            Field("cyclonedx", .string, "file name of the CycloneDX 1.5 JSON document"),
            Field("components", .list(.object([
                Field("name", .string, required: true, "component name"),
                Field("version", .string, required: true, "component version"),
                Field("license", .string, "SPDX expression"),
                Field("description", .string, "one line"),
            ])), "parts of the release that are not artifacts, such as the driver"),
        ]), "the release's bills of materials, written by the all command"),
        Field("repository", .object([
            Field("name", .string, "names the client files (NAME.list, NAME.repo) and the key file NAME.asc; default the package's name"),
            Field("origin", .string, "apt Release Origin; default the package's name, capitalised"),
            Field("label", .string, "apt Release Label and the yum repository's name; default the package's name, capitalised"),
            Field("install", .string, "the package the page tells users to install; default the default variant's"),
            Field("suite", .string, "apt suite; default stable"),
            Field("codename", .string, "apt codename; default stable"),
            Field("component", .string, "apt component; default main"),
            Field("architectures", .list(architecture), "architectures the repository holds, among the package's; default the package's"),
            Field("url", .string, "where clients reach the repository, for the client files and the page; default file:// and its folder"),
        ]), "the apt and yum repositories publish writes"),
    ] }
}
