/// A format's own conventions, for a spec that describes one package and leaves the rest to them.
public struct FormatConventions: Sendable {
    public enum Kind: Sendable { case package, tarball, images }
    public var kind: Kind
    /// File-name template, in the variables an artifact of the kind has (`package`, `package-version`, `arch`).
    public var fileName: String
    /// For images: the name template of the layout folder written beside the archive.
    public var folder: String?
    /// For packages: where the format's systems keep systemd units.
    public var unitDirectory: String?

    public init(kind: Kind, fileName: String, folder: String? = nil, unitDirectory: String? = nil) {
        self.kind = kind
        self.fileName = fileName
        self.folder = folder
        self.unitDirectory = unitDirectory
    }
}
