/// A package that cannot become a valid rpm. Raised before anything is written.
public enum RPMError: Error, CustomStringConvertible, Sendable {
    case invalidField(field: String, value: String, reason: String)
    case invalidFile(path: String, reason: String)
    /// A file read back is not a well-formed rpm.
    case invalidHeader(String)

    public var description: String {
        switch self {
        case .invalidField(let field, let value, let reason): "rpm tag \(field) '\(value)': \(reason)"
        case .invalidFile(let path, let reason): "rpm file '\(path)': \(reason)"
        case .invalidHeader(let reason): "rpm header: \(reason)"
        }
    }
}
