import Foundation

extension SPDXDocument {
    /// What a document `write` made says of the release's artifacts and images: its items, in its order, with their
    /// files, their container and their base. `merge` joins the items of one machine's half of a release with the
    /// other's, so that the whole is described as one build describes it.
    public struct Unreadable: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "not a bill of materials falcopack wrote: \(reason)" }
    }

    public static func items(of bytes: [UInt8]) throws -> [BillOfMaterials.Item] {
        struct Checksum: Decodable { var algorithm: String; var checksumValue: String }
        struct Reference: Decodable { var referenceType: String; var referenceLocator: String }
        struct Package: Decodable {
            var SPDXID: String
            var name: String
            var versionInfo: String?
            var primaryPackagePurpose: String
            var licenseDeclared: String
            var checksums: [Checksum]?
            var externalRefs: [Reference]?
        }
        struct File: Decodable { var SPDXID: String; var fileName: String; var checksums: [Checksum] }
        struct Relationship: Decodable { var spdxElementId: String; var relationshipType: String; var relatedSpdxElement: String }
        struct Document: Decodable { var packages: [Package]; var files: [File]?; var relationships: [Relationship] }

        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw Unreadable(reason: "\(error)")
        }
        func sha(_ checksums: [Checksum]?, _ algorithm: String) -> String? {
            checksums?.first { $0.algorithm == algorithm }?.checksumValue
        }
        let packages = Dictionary(document.packages.map { ($0.SPDXID, $0) }) { first, _ in first }
        let files = Dictionary((document.files ?? []).map { ($0.SPDXID, $0) }) { first, _ in first }
        var contained: [String: [String]] = [:]
        var containers: [String: String] = [:]
        var bases: [String: String] = [:]
        for relation in document.relationships {
            switch relation.relationshipType {
            case "CONTAINS":
                contained[relation.spdxElementId, default: []].append(relation.relatedSpdxElement)
                containers[relation.relatedSpdxElement] = relation.spdxElementId
            case "DESCENDANT_OF":
                bases[relation.spdxElementId] = relation.relatedSpdxElement
            default:
                continue
            }
        }
        var items: [BillOfMaterials.Item] = []
        for package in document.packages where package.SPDXID.hasPrefix("SPDXRef-Item-") {
            let kind: BillOfMaterials.Item.Kind
            switch package.primaryPackagePurpose {
            case "INSTALL": kind = .package
            case "ARCHIVE": kind = .archive
            case "CONTAINER": kind = .container
            default: throw Unreadable(reason: "\(package.SPDXID) has the purpose \(package.primaryPackagePurpose)")
            }
            guard let sha256 = sha(package.checksums, "SHA256") else {
                throw Unreadable(reason: "\(package.SPDXID) has no SHA256")
            }
            var item = BillOfMaterials.Item(
                name: package.name, kind: kind, version: package.versionInfo, sha256: sha256,
                purl: package.externalRefs?.first { $0.referenceType == "purl" }?.referenceLocator,
                license: package.licenseDeclared == "NOASSERTION" ? nil : package.licenseDeclared)
            for id in contained[package.SPDXID] ?? [] {
                guard let file = files[id] else { continue }
                guard let sha256 = sha(file.checksums, "SHA256"), let sha1 = sha(file.checksums, "SHA1") else {
                    throw Unreadable(reason: "\(id) lacks a checksum")
                }
                item.files.append(BillOfMaterials.File(path: String(file.fileName.dropFirst(2)), sha256: sha256, sha1: sha1))
            }
            if let container = containers[package.SPDXID], container.hasPrefix("SPDXRef-Item-") {
                item.containedBy = packages[container]?.name
            }
            if let baseID = bases[package.SPDXID], let base = packages[baseID], let digest = sha(base.checksums, "SHA256") {
                item.base = BillOfMaterials.Base(reference: base.name, sha256: digest)
            }
            items.append(item)
        }
        return items
    }
}
