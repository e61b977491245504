import Foundation

/// Text with `{{ name }}` placeholders, remembered with where it was written so that an undefined variable is
/// reported at its line.
public struct Template: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public let location: SourceLocation
    /// The text split once, when the template is made: a publish expands the same templates for every release.
    private let parsed: Result<[Piece], SpecError>

    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
        parsed = Result { () throws(SpecError) in try Self.pieces(of: text, at: location) }
    }

    public static func == (a: Template, b: Template) -> Bool { a.text == b.text && a.location == b.location }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(location)
    }

    public var description: String { text }

    enum Piece: Equatable {
        case literal(Substring)
        case variable(String, line: Int, filter: Filter?)
    }

    /// How a value is written where it lands: `{{ name | sh }}` quotes it for the POSIX shell, so whatever it holds
    /// (quotes, `$( )`, backticks, newlines) stays data.
    enum Filter: String {
        case sh

        func apply(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }

    /// Splits the text; `{{` without `}}` or a malformed name is an error. Works on the UTF-8 view: every name a
    /// release is checked against is expanded from a template.
    func pieces() throws -> [Piece] { try parsed.get() }

    private static func pieces(of text: String, at location: SourceLocation) throws(SpecError) -> [Piece] {
        func at(line: Int) -> SourceLocation { Template.at(line: line, in: location) }
        var result: [Piece] = []
        let utf8 = text.utf8
        var rest = utf8.startIndex
        var line = location.line ?? 1
        func find(_ pair: UInt8, from start: String.Index) -> String.Index? {
            var index = start
            while index < utf8.endIndex {
                let next = utf8.index(after: index)
                if utf8[index] == pair, next < utf8.endIndex, utf8[next] == pair { return index }
                index = next
            }
            return nil
        }
        func trimmed(_ part: Substring) -> String {
            var part = part
            while let first = part.first, first == " " || first == "\t" { part.removeFirst() }
            while let last = part.last, last == " " || last == "\t" { part.removeLast() }
            return String(part)
        }
        while let open = find(UInt8(ascii: "{"), from: rest) {
            result.append(.literal(text[rest..<open]))
            line += utf8[rest..<open].lazy.filter { $0 == 0x0A }.count
            let inStart = utf8.index(open, offsetBy: 2)
            guard let close = find(UInt8(ascii: "}"), from: inStart) else {
                throw SpecError(at: at(line: line), "'{{' without a closing '}}'")
            }
            let inside = text[inStart..<close]
            let parts = inside.split(separator: "|", maxSplits: 1).map(trimmed)
            let name = parts.first ?? ""
            guard Template.isValidName(name) else {
                throw SpecError(at: at(line: line), "'{{\(inside)}}' is not a variable name")
            }
            var filter: Filter?
            if parts.count == 2 {
                guard let known = Filter(rawValue: parts[1]) else {
                    throw SpecError(at: at(line: line), "'\(parts[1])' is not a filter (filters: sh)")
                }
                filter = known
            }
            result.append(.variable(name, line: line, filter: filter))
            rest = utf8.index(close, offsetBy: 2)
        }
        result.append(.literal(text[rest...]))
        return result
    }

    /// Names of the variables the text refers to.
    public func variables() throws -> [String] {
        try pieces().compactMap { if case .variable(let name, _, _) = $0 { name } else { nil } }
    }

    /// Reads the UTF-8 text file at `path` and expands it; an error in it names its own line. `location` is where
    /// the spec names the file, for the error when it cannot be read.
    public static func expandFile(_ path: String, in scope: Scope, namedAt location: SourceLocation) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SpecError(.input, at: location, "cannot read '\(path)' as UTF-8 text")
        }
        return try Template(text, at: SourceLocation(file: path, line: 1)).expand(in: scope, inFile: true)
    }

    /// - Parameter inFile: a file (a script, a unit, a man page) takes no value with a control character unless
    ///   the shell quotes it: a newline would end a comment or a directive and start another.
    public func expand(in scope: Scope, inFile: Bool = false) throws -> String {
        var output = ""
        for piece in try pieces() {
            switch piece {
            case .literal(let text): output += text
            case .variable(let name, let line, let filter):
                let value = try scope.value(of: name, at: at(line: line))
                if let filter {
                    output += filter.apply(value)
                } else {
                    if inFile, value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
                        throw SpecError(.input, at: at(line: line),
                                        "the value of '\(name)' holds a line break or control character, which this file cannot take as text (write {{ \(name) | sh }} in a shell script)")
                    }
                    output += value
                }
            }
        }
        return output
    }

    private func at(line: Int) -> SourceLocation { Self.at(line: line, in: location) }

    private static func at(line: Int, in location: SourceLocation) -> SourceLocation {
        var location = location
        if location.line != nil || line > 1 { location.line = line }
        return location
    }

    static func isValidName(_ name: String) -> Bool {
        // ^[A-Za-z][A-Za-z0-9_.-]*$
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        guard let first = name.utf8.first, isLetter(first) else { return false }
        return name.utf8.dropFirst().allSatisfy {
            isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }
}

/// Variables visible to templates. Values are templates themselves, expanded on first use, so a variable may
/// refer to others in any order; a cycle is an error.
public final class Scope {
    enum Entry {
        case value(String)
        case template(Template)
        case computed(() throws -> String)
    }

    private var entries: [String: Entry] = [:]
    private var cache: [String: String] = [:]
    private var resolving: Set<String> = []

    public init() {}

    /// A scope with the same variables, for one artifact to add its own (`variant`, `arch`) to. Templates
    /// expand in the child, so a spec variable may use an artifact's variables.
    public func child() -> Scope {
        let scope = Scope()
        scope.entries = entries
        return scope
    }

    public func set(_ name: String, _ value: String) { entries[name] = .value(value); cache[name] = nil }
    public func set(_ name: String, template: Template) { entries[name] = .template(template); cache[name] = nil }
    public func set(_ name: String, computed: @escaping () throws -> String) {
        entries[name] = .computed(computed)
        cache[name] = nil
    }

    public var names: [String] { entries.keys.sorted() }

    /// Makes `name` what `other` is: an architecture's scope gives an input its value for that architecture.
    public func alias(_ name: String, to other: String) {
        entries[name] = entries[other]
        cache[name] = nil
    }

    /// Names no template can write (`falco-bin@aarch64`) hold what only a child scope shows under its own name.
    public static func hiddenName(_ name: String, _ qualifier: String) -> String { name + "@" + qualifier }

    public func value(of name: String, at location: SourceLocation) throws -> String {
        if let cached = cache[name] { return cached }
        guard let entry = entries[name] else {
            throw SpecError(at: location, "undefined variable '\(name)' (defined: \(names.filter { !$0.contains("@") }.joined(separator: ", ")))")
        }
        guard resolving.insert(name).inserted else {
            throw SpecError(at: location, "variable '\(name)' refers to itself")
        }
        defer { resolving.remove(name) }
        let value: String
        switch entry {
        case .value(let text): value = text
        case .template(let template): value = try template.expand(in: self)
        case .computed(let compute): value = try compute()
        }
        cache[name] = value
        return value
    }
}
