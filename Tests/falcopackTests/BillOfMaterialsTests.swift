import Foundation
import Testing
import TestSupport

/// The release's bills of materials, judged by SPDX's and CycloneDX's own validators, and read for what they must
/// state: every artifact with the digest SHA256SUMS gives, every file with its own digest, the version, the driver,
/// the licences, each image with its base's digest; and each image carrying its own as an OCI 1.1 referrer.
@Suite struct BillOfMaterialsTests {
    let release: Release
    let v = Release.version

    init() throws { release = try Release.shared.get() }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// SHA256SUMS as a dictionary, name to digest.
    func sums() throws -> [String: String] {
        let text = try String(contentsOfFile: release.path("SHA256SUMS"), encoding: .utf8)
        return Dictionary(uniqueKeysWithValues: text.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return (String(parts[1].dropFirst()), String(parts[0]))
        })
    }

    /// The validators of spdx-tools and cyclonedx-python-lib, which print nothing but the problems they find.
    static let validator = """
        import sys
        from spdx_tools.spdx.parser.json.json_parser import parse_from_file
        from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
        from cyclonedx.validation.json import JsonStrictValidator
        from cyclonedx.schema import SchemaVersion
        kind, path = sys.argv[1], sys.argv[2]
        if kind == "spdx":
            messages = validate_full_spdx_document(parse_from_file(path))
            for message in messages: print(message.validation_message)
            sys.exit(1 if messages else 0)
        error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(open(path).read())
        if error: print(error)
        sys.exit(1 if error else 0)
        """

    /// The venv `scripts/install-deps.sh test` makes for the validators.
    static var python: String { repositoryRoot() + "/.cache/sbom-venv/bin/python" }

    func validate(_ kind: String, _ path: String) throws -> ToolResult {
        try run([Self.python, "-c", Self.validator, kind, path])
    }

    @Test func theValidatorsAcceptBothAndRejectABrokenOne() throws {
        let spdx = try validate("spdx", release.path("falco-\(v).spdx.json"))
        #expect(spdx.status == 0, "\(spdx.output) \(spdx.stderr)")
        let cyclonedx = try validate("cyclonedx", release.path("falco-\(v).cdx.json"))
        #expect(cyclonedx.status == 0, "\(cyclonedx.output) \(cyclonedx.stderr)")

        // The validators do catch what SPDX and CycloneDX require: a file without its SHA-1, a bad hash.
        let work = try TemporaryDirectory()
        var document = try json(release.path("falco-\(v).spdx.json"))
        var files = document["files"] as! [[String: Any]]
        files[0]["checksums"] = (files[0]["checksums"] as! [[String: Any]]).filter { $0["algorithm"] as? String != "SHA1" }
        document["files"] = files
        let broken = work.file("broken.spdx.json")
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: broken))
        #expect(try validate("spdx", broken).status != 0)
        var bom = try json(release.path("falco-\(v).cdx.json"))
        var components = bom["components"] as! [[String: Any]]
        components[0]["hashes"] = [["alg": "SHA-256", "content": "not hex"]]
        bom["components"] = components
        let brokenBOM = work.file("broken.cdx.json")
        try JSONSerialization.data(withJSONObject: bom).write(to: URL(fileURLWithPath: brokenBOM))
        #expect(try validate("cyclonedx", brokenBOM).status != 0)
    }

    @Test func spdxListsEveryArtifactAndFileWithItsDigest() throws {
        let document = try json(release.path("falco-\(v).spdx.json"))
        let packages = document["packages"] as! [[String: Any]]
        let byName = Dictionary(packages.map { ($0["name"] as! String, $0) }) { first, _ in first }
        let sums = try sums()
        for name in release.names {
            let package = try #require(byName[name], "\(name) is not in the SPDX document")
            let checksum = (package["checksums"] as! [[String: String]]).first { $0["algorithm"] == "SHA256" }
            #expect(checksum?["checksumValue"] == sums[name], "\(name)")
        }
        #expect(byName["falco"]?["versionInfo"] as? String == v)
        #expect(byName["falco"]?["licenseDeclared"] as? String == "Apache-2.0")
        let driver = try #require(packages.first { ($0["name"] as! String).hasSuffix("-driver") })
        #expect(driver["versionInfo"] as? String == Release.driverVersion)
        #expect(driver["licenseDeclared"] as? String == "MIT OR GPL-2.0-only")
        // Tarballs carry the spec's licence as packages do: one metadata builder for every artifact.
        for name in release.names where name.hasSuffix(".tar.gz") || name.hasSuffix(".deb") || name.hasSuffix(".rpm") {
            #expect(byName[name]?["licenseDeclared"] as? String == "Apache-2.0", "\(name)")
        }
        let module = byName["falco-\(v)-module-amd64.deb"]!
        let purl = (module["externalRefs"] as! [[String: String]])[0]["referenceLocator"]
        #expect(purl == "pkg:deb/falco@\(v)?arch=amd64")

        // The falco binary in the bin tarball: its SHA-256 and SHA-1, as sha256sum and sha1sum give them.
        let files = document["files"] as! [[String: Any]]
        let top = "falco-\(v)-bin-x86"
        let binary = try #require(files.first { $0["fileName"] as? String == "./\(top)/usr/bin/falco" })
        let digests = Dictionary(uniqueKeysWithValues: (binary["checksums"] as! [[String: String]]).map { ($0["algorithm"]!, $0["checksumValue"]!) })
        let sha256 = try runChecked(["sha256sum", release.falcoBinary]).output.prefix(64)
        let sha1 = try runChecked(["sha1sum", release.falcoBinary]).output.prefix(40)
        #expect(digests["SHA256"] == String(sha256))
        #expect(digests["SHA1"] == String(sha1))

        // Images: each tagged image, on each platform, with its manifest digest, descended from its base, whose
        // digest is stated.
        let relationships = document["relationships"] as! [[String: String]]
        var listed = 0
        for (reference, platform, manifest) in try platformImages() where reference.hasSuffix(":\(v)") {
            listed += 1
            let image = try #require(byName["\(reference) linux/\(platform)"], "\(reference) linux/\(platform)")
            let digest = (image["checksums"] as! [[String: String]])[0]["checksumValue"]!
            #expect("sha256:" + digest == manifest)
            let base = relationships.first { $0["spdxElementId"] == image["SPDXID"] as? String && $0["relationshipType"] == "DESCENDANT_OF" }
            let basePackage = packages.first { $0["SPDXID"] as? String == base?["relatedSpdxElement"] }
            let baseDigest = (basePackage?["checksums"] as? [[String: String]])?.first?["checksumValue"]
            #expect(baseDigest?.count == 64, "\(reference) names its base's digest")
        }
        #expect(listed == 9, "five images on amd64, four on arm64")
    }

    /// Each tag of the layout with each platform's manifest digest in its image index.
    func platformImages() throws -> [(reference: String, platform: String, manifest: String)] {
        let index = try json(release.layout + "/index.json")
        var found: [(String, String, String)] = []
        for entry in (index["manifests"] as! [[String: Any]]) where entry["annotations"] != nil {
            let reference = (entry["annotations"] as! [String: String])["org.opencontainers.image.ref.name"]!
            let inner = try json(release.layout + "/blobs/sha256/" + (entry["digest"] as! String).dropFirst(7))
            for manifest in inner["manifests"] as! [[String: Any]] {
                found.append((reference, (manifest["platform"] as! [String: String])["architecture"]!, manifest["digest"] as! String))
            }
        }
        return found
    }

    @Test func cycloneDXStatesTheSame() throws {
        let bom = try json(release.path("falco-\(v).cdx.json"))
        #expect((bom["serialNumber"] as! String).hasPrefix("urn:uuid:"))
        let metadata = bom["metadata"] as! [String: Any]
        let component = metadata["component"] as! [String: Any]
        #expect(component["version"] as? String == v)
        let components = bom["components"] as! [[String: Any]]
        let sums = try sums()
        for name in release.names {
            let found = try #require(components.first { $0["name"] as? String == name }, "\(name)")
            #expect((found["hashes"] as! [[String: String]])[0]["content"] == sums[name], "\(name)")
        }
        let driver = try #require(components.first { $0["type"] as? String == "device-driver" })
        #expect(driver["version"] as? String == Release.driverVersion)
        let archive = try #require(components.first { $0["name"] as? String == "falco-\(v)-images.tar" })
        let images = (archive["components"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "container" }
        #expect(images.count == 9, "five images on amd64, four on arm64")
    }

    /// Each image's own bill of materials is an artifact whose subject is the image, as OCI 1.1 attaches them.
    @Test func eachImageCarriesItsBillOfMaterialsAsAReferrer() throws {
        let index = try json(release.layout + "/index.json")
        let entries = index["manifests"] as! [[String: Any]]
        let images = Set(try platformImages().map(\.manifest))
        let referrers = entries.filter { $0["artifactType"] as? String == "application/spdx+json" }
        #expect(referrers.count == images.count)
        var subjects: Set<String> = []
        for referrer in referrers {
            let digest = (referrer["digest"] as! String).dropFirst("sha256:".count)
            let manifest = try json(release.layout + "/blobs/sha256/\(digest)")
            #expect(manifest["artifactType"] as? String == "application/spdx+json")
            let subject = (manifest["subject"] as! [String: Any])["digest"] as! String
            subjects.insert(subject)
            let layer = (manifest["layers"] as! [[String: Any]])[0]
            let document = release.layout + "/blobs/sha256/" + (layer["digest"] as! String).dropFirst("sha256:".count)
            let result = try validate("spdx", document)
            #expect(result.status == 0, "\(result.output)")
        }
        #expect(subjects == images)
        // Tags still resolve to the images, not to the attached documents.
        let inspect = try runChecked(["skopeo", "inspect", "oci:\(release.layout):falcosecurity/falco:\(v)"]).output
        #expect(inspect.contains("\"Digest\""))
    }
}
