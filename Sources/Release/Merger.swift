import ByteIO
import Crypto
import FormatSeam
import Foundation
import PackageModel
import Pipeline
import ReleaseLayout
import SBOM
import Signing
import SpecFile

/// Joins releases built one architecture (or a few) per machine into the release one build of them all writes:
/// every package and tarball as it is (linked where the file system allows), the images joined by their format,
/// the bills of materials, SHA256SUMS and the signatures over them written for the whole. Nothing is compressed
/// again. Each release must verify, be of the same version, hold architectures no other holds, and hold what every
/// architecture shares with the same bytes; otherwise one line and nothing written.
public enum Merger {
    public struct Request: Sendable {
        public var releases: [String]
        public var output: String
        public var convention: ReleaseConvention
        public var signer: Signer?
        public var context: BuildContext

        public init(releases: [String], output: String, convention: ReleaseConvention, signer: Signer?, context: BuildContext) {
            self.releases = releases
            self.output = output
            self.convention = convention
            self.signer = signer
            self.context = context
        }
    }

    /// A release that cannot be joined, and why.
    public struct Refused: Error, CustomStringConvertible {
        public let directory: String
        public let reason: String
        public var description: String { "\(directory): \(reason)" }
    }

    public static func merge(_ request: Request) throws -> [ArtifactResult] {
        let convention = request.convention
        guard request.releases.count >= 2 else {
            throw Refused(directory: request.releases.first ?? request.output, reason: "merge joins two releases or more")
        }
        // The version each release's names carry: one for all.
        var present: [[String]] = []
        var version: String?
        for directory in request.releases {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
            } catch {
                throw Refused(directory: directory, reason: "cannot be listed: \(error.localizedDescription)")
            }
            guard let found = convention.version(explaining: names) else {
                throw Refused(directory: directory, reason: "holds no release the spec names")
            }
            if let version, version != found {
                throw Refused(directory: directory, reason: "is version \(found), \(request.releases[0]) is \(version): merge joins the halves of one release")
            }
            version = found
            present.append(names)
        }
        let layout = try convention.layout(version: version!)

        // Each verifies, signatures and checksums included; each holds architectures of its own.
        let keyring = request.signer.map { Keyring([$0.certificate]) }
        var held: [Set<Architecture>] = []
        var digests: [[String: Verifier.FileDigest]] = []
        for (directory, names) in zip(request.releases, present) {
            let signed = names.contains(ReleaseLayout.signatureName(of: ReleaseLayout.checksumsName))
            if signed && request.signer == nil {
                throw Refused(directory: directory, reason: "is signed: pass the key that signed it (--signing-key or FALCOPACK_SIGNING_KEY) to sign what merge writes")
            }
            if !signed && request.signer != nil {
                throw Refused(directory: directory, reason: "is not signed; merge it without a signing key")
            }
        }
        // What publish checks of a release: every name there, every file as SHA256SUMS says, every signature; the
        // releases on every core. The deeper checks of verify were made when each was built; the image blobs are
        // checked as they are linked.
        let checks = try request.releases.concurrentMap { directory in
            Verifier.checkForPublishing(directory: directory, convention: convention, keyring: keyring)
        }
        for ((directory, names), check) in zip(zip(request.releases, present), checks) {
            if let problem = check.problems.first {
                throw Refused(directory: directory, reason: "does not verify (\(problem)\(check.problems.count > 1 ? " and \(check.problems.count - 1) more" : ""))")
            }
            digests.append(check.digests)
            let architectures = Verifier.architectures(in: layout, present: Set(names))
            for (other, theirs) in zip(request.releases, held) where !architectures.isDisjoint(with: theirs) {
                let both = architectures.intersection(theirs).sorted().map(\.rawValue).joined(separator: ", ")
                throw Refused(directory: directory, reason: "holds \(both), as \(other) does: merge joins one release per architecture")
            }
            held.append(architectures)
        }
        // What every architecture shares was built from the same spec and sources on every machine: the digests the
        // checks took, which SHA256SUMS agrees with.
        for entry in layout.entries where entry.architecture == nil {
            guard case .tarball = entry.role else { continue }
            for (index, directory) in request.releases.enumerated().dropFirst()
            where digests[index][entry.name]?.sha256 != digests[0][entry.name]?.sha256 {
                throw Refused(directory: directory, reason: "\(entry.name) differs from \(request.releases[0])'s: the releases were built from other sources or another spec")
            }
        }

        try FileManager.default.createDirectory(atPath: request.output, withIntermediateDirectories: true)
        let staging = request.output + "/" + StagingArea.temporaryPrefix + "merge." + StagingArea.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        do {
            let results = try write(request, layout: layout, held: held, digests: digests, staging: staging)
            // Into place: folders first, then files, the sums last.
            let names = try FileManager.default.contentsOfDirectory(atPath: staging).sorted { a, b in
                (a == ReleaseLayout.checksumsName ? 1 : 0, a) < (b == ReleaseLayout.checksumsName ? 1 : 0, b)
            }
            for name in names {
                let target = request.output + "/" + name
                if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
                try StagingArea.rename(staging + "/" + name, target)
            }
            try? FileManager.default.removeItem(atPath: staging)
            return results.map { result in
                var placed = result
                placed.path = request.output + "/" + result.name
                return placed
            }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    /// `digests`: each release's files as its check hashed them.
    private static func write(_ request: Request, layout: ReleaseLayout, held: [Set<Architecture>],
                              digests: [[String: Verifier.FileDigest]], staging: String) throws -> [ArtifactResult] {
        let spec = request.convention.spec
        var results: [ArtifactResult] = []
        var signable: [(name: String, state: SHA256)] = []
        func link(_ name: String, from part: Int, role: ArtifactRole) throws {
            let directory = request.releases[part]
            try FileLinks.linkOrCopy(directory + "/" + name, to: staging + "/" + name)
            let digest = try digests[part][name] ?? Verifier.digest(directory + "/" + name)
            results.append(ArtifactResult(name: name, path: staging + "/" + name, role: role, size: digest.size,
                                          sha256: digest.sha256, seconds: 0))
            let signature = ReleaseLayout.signatureName(of: name)
            if FileManager.default.fileExists(atPath: directory + "/" + signature) {
                try FileLinks.linkOrCopy(directory + "/" + signature, to: staging + "/" + signature)
            }
        }
        func owner(of entry: ReleaseLayout.Entry) -> Int {
            guard let architecture = entry.architecture else { return 0 }
            return held.firstIndex { $0.contains(architecture) }!
        }
        // Every architecture's artifacts in the order one build writes them: files, then aliases.
        let artifacts = layout.entries.filter { entry in
            if case .alias = entry.role { return false }
            return entry.format != nil
        } + layout.entries.filter { if case .alias = $0.role { return true } else { return false } }
        for entry in artifacts {
            if let architecture = entry.architecture, !held.contains(where: { $0.contains(architecture) }) { continue }
            switch entry.role {
            case .package, .tarball, .alias:
                try link(entry.name, from: owner(of: entry), role: entry.role)
            case .images:
                guard let format = entry.format, let folder = entry.folder else { continue }
                let file = try OutputFile(path: staging + "/" + entry.name)
                let hashed = SHA256Sink(file)
                let parts = request.releases.map { MergePart(file: $0 + "/" + entry.name, folder: $0 + "/" + folder) }
                let order = MergeOrder(architectures: spec.package.architectures, members: spec.images?.images.map(\.name) ?? [])
                try FileManager.default.createDirectory(atPath: staging + "/" + folder, withIntermediateDirectories: false)
                let scratch = staging + "/" + StagingArea.temporaryPrefix + "scratch"
                try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                let context = WriteContext(build: request.context, scratch: ScratchFolder(path: scratch),
                                           folder: FolderOutput(path: staging + "/" + folder), signer: request.signer)
                guard try format.merge(parts, order: order, to: hashed, context: context) else { continue }
                try file.commit()
                results.append(ArtifactResult(name: entry.name, path: staging + "/" + entry.name, role: entry.role,
                                              size: hashed.size, sha256: hashed.sha256Hex, seconds: 0))
                results.append(ArtifactResult(name: folder, path: staging + "/" + folder, role: .folder(of: entry.name),
                                              size: 0, sha256: "", seconds: 0))
                signable.append((entry.name, hashed.state))
            default:
                continue
            }
        }

        // The bills of materials: each release's items, in the order one build lists them.
        if let bill = try BillOfMaterialsPlan.make(spec: spec, layout: layout), let spdx = bill.spdx {
            var items: [String: BillOfMaterials.Item] = [:]
            var containers: [BillOfMaterials.Item] = []
            for directory in request.releases {
                let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/" + spdx)))
                for item in try SPDXDocument.items(of: bytes) {
                    if item.kind == .container { containers.append(item) } else if items[item.name] == nil { items[item.name] = item }
                }
            }
            let members = spec.images?.images.map(\.name) ?? []
            let architectures = spec.package.architectures
            // A container item is named `REFERENCE os/ARCH`, the architecture as the image format spells it.
            func rank(_ item: BillOfMaterials.Item) -> (Int, Int) {
                let words = item.name.split(separator: " ")
                let repository = words[0].split(separator: ":").dropLast().joined(separator: ":")
                let name = String(repository.split(separator: "/").last ?? "")
                let architecture = words.count > 1 ? Architecture(spelling: String(words[1].split(separator: "/").last ?? "")) : nil
                return (members.firstIndex(of: name) ?? members.count,
                        architecture.flatMap(architectures.firstIndex(of:)) ?? architectures.count)
            }
            var listed: [BillOfMaterials.Item] = []
            for result in results {
                switch result.role {
                case .package, .tarball, .alias, .images:
                    guard var item = items[result.name] else {
                        throw Refused(directory: request.releases[0], reason: "\(spdx) does not list \(result.name)")
                    }
                    item.sha256 = result.sha256
                    listed.append(item)
                    if case .images = result.role {
                        listed += containers.sorted { rank($0) < rank($1) }
                    }
                default:
                    continue
                }
            }
            let release = bill.document(items: listed, context: request.context)
            for (name, format, render) in bill.render(release, context: request.context) {
                let file = try OutputFile(path: staging + "/" + name)
                let hashed = SHA256Sink(file)
                try hashed.write(try render())
                try file.commit()
                results.append(ArtifactResult(name: name, path: staging + "/" + name, role: .billOfMaterials(format: format),
                                              size: hashed.size, sha256: hashed.sha256Hex, seconds: 0))
                signable.append((name, hashed.state))
            }
        }

        let sums = try OutputFile(path: staging + "/" + ReleaseLayout.checksumsName)
        let hashed = SHA256Sink(sums)
        try hashed.write(Array(Executor.checksums(results).utf8))
        try sums.commit()
        results.append(ArtifactResult(name: ReleaseLayout.checksumsName, path: staging + "/" + ReleaseLayout.checksumsName,
                                      role: .checksums, size: hashed.size, sha256: hashed.sha256Hex, seconds: 0))
        signable.append((ReleaseLayout.checksumsName, hashed.state))
        if let signer = request.signer {
            for (name, state) in signable {
                let signature = try OutputFile(path: staging + "/" + ReleaseLayout.signatureName(of: name))
                try signature.write(Array(Signer.armored(try signer.sign(continuing: state)).utf8))
                try signature.commit()
            }
        }
        return results
    }
}
