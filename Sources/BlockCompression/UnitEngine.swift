import ByteIO
import Codecs
import Crypto
import Foundation

/// Compresses the units of every block compressor in a build on `jobs` threads, and each distinct unit once.
///
/// A unit is keyed by its codec, the codec libraries' versions and its input: a range of a file (the file's
/// SHA-256 and the range) or literal bytes (their SHA-256). A finished content unit goes to the store, where
/// every later request for it, from any artifact, reads it instead of compressing again; a request while it is
/// being compressed waits for it. With a persistent store (`--cache-dir`) literal units are kept too, so a
/// rebuild recompresses only what changed. The bytes of a unit never depend on which thread made it or
/// whether it came from the store.
public final class UnitEngine: @unchecked Sendable {
    /// Compresses on the caller's thread and keeps nothing: for single writers and tests.
    public static let serial = UnitEngine(jobs: 1)

    public let jobs: Int
    private let store: UnitStore?
    private let keepsLiterals: Bool
    private let workers: WorkerPool
    private let lock = NSLock()
    private var inFlight: [String: UnitFuture] = [:]
    private var counts = Statistics()

    public struct Statistics: Sendable, Equatable {
        /// Units compressed in this build.
        public var compressed = 0
        /// Units taken from the store or from another artifact's compression.
        public var reused = 0

        public init(compressed: Int = 0, reused: Int = 0) {
            self.compressed = compressed
            self.reused = reused
        }
    }

    /// - Parameters:
    ///   - jobs: threads compressing at once.
    ///   - storeDirectory: where finished units are kept; nil keeps none.
    ///   - persistent: whether the store outlives the build, so literal units are worth keeping too.
    public init(jobs: Int, storeDirectory: String? = nil, persistent: Bool = false) {
        _ = MemoryTuning.applied
        self.jobs = max(1, jobs)
        store = storeDirectory.map(UnitStore.init)
        keepsLiterals = persistent
        workers = WorkerPool(threads: self.jobs)
    }

    public var statistics: Statistics { lock.withLock { counts } }

    /// How many units a block compressor may have submitted and not yet written.
    var window: Int { jobs == 1 ? 1 : 2 * jobs }

    /// Starts compressing `input` with `codec`, or finds it compressed already.
    func submit(_ input: UnitInput, codec: Codec) -> UnitFuture {
        let key = Self.key(input, codec: codec)
        let storable = store != nil && (keepsLiterals || input.isFileRange)
        if storable {
            lock.lock()
            if let running = inFlight[key] {
                counts.reused += 1
                lock.unlock()
                return running
            }
            if let unit = store?.load(key) {
                counts.reused += 1
                lock.unlock()
                return UnitFuture(done: .success(unit))
            }
            let future = UnitFuture()
            inFlight[key] = future
            counts.compressed += 1
            lock.unlock()
            schedule(future) { [self] in
                // Forgotten only once stored (or failed), so a later request finds it in one place or the other.
                defer { lock.withLock { _ = inFlight.removeValue(forKey: key) } }
                let unit = try codec.makeUnitFormat().compress(input)
                try store?.save(unit, key: key)
                return unit
            }
            return future
        }
        lock.withLock { counts.compressed += 1 }
        let future = UnitFuture()
        schedule(future) { try codec.makeUnitFormat().compress(input) }
        return future
    }

    private func schedule(_ future: UnitFuture, _ work: @escaping @Sendable () throws -> CompressedUnit) {
        if jobs == 1 {
            future.fulfil(Result(catching: work))
            return
        }
        workers.run { future.fulfil(Result(catching: work)) }
    }

    static func key(_ input: UnitInput, codec: Codec) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("falcopack unit 2|\(Codec.libraryVersions)|\(codec)|".utf8))
        switch input {
        case .bytes(let bytes):
            hasher.update(data: Array("literal|".utf8))
            hasher.update(data: bytes)
        case .file(let file, let offset, let length, let preload):
            hasher.update(data: Array("file|\(file.digests.sha256Hex)|\(file.size)|\(offset)|\(length)|\(preload)".utf8))
        }
        return Array(hasher.finalize()).hexString
    }
}

typealias UnitFuture = Promise<CompressedUnit>

/// Runs work in submission order on at most `threads` threads of its own. Dispatch's global queue is no place
/// for it: on Linux it keeps about one thread per core, and the writers waiting there for their units would
/// hold the threads that should compress them. A thread is started when work arrives and none is idle, and
/// ends when the queue is empty.
final class WorkerPool: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    /// Taken slots are emptied at once, so what finished work held (a literal run) is freed then, not when the
    /// queue is next compacted.
    private var queue: [(@Sendable () -> Void)?] = []
    private var head = 0
    private var running = 0

    init(threads: Int) { limit = max(1, threads) }

    func run(_ work: @escaping @Sendable () -> Void) {
        let start = lock.withLock {
            queue.append(work)
            guard running < limit else { return false }
            running += 1
            return true
        }
        if start { Thread.detachNewThread { [self] in drain() } }
    }

    private func drain() {
        while let work = next() { work() }
    }

    private func next() -> (@Sendable () -> Void)? {
        lock.withLock {
            guard head < queue.count else {
                running -= 1
                return nil
            }
            let work = queue[head]
            queue[head] = nil
            head += 1
            if head == queue.count || head >= 64 {
                queue.removeFirst(head)
                head = 0
            }
            return work
        }
    }
}

/// Finished units as files named by their key: a header with the uncompressed size, the xz check and the
/// SHA-256 of the compressed bytes (checked on every read, so a damaged file is recompressed, never copied
/// into an artifact), then the bytes. Written to a temporary name and renamed, so concurrent builds sharing a
/// folder never see half a unit.
struct UnitStore: Sendable {
    let directory: String
    static let magic = Array("FPUNIT2\n".utf8)

    init(_ directory: String) { self.directory = directory }

    private func path(_ key: String) -> String { directory + "/" + key.prefix(2) + "/" + key }

    func load(_ key: String) -> CompressedUnit? {
        guard let data = FileManager.default.contents(atPath: path(key)), data.count >= 56,
              data.prefix(8).elementsEqual(Self.magic) else { return nil }
        func number(_ at: Int) -> UInt64 { data[at..<at + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        let body = [UInt8](data[56...])
        guard SHA256.hash(data: body).elementsEqual(data[24..<56]) else { return nil }
        return CompressedUnit(bytes: body, uncompressedSize: number(8), check: number(16))
    }

    func save(_ unit: CompressedUnit, key: String) throws {
        let final = path(key)
        let folder = (final as NSString).deletingLastPathComponent
        if mkdir(folder, 0o755) != 0 {
            let code = errno
            if code == ENOENT {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } else if code != EEXIST {
                throw IOError("create", path: folder, errno: code, writing: true)
            }
        }
        var bytes = Self.magic
        bytes.reserveCapacity(56 + unit.bytes.count)
        for value in [unit.uncompressedSize, unit.check] {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.append(contentsOf: SHA256.hash(data: unit.bytes))
        bytes.append(contentsOf: unit.bytes)
        // Written beside its name and renamed, so builds sharing the folder never see half a unit.
        let file = try OutputFile(path: final)
        try bytes.withUnsafeBytes { try file.write($0) }
        try file.commit()
    }
}
