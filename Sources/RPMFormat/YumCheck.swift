import ByteIO
import Codecs
import Crypto
import FormatSeam
import Foundation
import Signing

extension YumRepository {
    /// What dnf checks with `repo_gpgcheck` and `gpgcheck`, and more: `repomd.xml.asc` by a trusted key, each
    /// metadata file with its size and both SHA-256s, every package with its size and SHA-256 (its pkgid), and each
    /// package's own header signature.
    func check(_ source: any RepositorySource, settings: RepositorySettings, keyring: Keyring,
               signatures: @Sendable (String) throws -> [EmbeddedSignature]) -> RepositoryCheck {
        var session = RepositoryCheckSession(source)
        let repodata = folder + "/repodata"
        func problem(_ path: String, _ reason: String) { session.problem(path, reason) }
        func read(_ path: String) -> [UInt8]? { session.read(path) }
        guard let repomd = read(repodata + "/repomd.xml") else { return session.result }
        if let signed = read(repodata + "/repomd.xml.asc") {
            do {
                if let reason = keyring.problem(with: try Signature.readDetached(signed), feeding: { $0.update(repomd) }) {
                    problem(repodata + "/repomd.xml.asc", reason)
                }
            } catch {
                problem(repodata + "/repomd.xml.asc", "holds no signature: \(error)")
            }
        }
        _ = read(repodata + "/repomd.xml.key")
        let text = String(decoding: repomd, as: UTF8.self)
        var primary: [UInt8]?
        for block in XML.elements("data", in: text) {
            guard let type = XML.attribute("type", of: block),
                  let href = XML.attribute("href", of: XML.elements("location", in: block).first ?? "") else {
                problem(repodata + "/repomd.xml", "a data element without a type or location")
                continue
            }
            let path = folder + "/" + href
            guard let bytes = read(path) else { continue }
            let checksum = XML.elements("checksum", in: block).first.flatMap { XML.text(of: $0) }
            let size = XML.firstText(of: "size", in: block).flatMap { Int($0) }
            if checksum != Array(SHA256.hash(data: bytes)).hexString || size != bytes.count {
                problem(path, "its size or SHA-256 is not what repomd.xml lists")
                continue
            }
            var decoder = RunCompressor(codec: Self.codec)
            guard let plain = try? decoder.learn(bytes) else {
                problem(path, "does not decompress")
                continue
            }
            let open = XML.elements("open-checksum", in: block).first.flatMap { XML.text(of: $0) }
            if open != Array(SHA256.hash(data: plain)).hexString {
                problem(path, "its uncompressed SHA-256 is not what repomd.xml lists")
            }
            if type == "primary" { primary = plain }
        }
        guard let primary else {
            if session.result.problems.isEmpty { problem(repodata + "/repomd.xml", "names no primary metadata") }
            return session.result
        }
        let elements: [String: String]
        do {
            elements = try Self.packageElements(primary, kind: "primary", file: source.describe(repodata + "/repomd.xml"))
        } catch {
            problem(repodata + "/repomd.xml", "\(error)")
            return session.result
        }
        var packages: [(pkgid: String, location: String, size: UInt64?)] = []
        for (pkgid, element) in elements.sorted(by: { $0.key < $1.key }) {
            guard let location = XML.elements("location", in: element).first.flatMap({ XML.attribute("href", of: $0) }) else {
                problem(repodata + "/repomd.xml", "package \(pkgid) has no location")
                continue
            }
            packages.append((pkgid, XML.unescape(location),
                             XML.elements("size", in: element).first.flatMap { XML.attribute("package", of: $0) }.flatMap { UInt64($0) }))
        }
        let folder = self.folder
        session.checkPackages(packages, keyring: keyring, signatures: signatures,
                              location: { (folder + "/" + $0.location, "the primary metadata") }) { package, file in
            let reader = try FileReader(path: file)
            var hasher = SHA256()
            try reader.forEachChunk(offset: 0, length: reader.size) { hasher.update(bufferPointer: $0) }
            return Array(hasher.finalize()).hexString != package.pkgid || package.size != reader.size
                ? ["its size or SHA-256 is not what the primary metadata lists"] : []
        }
        return session.result
    }
}
