/// What every artifact of one build shares and what makes it reproducible: the time written into archives and
/// headers, and the owner of every file.
public struct BuildContext: Hashable, Sendable {
    /// Seconds since 1970 stamped as every entry's mtime, every header's build time and every signature's date.
    public var sourceDateEpoch: Int64
    public var owner: String
    public var group: String
    /// The program and version that writes, as bills of materials and signed image claims name it.
    public var tool: String

    public init(sourceDateEpoch: Int64, owner: String = "root", group: String = "root", tool: String = "falcopack") {
        self.sourceDateEpoch = sourceDateEpoch
        self.owner = owner
        self.group = group
        self.tool = tool
    }

    public struct InvalidSourceDateEpoch: Error, CustomStringConvertible, Sendable {
        public let value: String
        public var description: String {
            "SOURCE_DATE_EPOCH '\(value)' is not a non-negative integer number of seconds (unset it, or use e.g. $(git log -1 --format=%ct))"
        }
    }

    /// The timestamp from `SOURCE_DATE_EPOCH` when set (https://reproducible-builds.org/specs/source-date-epoch/),
    /// otherwise `fallback` (the spec's date, or the clock when reproducibility was not asked for).
    public static func fromEnvironment(_ environment: [String: String], fallback: Int64) throws -> BuildContext {
        guard let raw = environment["SOURCE_DATE_EPOCH"] else {
            return BuildContext(sourceDateEpoch: fallback)
        }
        guard !raw.isEmpty, raw.allSatisfy(\.isASCII), raw.allSatisfy(\.isNumber), let value = Int64(raw) else {
            throw InvalidSourceDateEpoch(value: raw)
        }
        return BuildContext(sourceDateEpoch: value)
    }
}
