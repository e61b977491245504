/// Where a value came from: a file and, when known, a line and the key path inside the spec.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Dotted key path such as `variants.bpf.contents[2].src`; nil for whole files.
    public var key: String?

    public init(file: String, line: Int? = nil, key: String? = nil) {
        self.file = file
        self.line = line
        self.key = key
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let key { text += ": \(key)" }
        return text
    }
}

/// A problem with a spec or with an input it names. The description is one line: where, what, what to do.
public struct SpecError: Error, CustomStringConvertible, Sendable {
    /// Whose mistake it is, which decides the exit code.
    public enum Category: Sendable {
        /// The spec itself is wrong: syntax, unknown key, wrong type, undefined variable.
        case spec
        /// An input is wrong or missing: a path that does not exist, a version with a space.
        case input
        /// The command line names something the spec does not have: an input flag, a variant, a tarball kind.
        case usage
    }

    public var category: Category
    public var location: SourceLocation
    public var message: String

    public init(_ category: Category = .spec, at location: SourceLocation, _ message: String) {
        self.category = category
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
