import Foundation

/// CycloneDX 1.5 in JSON (cyclonedx.org/docs/1.5/json): the release as the metadata component, each artifact and
/// image a component holding its files, base images as container components it depends on, and the spec's
/// components (the driver) as well.
public enum CycloneDXDocument {
    struct Hash: Encodable {
        var alg: String
        var content: String
    }

    struct License: Encodable {
        var expression: String
    }

    struct Supplier: Encodable {
        var name: String
    }

    struct ExternalReference: Encodable {
        var type: String
        var url: String
    }

    struct Component: Encodable {
        var type: String
        var bomRef: String?
        var name: String
        var version: String?
        var purl: String?
        var description: String?
        var licenses: [License]?
        var supplier: Supplier?
        var hashes: [Hash]?
        var externalReferences: [ExternalReference]?
        var components: [Component]?

        enum CodingKeys: String, CodingKey {
            case type, bomRef = "bom-ref", name, version, purl, description, licenses, supplier, hashes, externalReferences,
                 components
        }
    }

    struct Tool: Encodable {
        var type = "application"
        var name = "falcopack"
        var version: String
    }

    struct Tools: Encodable {
        var components: [Tool]
    }

    struct Metadata: Encodable {
        var timestamp: String
        var tools: Tools
        var component: Component
    }

    struct Dependency: Encodable {
        var ref: String
        var dependsOn: [String]
    }

    struct Document: Encodable {
        var schema = "http://cyclonedx.org/schema/bom-1.5.schema.json"
        var bomFormat = "CycloneDX"
        var specVersion = "1.5"
        var serialNumber: String
        var version = 1
        var metadata: Metadata
        var components: [Component]
        var dependencies: [Dependency]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", bomFormat, specVersion, serialNumber, version, metadata, components, dependencies
        }
    }

    public static func write(_ bill: BillOfMaterials, toolVersion: String) throws -> [UInt8] {
        func licenses(_ expression: String?) -> [License]? {
            expression.map { [License(expression: $0)] }
        }
        let release = Component(type: "application", bomRef: "release", name: bill.name, version: bill.version,
                                licenses: licenses(bill.license), supplier: bill.supplier.map(Supplier.init(name:)),
                                externalReferences: bill.homepage.map { [ExternalReference(type: "website", url: $0)] })

        var components: [Component] = []
        var dependencies: [String: [String]] = ["release": []]
        var bases: [BillOfMaterials.Base: String] = [:]
        // Images sit inside the archive that holds them.
        var nested: [String: [Component]] = [:]
        var order: [String] = []
        for (index, item) in bill.items.enumerated() {
            let ref = "item-\(index + 1)"
            let component = Component(
                type: type(item.kind), bomRef: ref, name: item.name, version: item.version, purl: item.purl,
                licenses: licenses(item.license), hashes: [Hash(alg: "SHA-256", content: item.sha256)],
                components: item.files.isEmpty ? nil : item.files.map { file in
                    Component(type: "file", name: file.path,
                              hashes: [Hash(alg: "SHA-1", content: file.sha1), Hash(alg: "SHA-256", content: file.sha256)])
                })
            if let base = item.base {
                let baseRef: String
                if let known = bases[base] {
                    baseRef = known
                } else {
                    baseRef = "base-\(bases.count + 1)"
                    bases[base] = baseRef
                    components.append(Component(type: "container", bomRef: baseRef, name: base.reference,
                                                hashes: [Hash(alg: "SHA-256", content: base.sha256)]))
                }
                dependencies[ref, default: []].append(baseRef)
            }
            if let holder = item.containedBy {
                nested[holder, default: []].append(component)
            } else {
                order.append(item.name)
                nested[item.name, default: []].insert(component, at: 0)
                dependencies["release"]!.append(ref)
            }
        }
        for name in order {
            guard var top = nested[name]?.first else { continue }
            let inside = Array(nested[name]!.dropFirst())
            if !inside.isEmpty { top.components = (top.components ?? []) + inside }
            components.append(top)
        }
        for (index, part) in bill.components.enumerated() {
            let ref = "component-\(index + 1)"
            components.append(Component(type: "device-driver", bomRef: ref, name: part.name, version: part.version,
                                        description: part.description, licenses: licenses(part.license)))
            dependencies["release"]!.append(ref)
        }

        let document = Document(
            serialNumber: serialNumber(bill),
            metadata: Metadata(timestamp: bill.timestamp, tools: Tools(components: [Tool(version: toolVersion)]),
                               component: release),
            components: components,
            dependencies: dependencies.keys.sorted().map { Dependency(ref: $0, dependsOn: dependencies[$0]!) })
        return try BillOfMaterials.serialize(document)
    }

    /// An RFC 4122 UUID made from the release's digests, not drawn at random; marked version 5 (name-based), the
    /// newest version CycloneDX 1.5's schema admits.
    static func serialNumber(_ bill: BillOfMaterials) -> String {
        var bytes = Array(bill.identity.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
                     hex.dropFirst(20)]
        return "urn:uuid:" + parts.joined(separator: "-")
    }

    static func type(_ kind: BillOfMaterials.Item.Kind) -> String {
        switch kind {
        case .package: "application"
        case .archive: "file"
        case .container: "container"
        }
    }
}
