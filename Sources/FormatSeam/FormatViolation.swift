import Foundation
import PackageModel

/// A package that one format cannot express, found before anything is written. It says which part of the package
/// is at fault (`subject`), so the planner can point at the spec line that put it there.
public struct FormatViolation: Error, CustomStringConvertible, Sendable {
    public enum Subject: Hashable, Sendable {
        case metadata(PackageMetadata.Field)
        /// The `index`th relation of `field`, in the order the package lists them.
        case relation(RelationField, index: Int)
        case script(ScriptSlot)
        /// A file, by its install path.
        case file(path: String)
        case codec
        /// An image of an image set, by name: its base, its layers, its references.
        case image(String)
        /// A layer of an image set, by name: its compression.
        case layer(String)
    }

    /// The format's name: `deb`, `rpm`.
    public var format: String
    public var subject: Subject
    /// The field as the format's own documentation names it (`Maintainer`, `Packager`, `postinst`).
    public var field: String
    public var value: String
    public var reason: String

    public init(format: String, subject: Subject, field: String, value: String, reason: String) {
        self.format = format
        self.subject = subject
        self.field = field
        self.value = value
        self.reason = reason
    }

    /// One line: a value that holds line breaks shows them escaped.
    public var description: String {
        func oneLine(_ text: String) -> String {
            text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        }
        if case .file(let path) = subject { return "\(format) file '\(oneLine(path))': \(reason)" }
        return "\(format) field \(field) '\(oneLine(value))': \(reason)"
    }
}

/// A file read back (for `inspect` or `verify`) is not a well-formed artifact of its format.
public struct MalformedArtifact: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
