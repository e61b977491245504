/// A machine architecture, spelled the way each ecosystem spells it.
public enum Architecture: String, CaseIterable, Hashable, Sendable {
    case x86_64
    case aarch64
    /// Architecture-independent: deb `all`, rpm `noarch`.
    case all

    public var debianName: String {
        switch self {
        case .x86_64: "amd64"
        case .aarch64: "arm64"
        case .all: "all"
        }
    }

    public var rpmName: String {
        switch self {
        case .x86_64: "x86_64"
        case .aarch64: "aarch64"
        case .all: "noarch"
        }
    }

    public struct UnknownArchitecture: Error, CustomStringConvertible, Sendable {
        public let value: String
        public var description: String {
            "architecture '\(value)' is not supported (use x86_64/amd64, aarch64/arm64, or all/noarch)"
        }
    }

    /// Accepts any ecosystem's spelling.
    public init(parsing text: String) throws {
        switch text {
        case "x86_64", "amd64", "x86": self = .x86_64
        case "aarch64", "arm64": self = .aarch64
        case "all", "noarch": self = .all
        default: throw UnknownArchitecture(value: text)
        }
    }
}
