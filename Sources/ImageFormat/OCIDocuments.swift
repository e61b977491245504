import Foundation

/// The OCI documents falcopack writes (image-spec v1.1: `manifest.md`, `image-index.md`, `config.md`), as Codable
/// types; `OCI.canonical` gives their bytes.
struct ImageManifest: Encodable {
    var schemaVersion = 2
    var mediaType = OCI.manifestMediaType
    /// For an artifact that refers to an image (its bill of materials).
    var artifactType: String?
    var config: Descriptor
    var layers: [Descriptor]
    var subject: Descriptor?
    var annotations: [String: String]
}

struct ImageIndex: Encodable {
    var schemaVersion = 2
    var mediaType = OCI.indexMediaType
    var manifests: [Descriptor]
}

/// An image's configuration: what falcopack sets, over what the base's configuration says of everything else
/// (its author, exposed ports, stop signal, ...), kept as it was.
struct ImageConfiguration: Encodable {
    struct Run: Encodable {
        var environment: [String]
        var entrypoint: [String]?
        var command: [String]?
        var workingDirectory: String?
        var labels: [String: String]
        /// The base's other settings (`User`, `ExposedPorts`, `Volumes`, ...).
        var others: [String: JSONValue]

        func encode(to encoder: Encoder) throws {
            var fields = others
            fields["Env"] = .array(environment.map(JSONValue.string))
            fields["Entrypoint"] = entrypoint.map { .array($0.map(JSONValue.string)) }
            fields["Cmd"] = command.map { .array($0.map(JSONValue.string)) }
            if let workingDirectory { fields["WorkingDir"] = .string(workingDirectory) }
            fields["Labels"] = .object(labels.mapValues(JSONValue.string))
            try JSONValue.object(fields).encode(to: encoder)
        }
    }

    struct History: Encodable {
        var created: String
        var createdBy: String

        enum CodingKeys: String, CodingKey {
            case created, createdBy = "created_by"
        }
    }

    var architecture: String
    var os = "linux"
    var created: String
    var config: Run
    var diffIDs: [String]
    /// The base's history, as it wrote it.
    var baseHistory: [JSONValue]
    var history: [History]
    /// The base's other fields.
    var others: [String: JSONValue]

    func encode(to encoder: Encoder) throws {
        var fields = others
        fields["architecture"] = .string(architecture)
        fields["os"] = .string(os)
        fields["created"] = .string(created)
        fields["config"] = try JSONValue(encoding: config)
        fields["rootfs"] = .object(["type": .string("layers"), "diff_ids": .array(diffIDs.map(JSONValue.string))])
        fields["history"] = .array(try baseHistory + history.map { try JSONValue(encoding: $0) })
        try JSONValue.object(fields).encode(to: encoder)
    }
}

/// `manifest.json` of a docker archive: each image's configuration, tags and layers by their paths.
struct DockerArchiveEntry: Encodable {
    var config: String
    var repoTags: [String]
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config", repoTags = "RepoTags", layers = "Layers"
    }
}

/// The "atomic container signature" claim of containers/image's simple signing: this reference is this manifest.
struct SignatureClaim: Encodable {
    struct Critical: Encodable {
        struct Identity: Encodable {
            var dockerReference: String
            enum CodingKeys: String, CodingKey { case dockerReference = "docker-reference" }
        }

        struct Image: Encodable {
            var dockerManifestDigest: String
            enum CodingKeys: String, CodingKey { case dockerManifestDigest = "docker-manifest-digest" }
        }

        var identity: Identity
        var image: Image
        var type = "atomic container signature"
    }

    struct Optional: Encodable {
        var creator: String
        var timestamp: Int64
    }

    var critical: Critical
    var optional: Optional
}

/// Any JSON value, for what a base image's configuration holds that falcopack passes through untouched.
indirect enum JSONValue: Encodable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    /// A value JSONSerialization read.
    init(_ any: Any) {
        switch any {
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init))
        case let array as [Any]: self = .array(array.map(JSONValue.init))
        case let string as String: self = .string(string)
        case let number as NSNumber:
            // JSONSerialization reads true and false as numbers of the C type char.
            if String(cString: number.objCType) == "c" {
                self = .bool(number.boolValue)
            } else if let integer = Int64(exactly: number) {
                self = .integer(integer)
            } else {
                self = .number(number.doubleValue)
            }
        default: self = .null
        }
    }

    /// An Encodable value as JSON.
    init(encoding value: some Encodable) throws {
        self.init(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value), options: [.fragmentsAllowed]))
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let fields): try container.encode(fields)
        case .array(let values): try container.encode(values)
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .number(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        }
    }
}
