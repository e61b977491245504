/// The one rule for paths inside a package or an archive: relative to a root, never leaving it, never ambiguous.
/// `usr//bin/./x` is ambiguous and `../` escapes the root; both are errors, not silently fixed. NUL ends a name
/// in every format, and a newline would split the line-based lists dpkg and rpm keep (md5sums, conffiles,
/// `.list`), so both are refused.
public enum PackagePath {
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "path '\(path)': \(reason)" }
    }

    /// The longest path and component Linux file systems hold (PATH_MAX less its NUL, NAME_MAX).
    public static let maximumLength = 4095
    public static let maximumComponentLength = 255

    /// Checks a path relative to the root: no leading `/`, no empty, `.` or `..` component, nothing longer than a
    /// file system holds.
    public static func validate(_ path: String) throws {
        guard !path.isEmpty else { throw Invalid(path: path, reason: "is empty") }
        guard !path.hasPrefix("/") else { throw Invalid(path: path, reason: "must be relative to the root") }
        if path.utf8.contains(0) || path.utf8.contains(UInt8(ascii: "\n")) {
            throw Invalid(path: path, reason: "contains a NUL or newline")
        }
        if path.unicodeScalars.contains("\u{FFFD}") {
            throw Invalid(path: path, reason: "has a name that is not UTF-8 (rename it)")
        }
        guard path.utf8.count < maximumLength else {
            throw Invalid(path: String(path.prefix(80)) + "...", reason: "is \(path.utf8.count) bytes; the limit is \(maximumLength - 1)")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "..": throw Invalid(path: path, reason: "escapes the root through '..'")
            case ".", "": throw Invalid(path: path, reason: "has an empty or '.' component")
            default:
                guard component.utf8.count <= maximumComponentLength else {
                    throw Invalid(path: String(path.prefix(80)) + "...",
                                  reason: "has a name of \(component.utf8.count) bytes; the limit is \(maximumComponentLength)")
                }
            }
        }
    }

    /// `/usr/bin/falco` as `usr/bin/falco`: an install path must be absolute and may not be the root itself.
    public static func relative(fromAbsolute path: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw Invalid(path: path, reason: "install paths must be absolute (start with '/')")
        }
        guard path != "/" else { throw Invalid(path: path, reason: "the root directory cannot be listed") }
        let relative = String(path.dropFirst())
        do {
            try validate(relative)
        } catch let error as Invalid {
            throw Invalid(path: path, reason: error.reason)
        }
        return relative
    }
}
