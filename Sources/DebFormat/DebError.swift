/// A package that cannot become a valid deb. Raised before anything is written.
public enum DebError: Error, CustomStringConvertible, Sendable {
    /// A control field's value breaks dpkg's rules.
    case invalidField(field: String, value: String, reason: String)
    /// A file of the package cannot be packed as asked.
    case invalidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidField(let field, let value, let reason):
            "deb field \(field) '\(value)': \(reason)"
        case .invalidFile(let path, let reason):
            "deb file '\(path)': \(reason)"
        }
    }
}
