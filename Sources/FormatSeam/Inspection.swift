import Signing

/// What is inside an artifact, read back by its format: the metadata it declares and the files it holds.
public struct Inspection: Sendable {
    public struct File: Sendable, Hashable {
        public var path: String
        /// `file`, `directory`, `symlink` or `hardlink`.
        public var type: String
        public var permissions: UInt32
        public var size: Int64
        public var linkTarget: String?

        public init(path: String, type: String, permissions: UInt32, size: Int64, linkTarget: String?) {
            self.path = path
            self.type = type
            self.permissions = permissions
            self.size = size
            self.linkTarget = linkTarget
        }
    }

    /// What a package says it is, spelled as its format spells it.
    public struct Identity: Sendable, Hashable {
        public var name: String
        public var version: String
        public var architecture: String

        public init(name: String, version: String, architecture: String) {
            self.name = name
            self.version = version
            self.architecture = architecture
        }
    }

    /// One image of an image set: where it is tagged, what it runs, what it is made of.
    public struct Image: Sendable, Hashable {
        public var reference: String
        public var manifest: String
        public var config: [String: String]
        public var layers: [String]
        /// `os/architecture`, for an image of a multi-platform index.
        public var platform: String?

        public init(reference: String, manifest: String, config: [String: String], layers: [String],
                    platform: String? = nil) {
            self.platform = platform
            self.reference = reference
            self.manifest = manifest
            self.config = config
            self.layers = layers
        }
    }

    public var path: String
    /// The format's name.
    public var format: String
    /// Fields in the order the format lists them (deb control fields; rpm tags by name).
    public var fields: [(name: String, value: String)]
    public var files: [File]
    /// nil for artifacts that are not packages (tarballs).
    public var identity: Identity?
    /// The images of an image set, one per reference.
    public var images: [Image]
    /// The OpenPGP signatures the artifact carries inside.
    public var signatures: [Signature] = []

    public init(path: String, format: String, fields: [(name: String, value: String)], files: [File],
                identity: Identity?, images: [Image] = []) {
        self.path = path
        self.format = format
        self.fields = fields
        self.files = files
        self.identity = identity
        self.images = images
    }

    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}
