/// `[epoch:]upstream[-revision]`, the shape deb and rpm versions share (rpm calls the revision "release").
/// Parsing only splits; each format checks the characters its tools accept.
public struct PackageVersion: Hashable, Sendable, CustomStringConvertible {
    public var epoch: UInt?
    public var upstream: String
    public var revision: String?

    public init(epoch: UInt? = nil, upstream: String, revision: String? = nil) {
        self.epoch = epoch
        self.upstream = upstream
        self.revision = revision
    }

    public struct InvalidVersion: Error, CustomStringConvertible, Sendable {
        public let value: String
        public let reason: String
        public var description: String { "version '\(value)': \(reason)" }
    }

    /// Splits at the first `:` (epoch) and the last `-` (revision), as dpkg does.
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
        var revision: String?
        if let dash = rest.lastIndex(of: "-") {
            revision = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
            if revision!.isEmpty { throw InvalidVersion(value: text, reason: "empty revision after '-'") }
        }
        guard !rest.isEmpty else { throw InvalidVersion(value: text, reason: "empty upstream version") }
        self.init(epoch: epoch, upstream: String(rest), revision: revision)
    }

    public var description: String {
        (epoch.map { "\($0):" } ?? "") + upstream + (revision.map { "-\($0)" } ?? "")
    }
}
