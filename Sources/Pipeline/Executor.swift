import BlockCompression
import ByteIO
import Dispatch
import FormatSeam
import Foundation
import Glibc
import Crypto
import PackageModel
import ReleaseLayout
import SBOM
import Signing

/// One artifact written.
public struct ArtifactResult: Sendable {
    public var name: String
    public var path: String
    public var role: ArtifactRole
    public var size: UInt64
    public var sha256: String
    public var seconds: Double
    /// What the artifact's format noted of its contents for the bill of materials (the images in an archive).
    public var contents: [BillOfMaterials.Item] = []

    public init(name: String, path: String, role: ArtifactRole, size: UInt64, sha256: String, seconds: Double,
                contents: [BillOfMaterials.Item] = []) {
        self.name = name
        self.path = path
        self.role = role
        self.size = size
        self.sha256 = sha256
        self.seconds = seconds
        self.contents = contents
    }
}

/// How many units a build compressed, and how many it took from the store or another artifact instead.
public struct UnitCounts: Sendable, Equatable {
    public var compressed: Int
    public var reused: Int

    public init(compressed: Int = 0, reused: Int = 0) {
        self.compressed = compressed
        self.reused = reused
    }
}

/// What a running build reports, for the CLI to show. The library never prints.
public enum BuildEvent: Sendable {
    case started(name: String, index: Int, total: Int)
    case finished(ArtifactResult, index: Int, total: Int)
    /// After the last artifact.
    case units(UnitCounts)
}

/// Writing one artifact failed; `underlying` keeps the error's type (an input that vanished, a full disk).
public struct ArtifactFailure: Error, CustomStringConvertible, Sendable {
    public var artifact: String
    public var underlying: any Error

    public var description: String { "\(artifact): \(underlying)" }
}

/// The output folder, or the unit cache folder, cannot be used.
public struct OutputFolderError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var role = "output folder"
    public var flag = "--out"
    public var description: String { "\(role) '\(path)': \(reason) (pass \(flag) DIR)" }

    public init(path: String, reason: String, role: String = "output folder", flag: String = "--out") {
        self.path = path
        self.reason = reason
        self.role = role
        self.flag = flag
    }
}

/// Runs a plan: jobs in parallel up to `concurrency`, each written to a temporary file beside its final name and
/// renamed into place only when complete; then aliases (hard links, else copies) and `SHA256SUMS`.
public enum Executor {
    public static func run(_ plan: Plan, onEvent: @escaping @Sendable (BuildEvent) -> Void = { _ in }) throws -> [ArtifactResult] {
        if let cache = plan.cacheDirectory { try prepareOutputFolder(cache, role: "cache folder", flag: "--cache-dir") }
        try prepareOutputFolder(plan.outputDirectory)
        // One build writes into a folder at a time: a second waits here, then sweeps what a killed one left.
        let lock = try FolderLock(folder: plan.outputDirectory)
        defer { lock.release() }
        sweep(plan.outputDirectory, names: plan.artifactNames)
        let scratch = try makeScratchFolder(in: plan.outputDirectory)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        // Without a cache folder, units live in the scratch folder: reused within this build only.
        let engine = UnitEngine(jobs: plan.concurrency, storeDirectory: plan.cacheDirectory ?? scratch + "/units",
                                persistent: plan.cacheDirectory != nil)

        let total = plan.artifactNames.count
        let results = ResultBox(count: plan.jobs.count)
        // In waves: a job that holds other artifacts of the build starts once they are written.
        for wave in waves(plan.jobs) where !results.failed {
            let semaphore = DispatchSemaphore(value: plan.concurrency)
            let group = DispatchGroup()
            for index in wave {
                let job = plan.jobs[index]
                semaphore.wait()
                if results.failed { semaphore.signal(); break }
                group.enter()
                // A thread of its own: a writer spends most of its life waiting for units, and must not hold one of
                // the few threads Dispatch keeps per core.
                Thread.detachNewThread {
                    defer { semaphore.signal(); group.leave() }
                    onEvent(.started(name: job.name, index: index, total: total))
                    do {
                        let jobScratch = scratch + "/\(index)"
                        try FileManager.default.createDirectory(atPath: jobScratch, withIntermediateDirectories: false)
                        let written = try write(job, plan: plan, scratch: ScratchFolder(path: jobScratch), engine: engine)
                        results.set(index, .success(written))
                        for result in written { onEvent(.finished(result, index: index, total: total)) }
                    } catch {
                        results.set(index, .failure(ArtifactFailure(artifact: job.name, underlying: error)))
                    }
                }
            }
            group.wait()
        }
        let statistics = engine.statistics
        onEvent(.units(UnitCounts(compressed: statistics.compressed, reused: statistics.reused)))
        var written: [ArtifactResult] = []
        for outcome in results.outcomes {
            switch outcome {
            case .success(let results): written += results
            case .failure(let error): throw error
            case nil: continue
            }
        }

        var index = plan.jobs.count
        for alias in plan.aliases {
            guard let target = written.first(where: { $0.name == alias.target }) else { continue }
            onEvent(.started(name: alias.name, index: index, total: total))
            let started = DispatchTime.now()
            let path = plan.outputDirectory + "/" + alias.name
            do {
                try linkOrCopy(target.path, to: path)
            } catch {
                throw ArtifactFailure(artifact: alias.name, underlying: error)
            }
            let result = ArtifactResult(name: alias.name, path: path, role: .alias(of: target.name), size: target.size,
                                        sha256: target.sha256, seconds: seconds(since: started))
            written.append(result)
            onEvent(.finished(result, index: index, total: total))
            index += 1
        }

        var documents: [(result: ArtifactResult, state: SHA256)] = []
        if let bill = plan.billOfMaterials {
            let release = try billOfMaterials(bill, plan: plan, written: written)
            for (name, format, render) in bill.render(release, context: plan.context) {
                onEvent(.started(name: name, index: index, total: total))
                let document = try smallFile(name, plan: plan, role: .billOfMaterials(format: format), render)
                documents.append(document)
                written.append(document.result)
                onEvent(.finished(document.result, index: index, total: total))
                index += 1
            }
        }

        if plan.writesChecksums {
            onEvent(.started(name: ReleaseLayout.checksumsName, index: index, total: total))
            let sums = try smallFile(ReleaseLayout.checksumsName, plan: plan, role: .checksums) { Array(checksums(written).utf8) }
            documents.append(sums)
            written.append(sums.result)
            onEvent(.finished(sums.result, index: index, total: total))
            index += 1
        }
        if let signer = plan.signer {
            for document in documents {
                let name = ReleaseLayout.signatureName(of: document.result.name)
                onEvent(.started(name: name, index: index, total: total))
                let signature = try smallFile(name, plan: plan, role: .signature(of: document.result.name)) {
                    Array(Signer.armored(try signer.sign(continuing: document.state)).utf8)
                }
                written.append(signature.result)
                onEvent(.finished(signature.result, index: index, total: total))
                index += 1
            }
        }
        return written
    }

    /// Writes a file made in memory through a temporary name; returns it with its running hash, for a signature.
    static func smallFile(_ name: String, plan: Plan, role: ArtifactRole,
                          _ render: () throws -> [UInt8]) throws -> (result: ArtifactResult, state: SHA256) {
        let started = DispatchTime.now()
        let path = plan.outputDirectory + "/" + name
        do {
            let file = try OutputFile(path: path)
            let hashed = SHA256Sink(file)
            try hashed.write(try render())
            try file.commit()
            return (ArtifactResult(name: name, path: path, role: role, size: hashed.size, sha256: hashed.sha256Hex,
                                   seconds: seconds(since: started)), hashed.state)
        } catch {
            throw ArtifactFailure(artifact: name, underlying: error)
        }
    }

    /// The release as the bills of materials describe it: every artifact written, with the files the plan put in it
    /// (the same lists the writers used, with the digests they computed) and what the writers noted.
    static func billOfMaterials(_ bill: BillOfMaterialsPlan, plan: Plan, written: [ArtifactResult]) throws -> BillOfMaterials {
        var items: [BillOfMaterials.Item] = []
        let jobs = Dictionary(plan.jobs.map { ($0.name, $0) }) { first, _ in first }
        for result in written {
            var job: Job?
            switch result.role {
            case .package, .tarball, .images: job = jobs[result.name]
            case .alias(let target): job = jobs[target]
            default: continue
            }
            guard let job else { continue }
            let package = job.artifact.package
            var item = BillOfMaterials.Item(name: result.name, kind: .archive, sha256: result.sha256,
                                            license: package.metadata.license)
            switch job.role {
            case .package:
                item.kind = .package
                item.version = package.metadata.version.description
                item.purl = job.format.packageURL(of: package.metadata)
                item.files = try BillOfMaterials.File.listing(package.files)
            case .tarball:
                item.version = package.metadata.version.description
                item.files = try BillOfMaterials.File.listing(package.files)
            default:
                break
            }
            items.append(item)
            if case .images = result.role {
                for var inside in result.contents {
                    inside.containedBy = result.name
                    items.append(inside)
                }
            }
        }
        return bill.document(items: items, context: plan.context)
    }

    /// `sha256sum` format, sorted by name.
    public static func checksums(_ results: [ArtifactResult]) -> String {
        results.filter { result in
            switch result.role {
            case .checksums, .folder, .signature: false
            default: true
            }
        }
            .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .map { "\($0.sha256)  \($0.name)\n" }.joined()
    }

    /// Writes one job's file, and its folder when it has one; the folder goes into place first, then the file.
    static func write(_ job: Job, plan: Plan, scratch: ScratchSpace, engine: UnitEngine) throws -> [ArtifactResult] {
        let started = DispatchTime.now()
        let path = plan.outputDirectory + "/" + job.name
        let file = try OutputFile(path: path)
        let hashed = SHA256Sink(file)
        let folder = try job.folder.map { try OutputFolder(path: plan.outputDirectory + "/" + $0) }
        let notes = ArtifactNotes()
        try job.format.write(job.artifact, to: hashed,
                             context: WriteContext(build: plan.context, engine: engine, scratch: scratch,
                                                   folder: folder.map { FolderOutput(path: $0.temporaryPath) },
                                                   signer: plan.signer, notes: notes))
        // A format that does not sign inside its artifact gets a detached signature, from the hash of the bytes
        // as they were written.
        var detached: (file: OutputFile, sink: SHA256Sink)?
        if let signer = plan.signer, let signatureName = job.signature {
            let signatureFile = try OutputFile(path: plan.outputDirectory + "/" + signatureName)
            let sink = SHA256Sink(signatureFile)
            try sink.write(Array(Signer.armored(try signer.sign(continuing: hashed.state)).utf8))
            detached = (signatureFile, sink)
        }
        try folder?.commit()
        try file.commit()
        try detached?.file.commit()
        var results = [ArtifactResult(name: job.name, path: path, role: job.role, size: hashed.size,
                                      sha256: hashed.sha256Hex, seconds: seconds(since: started),
                                      contents: notes.described)]
        if let folder, let name = job.folder {
            results.append(ArtifactResult(name: name, path: folder.path, role: .folder(of: job.name), size: 0, sha256: "",
                                          seconds: seconds(since: started)))
        }
        if let detached, let signatureName = job.signature {
            results.append(ArtifactResult(name: signatureName, path: plan.outputDirectory + "/" + signatureName,
                                          role: .signature(of: job.name),
                                          size: detached.sink.size, sha256: detached.sink.sha256Hex,
                                          seconds: seconds(since: started)))
        }
        return results
    }

    /// The jobs' indexes in waves: each wave's jobs need only artifacts of earlier waves.
    static func waves(_ jobs: [Job]) -> [[Int]] {
        var waves: [[Int]] = []
        var done: Set<String> = []
        var left = Array(jobs.indices)
        while !left.isEmpty {
            let ready = left.filter { jobs[$0].needs.allSatisfy(done.contains) }
            // Needs no job meets (an artifact from an earlier build) hold nothing up.
            let wave = ready.isEmpty ? left : ready
            waves.append(wave)
            done.formUnion(wave.map { jobs[$0].name })
            left.removeAll { wave.contains($0) }
        }
        return waves
    }

    /// A hard link when the file system allows, else a copy; either way through a temporary name.
    static func linkOrCopy(_ source: String, to destination: String) throws {
        let temporary = destination + ".falcopack-alias"
        unlink(temporary)
        do {
            try FileLinks.linkOrCopy(source, to: temporary)
            try retryingSyscall("rename the alias into place", path: destination, writing: true) { rename(temporary, destination) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    static func prepareOutputFolder(_ path: String, role: String = "output folder", flag: String = "--out") throws {
        func failure(_ reason: String) -> OutputFolderError {
            OutputFolderError(path: path, reason: reason, role: role, flag: flag)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw failure("exists and is not a folder") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw failure("cannot be created")
            }
        }
        guard access(path, W_OK) == 0 else { throw failure("is not writable") }
    }

    /// Removes the work folders and temporary files of a build that was killed (`.falcopack-work.*`, `.NAME.XXXXXX`
    /// for a name this build writes, `NAME.falcopack-alias`); called with the folder's lock held.
    static func sweep(_ directory: String, names: [String]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let known = Set(names)
        for entry in entries {
            var stale = entry.hasPrefix(".falcopack-work.") || entry.hasSuffix(".falcopack-alias")
            // `.NAME.XXXXXX`, and `.NAME.XXXXXX.old` (a folder moved aside), for the artifacts of this build.
            let temporary = entry.hasSuffix(".old") ? String(entry.dropLast(4)) : entry
            if temporary.hasPrefix("."), let dot = temporary.lastIndex(of: "."), temporary.distance(from: dot, to: temporary.endIndex) == 7 {
                stale = stale || known.contains(String(temporary[temporary.index(after: temporary.startIndex)..<dot]))
            }
            if stale { try? FileManager.default.removeItem(atPath: directory + "/" + entry) }
        }
    }

    static func makeScratchFolder(in directory: String) throws -> String {
        var template = Array((directory + "/.falcopack-work.XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw OutputFolderError(path: directory, reason: "cannot create a work folder in it: \(String(cString: strerror(errno)))")
        }
        return String(cString: created)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// An exclusive lock on a folder (flock on the folder itself), held until released or the process ends; waits for the
/// holder unless asked not to.
public final class FolderLock {
    let descriptor: Int32

    public struct Busy: Error, CustomStringConvertible, Sendable {
        public var folder: String
        public var description: String { "\(folder): another falcopack is writing here; run again once it has finished" }
    }

    /// Locks the folder itself (flock on its descriptor), so no lock file is left among the outputs; the kernel
    /// drops the lock when the holder dies.
    public init(folder: String, wait: Bool = true) throws {
        descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IOError("open the folder", path: folder, errno: errno, writing: true) }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            close(descriptor)
            throw Busy(folder: folder)
        }
    }

    public func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Results written by worker threads, read after they all finish.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var outcomes: [Result<[ArtifactResult], ArtifactFailure>?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    var failed: Bool {
        lock.withLock { outcomes.contains { if case .failure = $0 { true } else { false } } }
    }

    func set(_ index: Int, _ outcome: Result<[ArtifactResult], ArtifactFailure>) {
        lock.withLock { outcomes[index] = outcome }
    }
}
