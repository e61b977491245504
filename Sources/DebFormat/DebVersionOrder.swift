import FormatSeam

/// dpkg's version order (deb-version(7)): epochs as numbers, then the upstream version and the revision compared
/// by dpkg's `verrevcmp`, in which `~` sorts before everything, even the end.
enum DebVersionOrder {
    /// A version split once into what the order compares.
    struct Parts {
        var epoch: Int
        var upstream: [UInt8]
        var revision: [UInt8]

        init(_ version: String) {
            let (epoch, upstream, revision) = DebVersionOrder.split(version)
            self.epoch = epoch
            self.upstream = Array(upstream.utf8)
            self.revision = Array(revision.utf8)
        }
    }

    /// The order as repositories use it: each version parsed once.
    static let order = RepositoryPolicy.Order(parse: Parts.init, compare: compare)

    static func compare(_ a: String, _ b: String) -> Int {
        compare(Parts(a), Parts(b))
    }

    static func compare(_ a: Parts, _ b: Parts) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let upstream = verrevcmp(a.upstream, b.upstream)
        return upstream != 0 ? upstream : verrevcmp(a.revision, b.revision)
    }

    static func split(_ version: String) -> (Int, String, String) {
        var rest = Substring(version)
        var epoch = 0
        if let colon = rest.firstIndex(of: ":"), let value = Int(rest[..<colon]) {
            epoch = value
            rest = rest[rest.index(after: colon)...]
        }
        if let dash = rest.lastIndex(of: "-") {
            return (epoch, String(rest[..<dash]), String(rest[rest.index(after: dash)...]))
        }
        return (epoch, String(rest), "")
    }

    static func order(_ c: UInt8?) -> Int {
        guard let c else { return 0 }
        if c >= 0x30 && c <= 0x39 { return 0 }
        if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { return Int(c) }
        if c == UInt8(ascii: "~") { return -1 }
        return Int(c) + 256
    }

    static func verrevcmp(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0, j = 0
        func isDigit(_ bytes: [UInt8], _ index: Int) -> Bool {
            index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39
        }
        while i < a.count || j < b.count {
            var firstDifference = 0
            while (i < a.count && !isDigit(a, i)) || (j < b.count && !isDigit(b, j)) {
                let ac = order(i < a.count && !isDigit(a, i) ? a[i] : nil)
                let bc = order(j < b.count && !isDigit(b, j) ? b[j] : nil)
                if ac != bc { return ac - bc }
                i += 1
                j += 1
            }
            while i < a.count && a[i] == 0x30 { i += 1 }
            while j < b.count && b[j] == 0x30 { j += 1 }
            while isDigit(a, i) && isDigit(b, j) {
                if firstDifference == 0 { firstDifference = Int(a[i]) - Int(b[j]) }
                i += 1
                j += 1
            }
            if isDigit(a, i) { return 1 }
            if isDigit(b, j) { return -1 }
            if firstDifference != 0 { return firstDifference }
        }
        return 0
    }
}
