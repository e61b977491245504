/// `[epoch:]upstream[-release]`, the shape deb and rpm versions share (dpkg calls the release the "Debian
/// release"). Parsing only splits; each format checks the characters its tools accept.
public struct PackageVersion: Hashable, Sendable, CustomStringConvertible {
    public var epoch: UInt?
    public var upstream: String
    public var release: String?

    public init(epoch: UInt? = nil, upstream: String, release: String? = nil) {
        self.epoch = epoch
        self.upstream = upstream
        self.release = release
    }

    public struct InvalidVersion: Error, CustomStringConvertible, Sendable {
        public let value: String
        public let reason: String
        public var description: String { "version '\(value)': \(reason)" }
    }

    /// Splits at the first `:` (epoch) and the last `-` (release), as dpkg does.
    public init(parsing text: String) throws {
        var rest = Substring(text)
        var epoch: UInt?
        if let colon = rest.firstIndex(of: ":") {
            guard let value = UInt(rest[..<colon]) else {
                throw InvalidVersion(value: text, reason: "epoch '\(rest[..<colon])' is not a non-negative integer")
            }
            epoch = value
            rest = rest[rest.index(after: colon)...]
        }
        var release: String?
        if let dash = rest.lastIndex(of: "-") {
            release = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
            if release!.isEmpty { throw InvalidVersion(value: text, reason: "empty release after '-'") }
        }
        guard !rest.isEmpty else { throw InvalidVersion(value: text, reason: "empty upstream version") }
        self.init(epoch: epoch, upstream: String(rest), release: release)
    }

    /// `text` split at its epoch (`2:1.0`): the number before the first `:`, and the version after it; no epoch
    /// when there is no `:`, or what comes before it is not a number.
    public static func splittingEpoch(_ text: String) -> (epoch: UInt?, version: Substring) {
        guard let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isASCII && $0.isNumber }),
              let epoch = UInt(text[..<colon]) else { return (nil, Substring(text)) }
        return (epoch, text[text.index(after: colon)...])
    }

    public var description: String {
        (epoch.map { "\($0):" } ?? "") + upstream + (release.map { "-\($0)" } ?? "")
    }
}
