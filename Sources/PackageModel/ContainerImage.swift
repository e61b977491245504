/// A set of container images written together: one OCI layout and one archive holding them all. Layers are shared by
/// name: a layer two images use is one blob.
public struct ImageSet: Hashable, Sendable {
    /// One per image and platform, in the order they are written.
    public var images: [ContainerImage]
    /// The layers the images are made of, by key: one per layer and platform whose files differ.
    public var layers: [String: ImageLayer]
    /// The platforms of the release. With more than one, each tag names an image index of its image's platforms.
    public var platforms: [Architecture]

    public init(images: [ContainerImage], layers: [String: ImageLayer], platforms: [Architecture] = [.x86_64]) {
        self.images = images
        self.layers = layers
        self.platforms = platforms
    }

    public var isMultiPlatform: Bool { platforms.count > 1 }
}

/// One container image: what it starts from, the layers it adds, and how it runs.
public struct ContainerImage: Hashable, Sendable {
    public var name: String
    /// The machine it runs on: its configuration's architecture, and which of its base's platforms it starts from.
    public var platform: Architecture
    /// Full references, one per tag: `falcosecurity/falco:0.28.1`.
    public var references: [String]
    public var base: BaseImage
    /// Keys of layers of the set, bottom first.
    public var layers: [String]
    public var config: ImageConfig
    /// How to run the image, as the `usage` command prints it.
    public var usage: String

    public init(name: String, platform: Architecture = .x86_64, references: [String], base: BaseImage, layers: [String],
                config: ImageConfig, usage: String) {
        self.name = name
        self.platform = platform
        self.references = references
        self.base = base
        self.layers = layers
        self.config = config
        self.usage = usage
    }
}

/// What an image runs and with what: the fields of an OCI image configuration a spec sets.
public struct ImageConfig: Hashable, Sendable {
    public var entrypoint: [String]?
    public var command: [String]?
    /// Added to, or replacing, the base's variables of the same name, in this order.
    public var environment: [EnvironmentVariable]
    public var workingDirectory: String?
    public var labels: [String: String]

    public init(entrypoint: [String]? = nil, command: [String]? = nil, environment: [EnvironmentVariable] = [],
                workingDirectory: String? = nil, labels: [String: String] = [:]) {
        self.entrypoint = entrypoint
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.labels = labels
    }
}

public struct EnvironmentVariable: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One layer by component: the files it holds, and what a package manager's database says of a package whose files
/// these are.
public struct ImageLayer: Hashable, Sendable {
    public var name: String
    public var files: [PackageFile]
    /// Appended to the database file of the image below this layer, so the image's package manager lists the
    /// package as installed.
    public var installedRecord: InstalledRecord?

    public init(name: String, files: [PackageFile], installedRecord: InstalledRecord? = nil) {
        self.name = name
        self.files = files
        self.installedRecord = installedRecord
    }
}

/// What a package manager keeps of an installed package: an entry in its database file and files of its own (dpkg:
/// a stanza in /var/lib/dpkg/status, and /var/lib/dpkg/info/PACKAGE.list, .md5sums, .conffiles).
public struct InstalledRecord: Hashable, Sendable {
    /// The database file the entry is appended to, an absolute path.
    public var database: String
    public var entry: String
    public var files: [PackageFile]

    public init(database: String, entry: String, files: [PackageFile]) {
        self.database = database
        self.entry = entry
        self.files = files
    }
}

/// Where an image starts: nothing, or an image on disk. Written as skopeo names them: `scratch`,
/// `oci:DIR[:TAG]` or `oci:DIR@sha256:DIGEST`, `docker-archive:FILE[:NAME:TAG]`, `rootfs:FILE` (a tarball of a root
/// file system, gzip- or zstd-compressed, or not). A bare path is a layout when it is a folder, a rootfs otherwise.
public enum BaseImage: Hashable, Sendable, CustomStringConvertible {
    case scratch
    case ociLayout(path: String, reference: Reference?)
    case dockerArchive(path: String, tag: String?)
    case rootfs(path: String)

    /// Which image of a layout: by its `org.opencontainers.image.ref.name` or by its manifest digest.
    public enum Reference: Hashable, Sendable {
        case tag(String)
        case digest(String)
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let value: String
        public let reason: String
        public var description: String { "base image '\(value)': \(reason)" }
    }

    /// - Parameter isFolder: whether a bare path names a folder (a layout) rather than a file (a rootfs).
    public init(parsing text: String, isFolder: (String) -> Bool) throws {
        func rest(_ prefix: String) -> String { String(text.dropFirst(prefix.count)) }
        if text == "scratch" {
            self = .scratch
        } else if text.hasPrefix("oci:") {
            let value = rest("oci:")
            if let (path, digest) = Self.split(value, at: "@sha256:") {
                guard digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
                    throw Invalid(value: text, reason: "the digest must be sha256: and 64 hex digits")
                }
                self = .ociLayout(path: path, reference: .digest("sha256:" + digest))
            } else if let colon = value.lastIndex(of: ":"), !value[colon...].contains("/") {
                self = .ociLayout(path: String(value[..<colon]), reference: .tag(String(value[value.index(after: colon)...])))
            } else {
                self = .ociLayout(path: value, reference: nil)
            }
        } else if text.hasPrefix("docker-archive:") {
            let value = rest("docker-archive:")
            // FILE, or FILE:NAME:TAG; the file name is the part up to the first ':' after a '.tar'.
            if let (path, tag) = Self.split(value, at: ".tar:") {
                self = .dockerArchive(path: path + ".tar", tag: tag)
            } else {
                self = .dockerArchive(path: value, tag: nil)
            }
        } else if text.hasPrefix("rootfs:") {
            self = .rootfs(path: rest("rootfs:"))
        } else if text.contains(":") && !text.hasPrefix("/") && !text.hasPrefix(".") {
            throw Invalid(value: text, reason: "use scratch, oci:DIR[:TAG], docker-archive:FILE[:NAME:TAG], rootfs:FILE or a path")
        } else {
            self = isFolder(text) ? .ociLayout(path: text, reference: nil) : .rootfs(path: text)
        }
        if let path, path.isEmpty { throw Invalid(value: text, reason: "names no path") }
    }

    /// The text before and after the first `separator`, if it holds one.
    static func split(_ text: String, at separator: String) -> (String, String)? {
        let characters = Array(text), mark = Array(separator)
        guard characters.count >= mark.count else { return nil }
        for start in 0...(characters.count - mark.count) where Array(characters[start..<start + mark.count]) == mark {
            return (String(characters[..<start]), String(characters[(start + mark.count)...]))
        }
        return nil
    }

    /// The file or folder it is read from; nil for scratch.
    public var path: String? {
        switch self {
        case .scratch: nil
        case .ociLayout(let path, _), .dockerArchive(let path, _), .rootfs(let path): path
        }
    }

    /// The same base, read from `path`.
    public func at(_ path: String) -> BaseImage {
        switch self {
        case .scratch: .scratch
        case .ociLayout(_, let reference): .ociLayout(path: path, reference: reference)
        case .dockerArchive(_, let tag): .dockerArchive(path: path, tag: tag)
        case .rootfs: .rootfs(path: path)
        }
    }

    public var description: String {
        switch self {
        case .scratch: "scratch"
        case .ociLayout(let path, nil): "oci:\(path)"
        case .ociLayout(let path, .tag(let tag)?): "oci:\(path):\(tag)"
        case .ociLayout(let path, .digest(let digest)?): "oci:\(path)@\(digest)"
        case .dockerArchive(let path, let tag): "docker-archive:\(path)" + (tag.map { ":\($0)" } ?? "")
        case .rootfs(let path): "rootfs:\(path)"
        }
    }
}
