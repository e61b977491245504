import Foundation

/// A canonical S-expression (`(3:rsa(1:n3:...))`), as the agent writes keys and signatures.
indirect enum SExpression {
    case atom([UInt8])
    case list([SExpression])

    static func parse(_ bytes: [UInt8]) throws -> SExpression {
        var index = 0
        let expression = try parse(bytes, &index)
        return expression
    }

    private static func parse(_ bytes: [UInt8], _ index: inout Int) throws -> SExpression {
        guard index < bytes.count else { throw OpenPGPError.malformed("an S-expression ends early") }
        if bytes[index] == UInt8(ascii: "(") {
            index += 1
            var items: [SExpression] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
                items.append(try parse(bytes, &index))
            }
            guard index < bytes.count else { throw OpenPGPError.malformed("an S-expression list is not closed") }
            index += 1
            return .list(items)
        }
        var length = 0
        while index < bytes.count, let digit = Int(String(UnicodeScalar(bytes[index]))), bytes[index] != UInt8(ascii: ":") {
            length = length * 10 + digit
            index += 1
            guard length < 1 << 20 else { throw OpenPGPError.malformed("an S-expression atom is too long") }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":"), index + 1 + length <= bytes.count else {
            throw OpenPGPError.malformed("an S-expression atom is cut short")
        }
        let atom = Array(bytes[(index + 1)..<(index + 1 + length)])
        index += 1 + length
        return .atom(atom)
    }

    /// The value of the first `(name value)` pair anywhere inside.
    func value(of name: String) -> [UInt8]? {
        guard case .list(let items) = self else { return nil }
        if items.count == 2, case .atom(let key) = items[0], key == Array(name.utf8), case .atom(let value) = items[1] {
            return value
        }
        for item in items {
            if let found = item.value(of: name) { return found }
        }
        return nil
    }
}

