import Foundation

/// The OCI image format's names (image-spec v1.0: `media-types.md`, `annotations.md`).
enum OCI {
    static let indexMediaType = "application/vnd.oci.image.index.v1+json"
    static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
    static let configMediaType = "application/vnd.oci.image.config.v1+json"
    static let layerGzipMediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let layerZstdMediaType = "application/vnd.oci.image.layer.v1.tar+zstd"
    static let layerTarMediaType = "application/vnd.oci.image.layer.v1.tar"
    /// What docker and skopeo write for the same things; accepted in bases.
    static let dockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerLayerGzipMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    static let dockerLayerTarMediaType = "application/vnd.docker.image.rootfs.diff.tar"

    static let refName = "org.opencontainers.image.ref.name"
    static let baseName = "org.opencontainers.image.base.name"
    static let baseDigest = "org.opencontainers.image.base.digest"

    static let layoutFile = "oci-layout"
    static let layoutVersion = #"{"imageLayoutVersion":"1.0.0"}"#

    /// The blob path of a digest such as `sha256:ab…`.
    static func blobPath(_ digest: String) -> String {
        "blobs/" + digest.replacingOccurrences(of: ":", with: "/")
    }

    /// Canonical JSON: keys sorted (in JSONSerialization's order, which every image falcopack wrote has), no
    /// whitespace, slashes as they are; the same document gives the same bytes and so the same digest.
    static func canonical(_ document: some Encodable) throws -> [UInt8] {
        let object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(document))
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a time in seconds since 1970.
    static func timestamp(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

/// A content descriptor: what a manifest or index says of a blob.
struct Descriptor: Hashable, Encodable {
    var mediaType: String
    var digest: String
    var size: Int64
    var annotations: [String: String] = [:]
    var platform: [String: String]?
    /// For an artifact's manifest in an index.
    var artifactType: String?

    enum CodingKeys: String, CodingKey {
        case mediaType, digest, size, annotations, platform, artifactType
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mediaType, forKey: .mediaType)
        try container.encode(digest, forKey: .digest)
        try container.encode(size, forKey: .size)
        if !annotations.isEmpty { try container.encode(annotations, forKey: .annotations) }
        try container.encodeIfPresent(platform, forKey: .platform)
        try container.encodeIfPresent(artifactType, forKey: .artifactType)
    }

    init(mediaType: String, digest: String, size: Int64, annotations: [String: String] = [:],
         platform: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }

    /// Reads a descriptor from JSON, or nil when it lacks a field.
    init?(json: Any?) {
        guard let object = json as? [String: Any], let mediaType = object["mediaType"] as? String,
              let digest = object["digest"] as? String, let size = (object["size"] as? NSNumber)?.int64Value else {
            return nil
        }
        self.init(mediaType: mediaType, digest: digest, size: size,
                  annotations: object["annotations"] as? [String: String] ?? [:],
                  platform: object["platform"] as? [String: String])
    }
}
