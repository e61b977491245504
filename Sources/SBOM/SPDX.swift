import Crypto
import Foundation

/// SPDX 2.3 in JSON (spdx.github.io/spdx-spec/v2.3): a package for the release, one for each artifact and image,
/// one for each base image and declared component, a file element for every file in an artifact (SHA-1, which
/// SPDX requires, and SHA-256), and the relationships between them.
public enum SPDXDocument {
    struct Checksum: Encodable {
        var algorithm: String
        var checksumValue: String
    }

    struct ExternalReference: Encodable {
        var referenceCategory: String
        var referenceType: String
        var referenceLocator: String
    }

    struct VerificationCode: Encodable {
        var packageVerificationCodeValue: String
    }

    struct Package: Encodable {
        var SPDXID: String
        var name: String
        var versionInfo: String?
        var downloadLocation = "NOASSERTION"
        var filesAnalyzed: Bool
        var copyrightText = "NOASSERTION"
        var primaryPackagePurpose: String
        var licenseConcluded = "NOASSERTION"
        var licenseDeclared: String
        var supplier: String?
        var homepage: String?
        var checksums: [Checksum]?
        var packageFileName: String?
        var externalRefs: [ExternalReference]?
        var packageVerificationCode: VerificationCode?
        var description: String?
    }

    struct File: Encodable {
        var SPDXID: String
        var fileName: String
        var licenseConcluded = "NOASSERTION"
        var copyrightText = "NOASSERTION"
        var checksums: [Checksum]
    }

    struct Relationship: Encodable {
        var spdxElementId: String
        var relationshipType: String
        var relatedSpdxElement: String
    }

    struct CreationInfo: Encodable {
        var created: String
        var creators: [String]
    }

    struct Document: Encodable {
        var SPDXID = "SPDXRef-DOCUMENT"
        var spdxVersion = "SPDX-2.3"
        var dataLicense = "CC0-1.0"
        var name: String
        var documentNamespace: String
        var creationInfo: CreationInfo
        var packages: [Package]
        var files: [File]
        var relationships: [Relationship]
    }

    public static func write(_ bill: BillOfMaterials) throws -> [UInt8] {
        var packages: [Package] = []
        var files: [File] = []
        var relationships: [Relationship] = []
        func relate(_ element: String, _ type: String, _ related: String) {
            relationships.append(Relationship(spdxElementId: element, relationshipType: type, relatedSpdxElement: related))
        }
        let supplier = bill.supplier.map(organization)
        let releaseID = "SPDXRef-Release"
        packages.append(Package(SPDXID: releaseID, name: bill.name, versionInfo: bill.version, filesAnalyzed: false,
                                primaryPackagePurpose: "APPLICATION", licenseDeclared: bill.license ?? "NOASSERTION",
                                supplier: supplier, homepage: bill.homepage))
        relate("SPDXRef-DOCUMENT", "DESCRIBES", releaseID)

        var itemIDs: [String: String] = [:]
        for (index, item) in bill.items.enumerated() {
            itemIDs[item.name] = "SPDXRef-Item-\(index + 1)-" + identifier(item.name)
        }
        var baseIDs: [BillOfMaterials.Base: String] = [:]
        for (index, item) in bill.items.enumerated() {
            let id = itemIDs[item.name]!
            var package = Package(
                SPDXID: id, name: item.name, versionInfo: item.version, filesAnalyzed: !item.files.isEmpty,
                primaryPackagePurpose: purpose(item.kind), licenseDeclared: item.license ?? "NOASSERTION", supplier: supplier,
                checksums: [Checksum(algorithm: "SHA256", checksumValue: item.sha256)],
                packageFileName: item.kind != .container ? item.name : nil,
                externalRefs: item.purl.map { [ExternalReference(referenceCategory: "PACKAGE-MANAGER", referenceType: "purl",
                                                                 referenceLocator: $0)] })
            if !item.files.isEmpty {
                package.packageVerificationCode = VerificationCode(packageVerificationCodeValue: verificationCode(item.files))
                for (fileIndex, file) in item.files.enumerated() {
                    let fileID = "SPDXRef-File-\(index + 1)-\(fileIndex + 1)"
                    files.append(File(SPDXID: fileID, fileName: "./" + file.path,
                                      checksums: [Checksum(algorithm: "SHA1", checksumValue: file.sha1),
                                                  Checksum(algorithm: "SHA256", checksumValue: file.sha256)]))
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
                    packages.append(Package(SPDXID: baseID, name: base.reference, filesAnalyzed: false,
                                            primaryPackagePurpose: "CONTAINER", licenseDeclared: "NOASSERTION",
                                            checksums: [Checksum(algorithm: "SHA256", checksumValue: base.sha256)]))
                }
                relate(id, "DESCENDANT_OF", baseID)
            }
        }
        for (index, component) in bill.components.enumerated() {
            let id = "SPDXRef-Component-\(index + 1)-" + identifier(component.name)
            packages.append(Package(SPDXID: id, name: component.name, versionInfo: component.version, filesAnalyzed: false,
                                    primaryPackagePurpose: "SOURCE", licenseDeclared: component.license ?? "NOASSERTION",
                                    description: component.description))
            relate(releaseID, "CONTAINS", id)
        }

        let document = Document(
            name: "\(bill.name)-\(bill.version)", documentNamespace: namespace(bill),
            creationInfo: CreationInfo(created: bill.timestamp,
                                       creators: ["Tool: " + bill.tool.replacingOccurrences(of: " ", with: "-")]
                                           + (bill.supplier.map { [organization($0)] } ?? [])),
            packages: packages, files: files, relationships: relationships)
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
