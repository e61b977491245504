import FormatSeam
import Foundation
import SpecFile

extension ReleaseLayout {
    /// The release layout with the version as the unknown: each name a pattern that finds the version in a file
    /// name. Built once; `verify` and `publish` match every folder's names against the same patterns.
    public struct VersionFinder: Sendable {
        let patterns: [VersionPattern]

        /// - Parameter base: the scope a build names artifacts in; its `version` is replaced by the unknown.
        public init(spec: Spec, formats: [any ArtifactFormat], base: Scope) throws {
            let marker = "\u{1}version\u{1}"
            let scope = base.child()
            scope.set("version", marker)
            let layout = try ReleaseLayout(spec: spec, formats: formats, base: scope, origin: { ($0.location, .spec) },
                                           checkingVersion: false)
            patterns = layout.entries.compactMap { entry in
                entry.name.contains(marker) ? VersionPattern(entry.name, marker: marker) : nil
            }
        }

        /// The version that explains the most names.
        public func version(explaining names: [String]) -> String? {
            var votes: [String: Set<String>] = [:]
            for pattern in patterns {
                for name in names {
                    guard let version = pattern.version(in: name) else { continue }
                    votes[version, default: []].insert(name)
                }
            }
            return votes.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
        }
    }
}

/// A name with the version as the unknown: literal parts with the same version between each two. A name matches
/// when it is the parts joined by one non-empty version, on one line; the name's length fixes the version's.
struct VersionPattern: Sendable {
    let parts: [[UInt8]]

    init(_ pattern: String, marker: String) {
        parts = pattern.components(separatedBy: marker).map { Array($0.utf8) }
    }

    func version(in name: String) -> String? {
        let name = Array(name.utf8)
        let literal = parts.reduce(0) { $0 + $1.count }, repeats = parts.count - 1
        guard repeats > 0, name.count > literal, (name.count - literal) % repeats == 0, name.starts(with: parts[0]) else { return nil }
        let length = (name.count - literal) / repeats
        var at = parts[0].count
        let version = name[at..<(at + length)]
        guard !version.contains(0x0A), !version.contains(0x0D) else { return nil }
        for part in parts.dropFirst() {
            guard name[at...].starts(with: version) else { return nil }
            at += length
            guard name[at...].starts(with: part) else { return nil }
            at += part.count
        }
        return at == name.count ? String(decoding: version, as: UTF8.self) : nil
    }
}
