import ArgumentParser
import FalcoArtifacts
import Foundation
import Glibc
import Pipeline
import SpecFile

/// Runs a build for a command and owns the terminal: a progress line on a TTY, one line per artifact otherwise,
/// JSON with --json, and one error line with a documented exit code on failure.
enum Build {
    static func run(_ options: BuildOptions, selection: @escaping (Spec) throws -> Selection) throws {
        let results: [ArtifactResult]
        do {
            let progress = Progress(enabled: !options.json && isatty(STDERR_FILENO) == 1)
            results = try FalcoBuild.build(options.falcoOptions(), selection: selection) { event in progress.show(event) }
            progress.clear()
            let statistics = progress.units
            FileHandle.standardError.write(Data("falcopack: \(statistics.compressed) units compressed, \(statistics.reused) reused\n".utf8))
        } catch {
            throw Failure.exit(for: error)
        }
        if options.json {
            try JSONOutput.print(results.map(ResultJSON.object))
        } else {
            for result in results { print(ResultLine.format(result)) }
        }
    }
}

enum ResultLine {
    static func format(_ result: ArtifactResult) -> String {
        // A folder has no one digest; its files are in the tar beside it.
        if case .folder(let of) = result.role { return "\(result.name)/  the layout of \(of)" }
        let detail: String
        switch result.role {
        case .alias(let target): detail = "alias of \(target)"
        case .signature(let of): detail = "signature of \(of)"
        default: detail = String(format: "%.1fs", result.seconds)
        }
        return "\(result.name)  \(byteCount(result.size))  sha256:\(result.sha256.prefix(16))  \(detail)"
    }

    static func byteCount(_ size: UInt64) -> String {
        if size >= 1 << 20 { return String(format: "%.1f MiB", Double(size) / 1048576) }
        if size >= 1 << 10 { return String(format: "%.1f KiB", Double(size) / 1024) }
        return "\(size) B"
    }
}

enum ResultJSON {
    static func object(_ result: ArtifactResult) -> [String: Any] {
        var object: [String: Any] = ["name": result.name, "path": result.path, "size": result.size,
                                     "sha256": result.sha256, "seconds": (result.seconds * 1000).rounded() / 1000]
        switch result.role {
        case .package(let format, let variant): object["format"] = format; object["variant"] = variant
        case .tarball(let name, let format): object["format"] = format; object["kind"] = name
        case .images(let format): object["format"] = format
        case .folder(let of): object["format"] = "folder"; object["folder_of"] = of
        case .alias(let target): object["format"] = "alias"; object["alias_of"] = target
        case .checksums: object["format"] = "checksums"
        case .billOfMaterials(let format): object["format"] = format
        case .signature(let of): object["format"] = "signature"; object["signature_of"] = of
        }
        return object
    }
}

/// One status line on stderr, rewritten in place; off unless stderr is a terminal. NO_COLOR is honoured by
/// never using colour. It also keeps the build's unit counts, shown once the build is done.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var running: [String] = []
    private var done = 0
    private var statistics = UnitCounts()

    init(enabled: Bool) { self.enabled = enabled }

    var units: UnitCounts { lock.withLock { statistics } }

    func show(_ event: BuildEvent) {
        lock.lock(); defer { lock.unlock() }
        if case .units(let counts) = event { statistics = counts }
        guard enabled else { return }
        switch event {
        case .started(let name, _, let total):
            running.append(name)
            draw(total)
        case .finished(let result, _, let total):
            running.removeAll { $0 == result.name }
            done += 1
            draw(total)
        case .units:
            break
        }
    }

    private func draw(_ total: Int) {
        let line = "[\(done)/\(total)] " + (running.isEmpty ? "" : "writing " + running.joined(separator: ", "))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line.prefix(200))".utf8))
    }

    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
