/// What every repository does with what it is given, whatever its format: a package (or release) already held with
/// the same bytes is left alone, with other bytes it is refused unless `--replace`; only the newest `--keep` of
/// each package stay; and records are listed oldest version first, so a new release is appended and the next
/// publish compresses only the last runs of an index again. Each format supplies its own version order.
public enum RepositoryPolicy {
    /// What a package or release does to the repository.
    public enum Admission: Sendable, Equatable {
        /// Nothing of that identity is held.
        case new
        /// The same bytes are held already.
        case unchanged
        /// Other bytes are held under that identity, and `--replace` allows it.
        case replacing
    }

    /// Admits a package or release whose identity the repository may hold already.
    /// - Parameters:
    ///   - held: whether the repository holds that identity with the same bytes (true), with others (false), or
    ///     not at all (nil).
    ///   - what: the identity, as the message names it (`falco 0.28.1 amd64`, `version 0.28.1`).
    public static func admit(_ what: String, held: Bool?, from path: String, replace: Bool) throws -> Admission {
        switch held {
        case nil: return .new
        case true?: return .unchanged
        case false?:
            guard replace else {
                throw RepositoryError(path: path, reason: "\(what) is already published with other bytes; pass --replace to publish it again")
            }
            return .replacing
        }
    }

    /// A format's version order: each version parsed once, then compared as parsed.
    public struct Order<Parsed>: Sendable {
        public let parse: @Sendable (String) -> Parsed
        public let compare: @Sendable (Parsed, Parsed) -> Int

        public init(parse: @escaping @Sendable (String) -> Parsed, compare: @escaping @Sendable (Parsed, Parsed) -> Int) {
            self.parse = parse
            self.compare = compare
        }
    }

    /// The records beyond the newest `keep` of each group (a package of one architecture, say); none without `keep`.
    @inlinable public static func beyondKeep<Record, Parsed>(_ records: some Sequence<Record>, keep: Int?, group: (Record) -> String,
                                                  version: (Record) -> String, order: Order<Parsed>) -> [Record] {
        guard let keep else { return [] }
        var groups: [String: [Record]] = [:]
        for record in records { groups[group(record), default: []].append(record) }
        return groups.values.flatMap { members in
            newestFirst(members, version: version, order: order, tiebreak: { version($0) > version($1) }).dropFirst(keep)
        }
    }

    /// `records` oldest version first; records whose versions compare equal are ordered by `tiebreak`.
    @inlinable public static func oldestFirst<Record, Parsed>(_ records: some Collection<Record>, version: (Record) -> String,
                                                   order: Order<Parsed>, tiebreak: (Record, Record) -> Bool) -> [Record] {
        let rank = ranks(records.map(version), order: order)
        return records.map { (rank: rank[version($0)]!, record: $0) }
            .sorted { $0.rank != $1.rank ? $0.rank < $1.rank : tiebreak($0.record, $1.record) }
            .map(\.record)
    }

    /// `records` newest version first; ties by `tiebreak`.
    @inlinable public static func newestFirst<Record, Parsed>(_ records: some Collection<Record>, version: (Record) -> String,
                                                   order: Order<Parsed>, tiebreak: (Record, Record) -> Bool) -> [Record] {
        let rank = ranks(records.map(version), order: order)
        return records.map { (rank: rank[version($0)]!, record: $0) }
            .sorted { $0.rank != $1.rank ? $0.rank > $1.rank : tiebreak($0.record, $1.record) }
            .map(\.record)
    }

    /// Versions newest first, equal ones by their text, descending: what a repository reports it holds.
    @inlinable public static func newestFirst<Parsed>(_ versions: some Sequence<String>, order: Order<Parsed>) -> [String] {
        newestFirst(Array(Set(versions)), version: { $0 }, order: order, tiebreak: >)
    }

    /// Each version's place among `versions`, oldest 0, versions that compare equal sharing one: a sort of many
    /// records compares these, not the versions, and each version is parsed once.
    @inlinable public static func ranks<Parsed>(_ versions: some Sequence<String>, order: Order<Parsed>) -> [String: Int] {
        let sorted = Set(versions).map { (version: $0, parsed: order.parse($0)) }.sorted { order.compare($0.parsed, $1.parsed) < 0 }
        var ranks: [String: Int] = [:]
        var rank = 0
        for (index, entry) in sorted.enumerated() {
            if index > 0 && order.compare(sorted[index - 1].parsed, entry.parsed) != 0 { rank += 1 }
            ranks[entry.version] = rank
        }
        return ranks
    }
}
