import ByteIO
import Crypto
import FormatSeam
import Foundation
import Signing

extension AptRepository {
    /// What apt checks, and more: `InRelease` and `Release.gpg` by a trusted key, every index `Release` lists (and
    /// its by-hash copy) with its size and SHA-256, every package the indexes list with its size and digests, and
    /// each package's own `_gpgorigin`.
    func check(_ source: any RepositorySource, settings: RepositorySettings, keyring: Keyring,
               signatures: @Sendable (String) throws -> [EmbeddedSignature]) -> RepositoryCheck {
        var session = RepositoryCheckSession(source)
        let dists = "\(folder)/dists/\(settings.suite)"
        func problem(_ path: String, _ reason: String) { session.problem(path, reason) }
        func read(_ path: String) -> [UInt8]? { session.read(path) }
        guard let release = read(dists + "/Release") else { return session.result }
        // apt reads InRelease alone: when it is good, its text says which indexes are served. Release and
        // Release.gpg, for clients that read them, may be of the generation before or after while an update runs.
        var listing = release
        var inReleaseGood = false
        if let inRelease = read(dists + "/InRelease") {
            do {
                let message = try Cleartext(String(decoding: inRelease, as: UTF8.self))
                if let reason = keyring.problem(with: message.signatures, feeding: { $0.update(message.signed) }) {
                    problem(dists + "/InRelease", reason)
                } else {
                    inReleaseGood = true
                    listing = Array(message.text.utf8)
                    if listing != release {
                        problem(dists + "/Release", "is of another generation than InRelease, which apt reads: an update under way or cut short")
                    }
                }
            } catch {
                problem(dists + "/InRelease", "is not a clearsigned message: \(error)")
            }
        }
        if let detached = read(dists + "/Release.gpg") {
            do {
                if let reason = keyring.problem(with: try Signature.readDetached(detached), feeding: { $0.update(release) }) {
                    problem(dists + "/Release.gpg", inReleaseGood
                            ? "signs another generation of Release (\(reason)); InRelease, which apt reads first, is good: an update under way or cut short"
                            : reason)
                }
            } catch {
                problem(dists + "/Release.gpg", "holds no signature: \(error)")
            }
        }
        let stanza: Stanza
        do {
            guard let first = try Stanza.parse(listing, file: source.describe(dists + "/Release")).first else {
                problem(dists + "/Release", "is empty")
                return session.result
            }
            stanza = first
        } catch {
            problem(dists + "/Release", "\(error)")
            return session.result
        }
        // Every index Release lists, and its by-hash copy; the plain Packages files are read for the packages.
        var packageIndexes: [(path: String, bytes: [UInt8])] = []
        for line in (stanza["SHA256"] ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let size = Int(parts[1]) else {
                if !line.allSatisfy({ $0 == " " }) { problem(dists + "/Release", "'\(line)' is not DIGEST SIZE PATH") }
                continue
            }
            let digest = String(parts[0]), name = String(parts[2])
            let path = dists + "/" + name
            let byHash = dists + "/" + OutputFile.directory(of: name) + "/by-hash/SHA256/" + digest
            func good(_ candidate: String) -> [UInt8]? {
                guard let bytes = read(candidate) else { return nil }
                return bytes.count == size && Array(SHA256.hash(data: bytes)).hexString == digest ? bytes : nil
            }
            let hashed = stanza["Acquire-By-Hash"] == "yes" ? good(byHash) : nil
            if stanza["Acquire-By-Hash"] == "yes", hashed == nil, session.result.problems.last?.hasPrefix(source.describe(byHash)) != true {
                problem(byHash, "its size or SHA-256 is not what Release lists (\(size) bytes, \(digest))")
            }
            let named = good(path)
            if named == nil, session.result.problems.last?.hasPrefix(source.describe(path)) != true {
                problem(path, hashed == nil ? "its size or SHA-256 is not what Release lists (\(size) bytes, \(digest))"
                    : "is a by-name copy of another generation than InRelease (\(size) bytes, \(digest)); its by-hash copy, which apt reads, is good: an update under way or cut short")
            }
            if let bytes = hashed ?? named, OutputFile.basename(of: name) == "Packages" {
                packageIndexes.append((path, bytes))
            }
        }
        // Each package once, however many architectures' indexes list it.
        var listed: [String: (index: String, stanza: Stanza)] = [:]
        for (path, bytes) in packageIndexes {
            do {
                for package in try Stanza.parse(bytes, file: source.describe(path)) {
                    try Self.check(package, file: source.describe(path))
                    listed[package["Filename"]!] = (path, package)
                }
            } catch {
                problem(path, "\(error)")
            }
        }
        let folder = self.folder
        session.checkPackages(listed.sorted { $0.key < $1.key }, keyring: keyring, signatures: signatures,
                              location: { (folder + "/" + $0.key, source.describe($0.value.index)) }) { package, file in
            let digests = try Self.digests(of: file)
            let expected: [(String, String)] = [("Size", "\(digests.size)"), ("MD5sum", digests.md5), ("SHA1", digests.sha1),
                                                ("SHA256", digests.sha256), ("SHA512", digests.sha512)]
            return expected.compactMap { field, value in
                let listed = package.value.stanza[field]
                return listed != nil && listed != value ? "its \(field) is not what \(source.describe(package.value.index)) lists" : nil
            }
        }
        return session.result
    }
}
