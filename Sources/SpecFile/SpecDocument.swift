import Foundation
import Yams

/// A YAML node of a spec with its location, checked against `SpecSchema` before anything reads it, so readers
/// below can assume the shapes and only ask for values.
struct SpecNode {
    let node: Node
    let file: String
    let key: String

    var location: SourceLocation { SourceLocation(file: file, line: node.mark?.line, key: key.isEmpty ? nil : key) }

    func error(_ message: String) -> SpecError { SpecError(at: location, message) }

    static func parse(_ text: String, file: String) throws -> SpecNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SpecError(at: SourceLocation(file: file, line: error.line), "YAML syntax: \(error.problem)")
        }
        guard let node else { throw SpecError(at: SourceLocation(file: file), "the spec is empty") }
        return SpecNode(node: node, file: file, key: "")
    }

    // MARK: Checking

    func check(against shape: Shape) throws {
        if case .alias = node { throw error("YAML aliases are not supported; write the value out") }
        switch shape {
        case .either(let scalar, let other):
            if case .scalar = node { try check(against: scalar) } else { try check(against: other) }
        case .string, .mode, .oneOf, .integer, .boolean:
            guard case .scalar(let scalar) = node else { throw error("expected \(shape.noun), found \(node.noun)") }
            // `key:` and `key: ~` are YAML nulls; a quoted "" is a real (empty) string.
            let isNull = scalar.string.isEmpty || scalar.tag.rawValue == Tag.Name.null.rawValue
            if scalar.style == .plain && isNull {
                throw error("has no value; write \(shape.noun)")
            }
            switch shape {
            case .integer where Int(scalar.string) == nil:
                throw error("'\(scalar.string)' is not an integer")
            case .boolean where Bool.construct(from: scalar) == nil:
                throw error("'\(scalar.string)' is not true or false")
            case .mode where parseMode(scalar.string) == nil:
                throw error("'\(scalar.string)' is not an octal mode such as \"0755\"")
            case .oneOf(let values) where !values.contains(scalar.string):
                throw error("'\(scalar.string)' is not one of \(values.joined(separator: ", "))")
            default: break
            }
        case .list(let element):
            guard case .sequence(let sequence) = node else { throw error("expected a list, found \(node.noun)") }
            for (index, item) in sequence.enumerated() {
                try SpecNode(node: item, file: file, key: "\(key)[\(index)]").check(against: element)
            }
        case .map(let value):
            for (name, child) in try entries() {
                guard name.range(of: #"^[A-Za-z][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
                    throw child.error("'\(name)' is not a valid name: use letters, digits, '.', '-' and '_'")
                }
                try child.check(against: value)
            }
        case .object(let fields):
            let children = try entries()
            for (name, child) in children {
                guard let field = fields.first(where: { $0.name == name }) else {
                    let known = fields.map(\.name).joined(separator: ", ")
                    throw SpecError(at: SourceLocation(file: file, line: child.keyLine, key: child.key),
                                    "unknown key '\(name)' (known here: \(known))")
                }
                try child.check(against: field.shape)
            }
            for field in fields where field.required && !children.contains(where: { $0.name == field.name }) {
                throw error("missing required key '\(field.name)' (\(field.help))")
            }
        }
    }

    /// The entries of a mapping in document order, each with the line of its key.
    func entries() throws -> [(name: String, node: SpecNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(node.noun)") }
        var seen = Set<String>()
        var result: [(String, SpecNode)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw error("keys must be plain strings") }
            let name = scalar.string
            let childKey = key.isEmpty ? name : "\(key).\(name)"
            guard seen.insert(name).inserted else {
                throw SpecError(at: SourceLocation(file: file, line: keyNode.mark?.line, key: childKey),
                                "duplicate key '\(name)'")
            }
            result.append((name, SpecNode(node: value, file: file, key: childKey, keyLine: keyNode.mark?.line)))
        }
        return result
    }

    /// Line of the mapping key that holds this node, for errors about the key itself.
    var keyLine: Int? { storedKeyLine ?? node.mark?.line }
    private var storedKeyLine: Int?

    init(node: Node, file: String, key: String, keyLine: Int? = nil) {
        self.node = node
        self.file = file
        self.key = key
        self.storedKeyLine = keyLine
    }

    // MARK: Reading checked values

    subscript(name: String) -> SpecNode? {
        guard case .mapping(let mapping) = node else { return nil }
        for (keyNode, value) in mapping {
            if case .scalar(let scalar) = keyNode, scalar.string == name {
                return SpecNode(node: value, file: file, key: key.isEmpty ? name : "\(key).\(name)")
            }
        }
        return nil
    }

    var text: String {
        if case .scalar(let scalar) = node { return scalar.string }
        return ""
    }

    var isScalar: Bool {
        if case .scalar = node { return true }
        return false
    }

    var template: Template { Template(text, at: location) }
    var bool: Bool {
        if case .scalar(let scalar) = node { return Bool.construct(from: scalar) ?? false }
        return false
    }
    var int: Int { Int(text) ?? 0 }
    var mode: UInt32 { parseMode(text) ?? 0 }

    var items: [SpecNode] {
        guard case .sequence(let sequence) = node else { return [] }
        return sequence.enumerated().map { SpecNode(node: $1, file: file, key: "\(key)[\($0)]") }
    }

    func string(_ name: String) -> Template? { self[name]?.template }
    func flag(_ name: String) -> Bool { self[name]?.bool ?? false }
    func templates(_ name: String) -> [Template] { self[name]?.items.map(\.template) ?? [] }
}

func parseMode(_ text: String) -> UInt32? {
    guard (3...5).contains(text.count), let value = UInt32(text, radix: 8), value <= 0o7777 else { return nil }
    return value
}

private extension Shape {
    var noun: String {
        switch self {
        case .string: "a string"
        case .boolean: "true or false"
        case .integer: "an integer"
        case .mode: "an octal mode such as \"0755\""
        case .oneOf(let values): "one of \(values.joined(separator: ", "))"
        case .list: "a list"
        case .object, .map: "a mapping"
        case .either(let scalar, let other): "\(scalar.noun) or \(other.noun)"
        }
    }
}

private extension Node {
    var noun: String {
        switch self {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

private extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .reader(let problem, _, _, _): problem
        default: "\(self)"
        }
    }
}
