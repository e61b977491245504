import Crypto
import Foundation

/// SPDX 2.3 in JSON (spdx.github.io/spdx-spec/v2.3): a package for the release, one for each artifact and image,
/// one for each base image and declared component, a file element for every file in an artifact (SHA-1, which
/// SPDX requires, and SHA-256), and the relationships between them.
public enum SPDXDocument {
    public static func write(_ bill: BillOfMaterials) throws -> [UInt8] {
        var packages: [[String: Any]] = []
        var files: [[String: Any]] = []
        var relationships: [[String: Any]] = []
        func relate(_ element: String, _ type: String, _ related: String) {
            relationships.append(["spdxElementId": element, "relationshipType": type, "relatedSpdxElement": related])
        }
        let supplier = bill.supplier.map(organization)
        let releaseID = "SPDXRef-Release"
        var release: [String: Any] = [
            "SPDXID": releaseID, "name": bill.name, "versionInfo": bill.version, "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false, "copyrightText": "NOASSERTION", "primaryPackagePurpose": "APPLICATION",
            "licenseConcluded": "NOASSERTION", "licenseDeclared": bill.license ?? "NOASSERTION",
        ]
        if let supplier { release["supplier"] = supplier }
        if let homepage = bill.homepage { release["homepage"] = homepage }
        packages.append(release)
        relate("SPDXRef-DOCUMENT", "DESCRIBES", releaseID)

        var itemIDs: [String: String] = [:]
        for (index, item) in bill.items.enumerated() {
            itemIDs[item.name] = "SPDXRef-Item-\(index + 1)-" + identifier(item.name)
        }
        var baseIDs: [BillOfMaterials.Base: String] = [:]
        for (index, item) in bill.items.enumerated() {
            let id = itemIDs[item.name]!
            var package: [String: Any] = [
                "SPDXID": id, "name": item.name, "downloadLocation": "NOASSERTION", "copyrightText": "NOASSERTION",
                "checksums": [["algorithm": "SHA256", "checksumValue": item.sha256]],
                "licenseConcluded": "NOASSERTION", "licenseDeclared": item.license ?? "NOASSERTION",
                "primaryPackagePurpose": purpose(item.kind),
            ]
            if item.kind != .container { package["packageFileName"] = item.name }
            if let version = item.version { package["versionInfo"] = version }
            if let supplier { package["supplier"] = supplier }
            if let purl = item.purl {
                package["externalRefs"] = [["referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                                            "referenceLocator": purl]]
            }
            if item.files.isEmpty {
                package["filesAnalyzed"] = false
            } else {
                package["filesAnalyzed"] = true
                package["packageVerificationCode"] = ["packageVerificationCodeValue": verificationCode(item.files)]
                for (fileIndex, file) in item.files.enumerated() {
                    let fileID = "SPDXRef-File-\(index + 1)-\(fileIndex + 1)"
                    files.append([
                        "SPDXID": fileID, "fileName": "./" + file.path, "licenseConcluded": "NOASSERTION",
                        "copyrightText": "NOASSERTION",
                        "checksums": [["algorithm": "SHA1", "checksumValue": file.sha1],
                                      ["algorithm": "SHA256", "checksumValue": file.sha256]],
                    ])
                    relate(id, "CONTAINS", fileID)
                }
            }
            packages.append(package)
            relate(item.containedBy.flatMap { itemIDs[$0] } ?? releaseID, "CONTAINS", id)
            if let base = item.base {
                let baseID: String
                if let known = baseIDs[base] {
                    baseID = known
                } else {
                    baseID = "SPDXRef-Base-\(baseIDs.count + 1)"
                    baseIDs[base] = baseID
                    packages.append([
                        "SPDXID": baseID, "name": base.reference, "downloadLocation": "NOASSERTION",
                        "filesAnalyzed": false, "copyrightText": "NOASSERTION", "licenseConcluded": "NOASSERTION",
                        "licenseDeclared": "NOASSERTION", "primaryPackagePurpose": "CONTAINER",
                        "checksums": [["algorithm": "SHA256", "checksumValue": base.sha256]],
                    ])
                }
                relate(id, "DESCENDANT_OF", baseID)
            }
        }
        for (index, component) in bill.components.enumerated() {
            let id = "SPDXRef-Component-\(index + 1)-" + identifier(component.name)
            var package: [String: Any] = [
                "SPDXID": id, "name": component.name, "versionInfo": component.version, "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false, "copyrightText": "NOASSERTION", "licenseConcluded": "NOASSERTION",
                "licenseDeclared": component.license ?? "NOASSERTION", "primaryPackagePurpose": "SOURCE",
            ]
            if let description = component.description { package["description"] = description }
            packages.append(package)
            relate(releaseID, "CONTAINS", id)
        }

        let document: [String: Any] = [
            "SPDXID": "SPDXRef-DOCUMENT",
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "name": "\(bill.name)-\(bill.version)",
            "documentNamespace": namespace(bill),
            "creationInfo": ["created": bill.timestamp,
                             "creators": ["Tool: " + bill.tool.replacingOccurrences(of: " ", with: "-")]
                                 + (bill.supplier.map { [organization($0)] } ?? [])],
            "packages": packages,
            "files": files,
            "relationships": relationships,
        ]
        return try BillOfMaterials.serialize(document)
    }

    /// A URI unique to this release, derived from its digests rather than drawn at random.
    static func namespace(_ bill: BillOfMaterials) -> String {
        let base = bill.homepage.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "https://spdx.org/spdxdocs"
        return "\(base)/spdx/\(bill.name)-\(bill.version)-\(bill.identity.prefix(16).hexDigits)"
    }

    /// "Name <mail>" as SPDX writes an organization: "Organization: Name (mail)".
    static func organization(_ text: String) -> String {
        if let open = text.firstIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let name = text[..<open].trimmingCharacters(in: .whitespaces)
            return "Organization: \(name) (\(text[text.index(after: open)..<close]))"
        }
        return "Organization: " + text
    }

    static func purpose(_ kind: BillOfMaterials.Item.Kind) -> String {
        switch kind {
        case .package: "INSTALL"
        case .archive: "ARCHIVE"
        case .container: "CONTAINER"
        }
    }

    /// SPDX identifiers hold letters, digits, dots and dashes.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" })
    }

    /// SHA-1 over the files' SHA-1s in hex, sorted (SPDX 2.3 section 7.9).
    static func verificationCode(_ files: [BillOfMaterials.File]) -> String {
        Array(Insecure.SHA1.hash(data: Array(files.map(\.sha1).sorted().joined().utf8))).hexDigits
    }
}

extension Sequence where Element == UInt8 {
    var hexDigits: String { map { String(format: "%02x", $0) }.joined() }
}
