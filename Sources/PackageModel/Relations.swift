/// The relationship fields a package can have, named as specs spell them. Each format maps them onto its own
/// fields and refuses those it cannot express.
public enum RelationField: String, CaseIterable, Hashable, Sendable {
    case depends
    case preDepends = "pre-depends"
    case recommends, suggests, enhances, conflicts, breaks, replaces, provides
    /// Reverse recommends (rpm Supplements).
    case supplements
}

/// The relationships of a package. Each entry is one comma-separated item: alternatives joined by `|`.
public struct Relations: Hashable, Sendable {
    private var fields: [RelationField: [Relation]] = [:]

    public init(_ fields: [RelationField: [Relation]] = [:]) {
        self.fields = fields.filter { !$0.value.isEmpty }
    }

    public subscript(field: RelationField) -> [Relation] {
        get { fields[field] ?? [] }
        set { fields[field] = newValue.isEmpty ? nil : newValue }
    }
}

/// `a (>= 1.0) | b`: any one of the alternatives satisfies it.
public struct Relation: Hashable, Sendable, CustomStringConvertible {
    public var alternatives: [Dependency]

    public init(_ alternatives: [Dependency]) {
        self.alternatives = alternatives
    }

    public struct InvalidRelation: Error, CustomStringConvertible, Sendable {
        public let value: String
        public let reason: String
        public var description: String { "relation '\(value)': \(reason)" }
    }

    /// Parses `name [(op version)] [| name [(op version)]]...`; names and versions are checked by the format.
    public init(parsing text: String) throws {
        var alternatives: [Dependency] = []
        for part in text.split(separator: "|", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces
            guard !item.isEmpty else { throw InvalidRelation(value: text, reason: "empty alternative") }
            // A constraint is the last parenthesis that opens with an operator; other parentheses belong to the
            // name, as in rpm's library capabilities: `libc.so.6(GLIBC_2.35)(64bit)`.
            guard let open = item.lastIndex(of: "("),
                  item[item.index(after: open)...].trimmingSpaces.first.map({ "<=>".contains($0) }) ?? false else {
                if item.contains(" ") || item.filter({ $0 == "(" }).count != item.filter({ $0 == ")" }).count {
                    throw InvalidRelation(value: text, reason: "'\(item)' is not 'name' or 'name (op version)'")
                }
                alternatives.append(Dependency(name: item))
                continue
            }
            let name = item[..<open].trimmingSpaces
            guard item.hasSuffix(")"), !name.isEmpty, !name.contains(" ") else {
                throw InvalidRelation(value: text, reason: "'\(item)' is not 'name (op version)'")
            }
            let inner = item[item.index(after: open)..<item.index(before: item.endIndex)].trimmingSpaces
            let opText = String(inner.prefix { "<=>".contains($0) })
            let version = inner.dropFirst(opText.count).trimmingSpaces
            guard let op = Dependency.Operator(rawValue: opText) else {
                throw InvalidRelation(value: text, reason: "operator '\(opText)' is not one of <<, <=, =, >=, >>")
            }
            guard !version.isEmpty, !version.contains(" ") else {
                throw InvalidRelation(value: text, reason: "missing or malformed version in '\(item)'")
            }
            alternatives.append(Dependency(name: name, constraint: .init(op: op, version: version)))
        }
        self.init(alternatives)
    }

    public var description: String {
        alternatives.map(\.description).joined(separator: " | ")
    }
}

public struct Dependency: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, Hashable, Sendable, CaseIterable {
        case lessThan = "<<", lessOrEqual = "<=", equal = "=", greaterOrEqual = ">=", greaterThan = ">>"
    }

    public struct Constraint: Hashable, Sendable {
        public var op: Operator
        public var version: String

        public init(op: Operator, version: String) {
            self.op = op
            self.version = version
        }
    }

    public var name: String
    public var constraint: Constraint?

    public init(name: String, constraint: Constraint? = nil) {
        self.name = name
        self.constraint = constraint
    }

    public var description: String {
        guard let constraint else { return name }
        return "\(name) (\(constraint.op.rawValue) \(constraint.version))"
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
