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
    /// Relation fields, shared by variants and format sections. Each entry is one relation, deb syntax:
    /// `"dkms (>= 2.1.0.0)"`, alternatives with `|`.
    static let relationFields: [Field] = [
        Field("depends", .list(.string), "packages required at run time (rpm Requires)"),
        Field("pre-depends", .list(.string), "packages required before unpacking (rpm Requires(pre))"),
        Field("recommends", .list(.string), "packages installed by default alongside"),
        Field("suggests", .list(.string), "packages that enhance this one"),
        Field("enhances", .list(.string), "packages this one enhances"),
        Field("conflicts", .list(.string), "packages that cannot be installed at the same time"),
        Field("breaks", .list(.string), "packages this one breaks (rpm Conflicts)"),
        Field("replaces", .list(.string), "packages whose files this one takes over (rpm Obsoletes)"),
        Field("provides", .list(.string), "virtual packages this one provides"),
        Field("supplements", .list(.string), "rpm only: reverse recommends"),
    ]

    static let scripts = Field("scripts", .object([
        Field("pre-install", .string, "file run before unpacking (deb preinst, rpm %pre)"),
        Field("post-install", .string, "file run after unpacking (deb postinst, rpm %post)"),
        Field("pre-remove", .string, "file run before removal (deb prerm, rpm %preun)"),
        Field("post-remove", .string, "file run after removal (deb postrm, rpm %postun)"),
        Field("pre-transaction", .string, "rpm only: %pretrans"),
        Field("post-transaction", .string, "rpm only: %posttrans"),
        Field("triggers", .string, "deb only: the triggers control file"),
    ]), "maintainer scripts, each a file path; the files are templates")

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
        Field("file", .string, required: true, "file-name template, e.g. \"falco-{{ version }}-{{ variant }}-{{ arch }}.deb\""),
        Field("alias", .string, "file-name template of a byte-identical copy of the default variant's package"),
        Field("compression", .string, "codec[:level] of the payload: xz, gzip or zstd"),
        contents,
        scripts,
    ] + relationFields

    static let variantFormatSection: [Field] = [contents, scripts] + relationFields

    public static let root = Shape.object([
        Field("spec-version", .integer, required: true, "version of this format: 1"),
        Field("source-date-epoch", .integer,
              "seconds since 1970 for every timestamp when SOURCE_DATE_EPOCH is unset (default 0)"),
        Field("inputs", .map(.object([
            Field("help", .string, required: true, "one line for --help and errors"),
            Field("type", .oneOf(["string", "file", "directory"]), "what the value names; paths must exist"),
            Field("default", .string, "value when neither the flag nor the environment variable is given"),
            Field("env", .string, "environment variable that sets the input"),
            Field("required", .boolean, "false: an unset input expands to an empty string"),
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
            Field("release", .string, "rpm Release; debs carry no revision"),
            Field("architecture", .oneOf(["x86_64", "aarch64", "all"]), required: true, "target architecture"),
            Field("maintainer", .string, required: true, "Name <email>"),
            Field("summary", .string, required: true, "one line"),
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
            Field("deb", .object(variantFormatSection), "deb-only contents, scripts and relations"),
            Field("rpm", .object(variantFormatSection), "rpm-only contents, scripts and relations"),
        ] + relationFields)), required: true, "driver variants (module, bpf): one deb and one rpm each"),
        Field("deb", .object(formatSection), required: true, "Debian packages"),
        Field("rpm", .object(formatSection + [
            Field("release", .string, "overrides package.release"),
        ]), required: true, "RPM packages"),
        Field("tarballs", .object([
            Field("arch", .string, "architecture as tarball names spell it; default: the rpm spelling"),
            Field("compression", .string, "codec[:level]; gzip by default"),
            Field("kinds", .map(.object([
                Field("file", .string, required: true, "file-name template; the top folder is the name without .tar.gz"),
                Field("sources-only", .boolean, "refuse any binary (ELF, ar, object, kernel module) in the contents"),
                Field("contents", .list(content), required: true, "files, dst relative to the top folder"),
            ])), required: true, "bin, src, module-src, bpf-src: each a tarball"),
        ]), "release tarballs"),
    ])
}
