import Foundation

/// CycloneDX 1.5 in JSON (cyclonedx.org/docs/1.5/json): the release as the metadata component, each artifact and
/// image a component holding its files, base images as container components it depends on, and the spec's
/// components (the driver) as well.
public enum CycloneDXDocument {
    public static func write(_ bill: BillOfMaterials, toolVersion: String) throws -> [UInt8] {
        func licenses(_ expression: String?) -> [[String: Any]]? {
            expression.map { [["expression": $0]] }
        }
        var release: [String: Any] = ["type": "application", "bom-ref": "release", "name": bill.name,
                                      "version": bill.version]
        if let license = licenses(bill.license) { release["licenses"] = license }
        if let supplier = bill.supplier { release["supplier"] = ["name": supplier] }
        if let homepage = bill.homepage { release["externalReferences"] = [["type": "website", "url": homepage]] }

        var components: [[String: Any]] = []
        var dependencies: [String: [String]] = ["release": []]
        var bases: [BillOfMaterials.Base: String] = [:]
        // Images sit inside the archive that holds them.
        var nested: [String: [[String: Any]]] = [:]
        var order: [String] = []
        for (index, item) in bill.items.enumerated() {
            let ref = "item-\(index + 1)"
            var component: [String: Any] = [
                "type": type(item.kind), "bom-ref": ref, "name": item.name,
                "hashes": [["alg": "SHA-256", "content": item.sha256]],
            ]
            if let version = item.version { component["version"] = version }
            if let purl = item.purl { component["purl"] = purl }
            if let license = licenses(item.license) { component["licenses"] = license }
            if !item.files.isEmpty {
                component["components"] = item.files.map { file -> [String: Any] in
                    ["type": "file", "name": file.path,
                     "hashes": [["alg": "SHA-1", "content": file.sha1], ["alg": "SHA-256", "content": file.sha256]]]
                }
            }
            if let base = item.base {
                let baseRef: String
                if let known = bases[base] {
                    baseRef = known
                } else {
                    baseRef = "base-\(bases.count + 1)"
                    bases[base] = baseRef
                    components.append(["type": "container", "bom-ref": baseRef, "name": base.reference,
                                       "hashes": [["alg": "SHA-256", "content": base.sha256]]])
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
            if !inside.isEmpty { top["components"] = (top["components"] as? [[String: Any]] ?? []) + inside }
            components.append(top)
        }
        for (index, part) in bill.components.enumerated() {
            let ref = "component-\(index + 1)"
            var component: [String: Any] = ["type": "device-driver", "bom-ref": ref, "name": part.name,
                                            "version": part.version]
            if let license = licenses(part.license) { component["licenses"] = license }
            if let description = part.description { component["description"] = description }
            components.append(component)
            dependencies["release"]!.append(ref)
        }

        let document: [String: Any] = [
            "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "serialNumber": serialNumber(bill),
            "version": 1,
            "metadata": [
                "timestamp": bill.timestamp,
                "tools": ["components": [["type": "application", "name": "falcopack", "version": toolVersion]]],
                "component": release,
            ],
            "components": components,
            "dependencies": dependencies.keys.sorted().map { ["ref": $0, "dependsOn": dependencies[$0]!] },
        ]
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
