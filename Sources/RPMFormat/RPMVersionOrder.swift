/// rpm's version order (`rpmvercmp` in rpmio/rpmvercmp.c): alternating runs of digits and letters, digits
/// compared as numbers and beating letters, `~` sorting before everything and `^` after the end.
enum RPMVersionOrder {
    /// Epoch, then version, then release.
    static func compare(_ a: (epoch: Int, version: String, release: String), _ b: (epoch: Int, version: String, release: String)) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let version = rpmvercmp(a.version, b.version)
        return version != 0 ? version : rpmvercmp(a.release, b.release)
    }

    static func rpmvercmp(_ a: String, _ b: String) -> Int {
        if a == b { return 0 }
        let one = Array(a.utf8), two = Array(b.utf8)
        var i = 0, j = 0
        func alnum(_ c: UInt8) -> Bool { isDigit(c) || isAlpha(c) }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        let tilde = UInt8(ascii: "~"), caret = UInt8(ascii: "^")
        while i < one.count || j < two.count {
            while i < one.count && !alnum(one[i]) && one[i] != tilde && one[i] != caret { i += 1 }
            while j < two.count && !alnum(two[j]) && two[j] != tilde && two[j] != caret { j += 1 }
            let c1 = i < one.count ? one[i] : nil, c2 = j < two.count ? two[j] : nil
            if c1 == tilde || c2 == tilde {
                if c1 != tilde { return 1 }
                if c2 != tilde { return -1 }
                i += 1
                j += 1
                continue
            }
            if c1 == caret || c2 == caret {
                if c1 == nil { return -1 }
                if c2 == nil { return 1 }
                if c1 != caret { return 1 }
                if c2 != caret { return -1 }
                i += 1
                j += 1
                continue
            }
            guard let first = c1, c2 != nil else { break }
            var end1 = i, end2 = j
            let numeric = isDigit(first)
            if numeric {
                while end1 < one.count && isDigit(one[end1]) { end1 += 1 }
                while end2 < two.count && isDigit(two[end2]) { end2 += 1 }
            } else {
                while end1 < one.count && isAlpha(one[end1]) { end1 += 1 }
                while end2 < two.count && isAlpha(two[end2]) { end2 += 1 }
            }
            if end2 == j { return numeric ? 1 : -1 }
            var segment1 = Array(one[i..<end1]), segment2 = Array(two[j..<end2])
            if numeric {
                segment1 = Array(segment1.drop { $0 == 0x30 })
                segment2 = Array(segment2.drop { $0 == 0x30 })
                if segment1.count != segment2.count { return segment1.count > segment2.count ? 1 : -1 }
            }
            if segment1 != segment2 { return segment1.lexicographicallyPrecedes(segment2) ? -1 : 1 }
            i = end1
            j = end2
        }
        if i >= one.count && j >= two.count { return 0 }
        return i < one.count ? 1 : -1
    }
}
