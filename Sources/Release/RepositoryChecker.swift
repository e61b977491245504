import ByteIO
import Crypto
import FormatSeam
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Signing

/// `repo check`: a repository verified as its clients would, from its folder or as a server hands it out.
public enum RepositoryChecker {
    public struct Report: Sendable {
        public var problems: [String]
        public var packages: Int
        public var releases: Int
        public var files: Int
    }

    /// Checks the repository at `location` (a folder, or an `http://` or `https://` URL) against `keyring`.
    public static func check(_ location: String, formats: [any ArtifactFormat], keyring: Keyring) throws -> Report {
        let source: any RepositorySource
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            source = try HTTPSource(location)
        } else {
            let root = URL(fileURLWithPath: location).standardizedFileURL.path
            _ = try RepositoryRecord.require(root)
            source = FolderSource(root: root)
        }
        defer { (source as? HTTPSource)?.finish() }
        guard let recordBytes = try source.bytes(RepositoryRecord.fileName) else {
            throw RepositoryError(path: source.describe(RepositoryRecord.fileName), reason: "missing: this is not a repository falcopack published")
        }
        let record = try ReleaseManifest.decode(RepositoryRecord.self, from: recordBytes, file: source.describe(RepositoryRecord.fileName))
        let settings = try record.settings(date: 0)
        var problems: [String] = []
        var files: Set<String> = [RepositoryRecord.fileName]
        var packages = 0
        for format in formats where record.formats.contains(format.name) {
            guard let repository = format.repository else { continue }
            let checked = repository.check(source, settings: settings, keyring: keyring) { try format.signatures(in: $0) }
            problems += checked.problems
            files.formUnion(checked.files)
            packages += checked.packages
        }
        func read(_ path: String) -> [UInt8]? {
            do {
                guard let bytes = try source.bytes(path) else {
                    problems.append("\(source.describe(path)): missing")
                    return nil
                }
                files.insert(path)
                return bytes
            } catch {
                problems.append("\(source.describe(path)): cannot be read: \(error)")
                return nil
            }
        }
        if let key = read(record.keyFile), (try? Certificate.read(key))?.isEmpty != false {
            problems.append("\(source.describe(record.keyFile)): holds no OpenPGP public key")
        }
        // Every release the page lists: its manifest, each file beside it with its digest and signature, and its
        // SHA256SUMS against the manifest.
        guard let page = read("index.html") else { return Report(problems: problems, packages: packages, releases: 0, files: files.count) }
        let links = IndexPage.links(in: page)
        // files/PRODUCT/VERSION/FILE, or files/VERSION/FILE for the first product of a repository from before products.
        let candidates = Set(links.compactMap { link -> [String]? in
            let parts = link.split(separator: "/").map(String.init)
            guard parts.count >= 3, parts[0] == Publisher.filesFolder else { return nil }
            return Array(parts[1..<(parts.count - 1)])
        }.map { $0.joined(separator: "/") })
        var versions: [String] = []
        for first in Set(candidates.map { String($0.prefix { $0 != "/" }) }).sorted() {
            if try source.bytes(Publisher.filesFolder + "/" + first + "/" + Publisher.manifestName) != nil {
                versions.append(first)
            } else {
                versions += Set(candidates.filter { $0.hasPrefix(first + "/") }.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }).sorted()
            }
        }
        let releaseProblems = try versions.concurrentMap { version -> (problems: [String], files: [String]) in
            try checkRelease(version, source: source, keyring: keyring)
        }
        for result in releaseProblems {
            problems += result.problems
            files.formUnion(result.files)
        }
        // Whatever else the page links to is there.
        for link in links where !files.contains(link) && !link.contains(":") && !link.hasPrefix("#") {
            do {
                if try source.bytes(link) == nil { problems.append("\(source.describe("index.html")): links \(link), which is missing") }
            } catch {
                problems.append("\(source.describe(link)): cannot be read: \(error)")
            }
        }
        return Report(problems: problems, packages: packages, releases: versions.count, files: files.count)
    }

    static func checkRelease(_ version: String, source: any RepositorySource, keyring: Keyring) throws -> (problems: [String], files: [String]) {
        var problems: [String] = []
        var files: [String] = []
        let folder = Publisher.filesFolder + "/" + version
        let manifestPath = folder + "/" + Publisher.manifestName
        guard let bytes = try source.bytes(manifestPath) else {
            return (["\(source.describe(manifestPath)): missing, though the page lists the release"], [])
        }
        files.append(manifestPath)
        let manifest: ReleaseManifest
        do {
            manifest = try ReleaseManifest.read(bytes, file: source.describe(manifestPath))
        } catch {
            return (["\(error)"], files)
        }
        var byName: [String: String] = [:]
        for artifact in manifest.artifacts {
            byName[artifact.name] = artifact.sha256
            guard artifact.href.hasPrefix(Publisher.filesFolder + "/") else { continue }
            guard let file = try source.file(artifact.href) else {
                problems.append("\(source.describe(artifact.href)): missing, though \(source.describe(manifestPath)) lists it")
                continue
            }
            files.append(artifact.href)
            let reader = try FileReader(path: file)
            var hasher = SHA256()
            try reader.forEachChunk(offset: 0, length: reader.size) { hasher.update(bufferPointer: $0) }
            if Array(hasher.finalize()).hexString != artifact.sha256 || reader.size != artifact.size {
                problems.append("\(source.describe(artifact.href)): its size or SHA-256 is not what \(source.describe(manifestPath)) lists")
            }
            guard let signature = artifact.signature else { continue }
            guard let signed = try source.bytes(signature) else {
                problems.append("\(source.describe(signature)): missing")
                continue
            }
            files.append(signature)
            do {
                let reason = try keyring.problem(with: try Signature.readDetached(signed)) { digester in
                    try reader.forEachChunk(offset: 0, length: reader.size) { digester.update($0) }
                }
                if let reason { problems.append("\(source.describe(signature)): \(reason)") }
            } catch {
                problems.append("\(source.describe(signature)): \(error)")
            }
        }
        // SHA256SUMS lists what the manifest does.
        if let sums = manifest.artifacts.first(where: { $0.name == "SHA256SUMS" }), let text = try source.bytes(sums.href) {
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " *"))
                if let listed = byName[name], listed != String(parts[0]) {
                    problems.append("\(source.describe(sums.href)): gives \(name) another SHA-256 than the repository serves")
                }
            }
        }
        return (problems, files)
    }
}

/// A repository in a folder.
struct FolderSource: RepositorySource {
    let root: String

    func describe(_ path: String) -> String { root + "/" + path }

    func bytes(_ path: String) throws -> [UInt8]? {
        FileReader.contents(of: root + "/" + path, limit: 1 << 30).map { Array($0) }
    }

    func file(_ path: String) throws -> String? {
        FileManager.default.fileExists(atPath: root + "/" + path) ? root + "/" + path : nil
    }
}

/// A served repository, read through URLSession (libcurl underneath): packages are downloaded to a folder that
/// goes when the check is done.
final class HTTPSource: RepositorySource, @unchecked Sendable {
    let base: String
    let folder: String
    let session: URLSession

    init(_ url: String) throws {
        base = url.hasSuffix("/") ? url : url + "/"
        folder = NSTemporaryDirectory() + "/falcopack-check." + StagingArea.uniqueSuffix() + "." + String(getpid())
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    func finish() {
        try? FileManager.default.removeItem(atPath: folder)
        session.finishTasksAndInvalidate()
    }

    func describe(_ path: String) -> String { base + path }

    func bytes(_ path: String) throws -> [UInt8]? {
        guard let file = try file(path) else { return nil }
        defer { unlink(file) }
        guard let bytes = FileReader.contents(of: file, limit: 1 << 30) else {
            throw RepositoryError(path: base + path, reason: "was downloaded but cannot be read back (over 1 GiB?)")
        }
        return Array(bytes)
    }

    /// `path` downloaded whole; nil on 404.
    func file(_ path: String) throws -> String? {
        guard let url = URL(string: base + path.split(separator: "/").map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
        }.joined(separator: "/")) else {
            throw RepositoryError(path: base + path, reason: "is not a URL")
        }
        let target = folder + "/" + StagingArea.uniqueSuffix()
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.downloadTask(with: url) { location, response, error in
            if let error {
                outcome.set(.failure(error))
            } else if let response = response as? HTTPURLResponse {
                if response.statusCode == 404 || response.statusCode == 410 {
                    outcome.set(.success(nil))
                } else if response.statusCode != 200 {
                    outcome.set(.failure(RepositoryError(path: url.absoluteString, reason: "the server answered \(response.statusCode)")))
                } else if let location {
                    do {
                        try FileManager.default.moveItem(atPath: location.path, toPath: target)
                        outcome.set(.success(target))
                    } catch {
                        outcome.set(.failure(error))
                    }
                }
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return try outcome.get()
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<String?, Error> = .success(nil)
        func set(_ value: Result<String?, Error>) { lock.withLock { result = value } }
        func get() throws -> String? { try lock.withLock { result }.get() }
    }
}
