import Crypto
import Foundation

/// What a release is made of, independent of the document format that states it: the product, the artifacts with
/// their digests and the files inside each, the images with their bases, and components declared by the spec.
/// Built from the same resolved file lists that wrote the artifacts; written as SPDX 2.3 and CycloneDX 1.5.
public struct BillOfMaterials: Sendable {
    public var name: String
    public var version: String
    public var supplier: String?
    public var license: String?
    public var homepage: String?
    /// Seconds since the epoch: SOURCE_DATE_EPOCH, so the same release gives the same document.
    public var created: UInt32
    /// The tool that wrote it, `falcopack VERSION`.
    public var tool: String
    public var items: [Item]
    /// Parts the release is made of that are not artifacts (driver sources), as the spec declares them.
    public var components: [Component]

    public init(name: String, version: String, supplier: String? = nil, license: String? = nil, homepage: String? = nil,
                created: UInt32, tool: String, items: [Item], components: [Component] = []) {
        self.name = name
        self.version = version
        self.supplier = supplier
        self.license = license
        self.homepage = homepage
        self.created = created
        self.tool = tool
        self.items = items
        self.components = components
    }

    /// One artifact of the release, or one image inside the images archive.
    public struct Item: Sendable {
        public enum Kind: String, Sendable {
            /// An installable package (a deb, an rpm).
            case package
            /// A tarball or an archive of images.
            case archive
            case container
        }

        public var name: String
        public var kind: Kind
        public var version: String?
        /// SHA-256 of the artifact file, or of an image's manifest.
        public var sha256: String
        /// A package URL (`pkg:deb/...`, `pkg:oci/...`).
        public var purl: String?
        public var license: String?
        public var files: [File]
        /// Name of the item that holds this one (an image inside the images archive).
        public var containedBy: String?
        /// The image this one is built on.
        public var base: Base?

        public init(name: String, kind: Kind, version: String? = nil, sha256: String, purl: String? = nil,
                    license: String? = nil, files: [File] = [], containedBy: String? = nil, base: Base? = nil) {
            self.name = name
            self.kind = kind
            self.version = version
            self.sha256 = sha256
            self.purl = purl
            self.license = license
            self.files = files
            self.containedBy = containedBy
            self.base = base
        }
    }

    /// A base image: how the spec named it, and its manifest's digest.
    public struct Base: Sendable, Hashable {
        public var reference: String
        public var sha256: String

        public init(reference: String, sha256: String) {
            self.reference = reference
            self.sha256 = sha256
        }
    }

    public struct File: Sendable, Hashable {
        /// Relative to the artifact's root, without a leading slash.
        public var path: String
        public var sha256: String
        public var sha1: String

        public init(path: String, sha256: String, sha1: String) {
            self.path = path
            self.sha256 = sha256
            self.sha1 = sha1
        }
    }

    public struct Component: Sendable, Hashable {
        public var name: String
        public var version: String
        public var license: String?
        public var description: String?

        public init(name: String, version: String, license: String? = nil, description: String? = nil) {
            self.name = name
            self.version = version
            self.license = license
            self.description = description
        }
    }

    /// A digest of everything the document states about the artifacts, from which its identifiers (SPDX
    /// namespace, CycloneDX serial number) are derived: the same release gives the same identifiers, another
    /// release others.
    public var identity: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("\(name)\n\(version)\n".utf8))
        for item in items {
            hasher.update(data: Array("\(item.name)\n\(item.sha256)\n".utf8))
        }
        for component in components {
            hasher.update(data: Array("\(component.name)\n\(component.version)\n".utf8))
        }
        return Array(hasher.finalize())
    }

    /// `created` as ISO 8601 in UTC, to the second.
    var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(created)))
    }

    /// JSON with sorted keys and two-space indentation: the same document gives the same bytes.
    /// The document in the JSON form bills of materials have always had here: keys in JSONSerialization's sorted
    /// order (which differs from JSONEncoder's for upper-case keys such as `SPDXID`), so the same release gives
    /// the same bytes.
    static func serialize(_ document: some Encodable) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(document))
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted,
                                                                                  .withoutEscapingSlashes])) + [0x0A]
    }
}
