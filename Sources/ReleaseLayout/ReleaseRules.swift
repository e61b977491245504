import FormatSeam
import Foundation
import SpecFile

/// The rules of a release that belong to no one format, checked once for every artifact: the version each name
/// carries is one path component of printable characters (checked as the layout is made); each name carries it;
/// image tags follow the OCI grammar; no two artifacts share a name.
extension ReleaseLayout {
    /// One broken rule, by the artifact it concerns (the release itself for the version).
    public struct Violation: Sendable, CustomStringConvertible {
        public enum Kind: Sendable {
            /// A tag made from a value (the version, most often) that the OCI grammar refuses.
            case imageTag
            /// A name without the version.
            case versionMissing
            case duplicateName
        }

        public var kind: Kind
        public var artifact: String?
        public var message: String
        /// The template at fault: for a tag, the value it was made from is; for a name, the template itself.
        public var template: Template?
        public var description: String { artifact.map { "\($0): \(message)" } ?? message }
    }

    /// Every rule this layout breaks.
    public func violations() -> [Violation] {
        var found: [Violation] = []
        for entry in entries {
            for channel in entry.channels where entry.folder != nil {
                for (tag, template) in zip(channel.tags, channel.templates) where !Self.isImageTag(tag) {
                    found.append(Violation(kind: .imageTag, artifact: entry.name,
                                           message: "the \(channel.name) tag '\(tag)' is not an OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}; no '+')",
                                           template: template))
                }
            }
        }
        if !version.isEmpty {
            // A package may carry the version as its format spells it (rpm's has `_` for `-`).
            func spelled(_ entry: Entry) -> String? {
                guard entry.scope.names.contains("package-version") else { return nil }
                return try? entry.scope.value(of: "package-version", at: SourceLocation(file: ""))
            }
            for entry in entries where entry.role != .checksums && !entry.name.contains(version)
                && !(spelled(entry).map { entry.name.contains($0) } ?? false) {
                found.append(Violation(kind: .versionMissing, artifact: entry.name, message: "the name does not contain the version \(version)",
                                       template: entry.template))
            }
        }
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.name).inserted {
            found.append(Violation(kind: .duplicateName, artifact: entry.name, message: "two artifacts would both be named '\(entry.name)'; make the file templates differ",
                                   template: entry.template))
        }
        return found
    }

    /// Why `version` cannot be the version of a release, or nil: every name carries it, so it is one path
    /// component of printable characters.
    public static func versionProblem(_ version: String) -> String? {
        if version.isEmpty { return "is empty; every file name carries the version" }
        if version.contains("/") { return "holds a '/'; every file name carries the version" }
        if version.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "holds a space or a control character; every file name carries the version"
        }
        return nil
    }

    /// The OCI distribution tag grammar: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
    public static func isImageTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        func word(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == 0x5F
        }
        guard let first = bytes.first, word(first), bytes.count <= 128 else { return false }
        return bytes.dropFirst().allSatisfy { word($0) || $0 == 0x2E || $0 == 0x2D }
    }
}
