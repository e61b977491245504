import ByteIO
import FormatSeam
import Foundation
import PackageModel
import Pipeline
import ReleaseLayout
import Signing
import SpecFile

extension Verifier {
    /// Every artifact signed by a key of `keyring`, over exactly its bytes: packages by the signatures inside them,
    /// image layouts by a signature per tag, every other file, `SHA256SUMS` and what it lists besides the
    /// artifacts (the bills of materials) by `FILE.asc`.
    static func checkSignatures(directory: String, artifacts: [String], expected: [String: Expectation],
                                keyring: Keyring) -> [ReleaseProblem] {
        var problems: [ReleaseProblem] = []
        var detached: [String] = []
        for file in artifacts {
            guard let expectation = expected[file] else { continue }
            let path = directory + "/" + file
            if case .folder = expectation.role {
                problems += checkEmbedded(path, name: file, format: expectation.format, keyring: keyring,
                                          mustCover: references(path, format: expectation.format))
            } else if expectation.format.signsInside {
                problems += checkEmbedded(path, name: file, format: expectation.format, keyring: keyring, mustCover: [])
            } else {
                detached.append(file)
            }
        }
        detached.append(ReleaseLayout.checksumsName)
        for listed in listedFiles(directory: directory) where !artifacts.contains(listed) && !detached.contains(listed) {
            detached.append(listed)
        }
        for file in detached {
            problems += checkDetached(directory + "/" + file, name: file, keyring: keyring)
        }
        return problems
    }

    static func describe(_ verdict: Keyring.Verdict, name: String, subject: String?) -> ReleaseProblem? {
        let what = subject.map { "the signature over \($0)" } ?? "the signature"
        switch verdict {
        case .good: return nil
        case .bad(let reason): return ReleaseProblem(name, .signature, "\(what) does not verify: \(reason) (changed since it was signed?)")
        case .unknownKey(let id): return ReleaseProblem(name, .signature, "\(what) was made by key \(id), not by the key given")
        }
    }

    static func checkEmbedded(_ path: String, name: String, format: any ArtifactFormat, keyring: Keyring,
                              mustCover: Set<String>) -> [ReleaseProblem] {
        let signatures: [EmbeddedSignature]
        do {
            signatures = try format.signatures(in: path)
        } catch {
            return [ReleaseProblem(name, .signature, "its signature cannot be read: \(error)")]
        }
        guard !signatures.isEmpty else { return [ReleaseProblem(name, .signature, "not signed")] }
        var problems: [ReleaseProblem] = []
        var covered: Set<String> = []
        for embedded in signatures {
            if let problem = embedded.problem {
                problems.append(ReleaseProblem(name, .signature, problem))
                continue
            }
            do {
                let verdict = try keyring.check(embedded.signature, feeding: embedded.feed)
                if let problem = describe(verdict, name: name, subject: embedded.subject) {
                    problems.append(problem)
                } else {
                    covered.insert(embedded.subject)
                }
            } catch {
                problems.append(ReleaseProblem(name, .signature, "what the signature over \(embedded.subject) covers cannot be read: \(error)"))
            }
        }
        for reference in mustCover.subtracting(covered).sorted() where problems.isEmpty {
            problems.append(ReleaseProblem(name, .signature, "\(reference) has no signature"))
        }
        return problems
    }

    /// - Parameter hashed: the file already hashed with SHA-256, when it was: a SHA-256 signature continues it
    ///   instead of reading the file again.
    static func checkDetached(_ path: String, name: String, keyring: Keyring, hashed: Digester? = nil) -> [ReleaseProblem] {
        let signatureName = ReleaseLayout.signatureName(of: name)
        guard let data = FileReader.contents(of: OutputFile.directory(of: path) + "/" + signatureName) else {
            return [ReleaseProblem(name, .signature, "not signed (no \(signatureName))")]
        }
        let signatures: [Signature]
        do {
            signatures = try Signature.readDetached(data)
        } catch {
            return [ReleaseProblem(signatureName, .signature, "not an OpenPGP signature: \(error)")]
        }
        var problems: [ReleaseProblem] = []
        for signature in signatures {
            do {
                let verdict = try keyring.check(signature) { digester in
                    if let hashed, hashed.algorithm == digester.algorithm {
                        digester = hashed
                    } else {
                        try FileReader(path: path).forEachChunk { digester.update($0) }
                    }
                }
                if let problem = describe(verdict, name: name, subject: nil) { problems.append(problem) }
            } catch {
                problems.append(ReleaseProblem(name, .unreadable, "cannot be read: \(error)"))
            }
        }
        return problems
    }

    /// The references an image layout tags.
    static func references(_ path: String, format: any ArtifactFormat) -> Set<String> {
        let inspection = try? Inspector.inspect(path: path, formats: [format])
        return Set(inspection?.images.map(\.reference) ?? [])
    }

    /// The names `SHA256SUMS` lists.
    static func listedFiles(directory: String) -> [String] {
        (try? ChecksumList.read(directory).get())?.files ?? []
    }
}

extension Verifier {
    /// What `publish` needs to trust a release, and no more: every name the convention expects is there, SHA256SUMS
    /// lists each file with its digest and is signed by a key of `keyring` (so every file is covered), and every
    /// package is signed inside, as package managers check, and every other file it publishes beside it. The deeper checks of `verify` (what is inside each
    /// artifact) were made when it was built.
    /// Without a keyring (an unsigned release `merge` joins), the same but for the signatures.
    static func checkForPublishing(directory: String, convention: ReleaseConvention, keyring: Keyring?) -> PublishingCheck {
        let formats = convention.formats
        let entries = (FolderEntries.list(directory, followingLinks: true) ?? []).filter { !$0.name.hasPrefix(".") }
        let present = entries.map(\.name)
        let artifacts = entries.filter { formats.reading($0.name, in: directory, isFolder: $0.isFolder) != nil }.map(\.name)
        let folders = Set(entries.filter(\.isFolder).map(\.name))
        guard !artifacts.isEmpty, let version = convention.version(explaining: artifacts) else {
            return PublishingCheck(version: nil, expected: [:], digests: [:], listed: [],
                                   problems: [ReleaseProblem(directory, .naming, "no artifact is named as the convention names them")])
        }
        var problems: [ReleaseProblem] = []
        var held = Set<Architecture>()
        var withoutImages = false
        let sums = ChecksumList.read(directory)
        let listed = (try? sums.get())?.files ?? []
        guard let expected = expectations(version: version, convention: convention, present: present,
                                          listed: (try? sums.get())?.files, problems: &problems, held: &held,
                                          withoutImages: &withoutImages) else {
            return PublishingCheck(version: version, expected: [:], digests: [:], listed: [], problems: problems)
        }
        let files = artifacts.filter { !folders.contains($0) }
        // Every file read once: its SHA-256 checks SHA256SUMS, is what the page lists, and is where the
        // signature beside it starts.
        var hashed: [String: (size: UInt64, digester: Digester)] = [:]
        var aliases: [(file: String, target: String)] = []
        for file in Set(files + listed + [ReleaseLayout.checksumsName]) {
            if case .alias(let target) = expected[file]?.role {
                aliases.append((file, target))
            } else {
                hashed[file] = try? hash(directory + "/" + file)
            }
        }
        // An alias is a hard link to what it copies, as `falcopack all` writes it: the same file is read once.
        for (file, target) in aliases {
            if let known = hashed[target], FileLinks.sameFile(directory + "/" + file, directory + "/" + target) {
                hashed[file] = known
            } else {
                hashed[file] = try? hash(directory + "/" + file)
            }
        }
        let digests = hashed.mapValues { FileDigest(size: $0.size, sha256: $0.digester.finalize().bytes.hexString) }
        problems += checkSums(sums, directory: directory, artifacts: files, digests: digests.mapValues(\.sha256))
        guard let keyring else {
            return PublishingCheck(version: version, expected: expected, digests: digests, listed: listed, problems: problems)
        }
        problems += checkDetached(directory + "/" + ReleaseLayout.checksumsName, name: ReleaseLayout.checksumsName, keyring: keyring,
                                  hashed: hashed[ReleaseLayout.checksumsName]?.digester)
        for file in files.sorted() {
            guard let expectation = expected[file] else { continue }
            if case .alias = expectation.role { continue }
            if expectation.format.signsInside {
                problems += checkEmbedded(directory + "/" + file, name: file, format: expectation.format, keyring: keyring, mustCover: [])
            } else {
                problems += checkDetached(directory + "/" + file, name: file, keyring: keyring, hashed: hashed[file]?.digester)
            }
        }
        // What SHA256SUMS lists besides the artifacts (the bills of materials) is published with its signature too.
        for file in Set(listed).subtracting(files).subtracting([ReleaseLayout.checksumsName]).sorted() {
            problems += checkDetached(directory + "/" + file, name: file, keyring: keyring, hashed: hashed[file]?.digester)
        }
        return PublishingCheck(version: version, expected: expected, digests: digests, listed: listed, problems: problems)
    }

    /// What `checkForPublishing` found: the release's version, what the convention expects of each file, each
    /// file's size and SHA-256 as read, the files `SHA256SUMS` lists, and every problem.
    struct PublishingCheck: Sendable {
        var version: String?
        var expected: [String: Expectation]
        var digests: [String: FileDigest]
        var listed: [String]
        var problems: [ReleaseProblem]
    }

    struct FileDigest: Sendable {
        var size: UInt64
        var sha256: String
    }
}
