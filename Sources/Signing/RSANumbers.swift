import SwiftASN1

/// An RSA private key's numbers in OpenPGP's order (section 5.5.3): `p < q` and `u = p⁻¹ mod q`. PKCS#1 keeps
/// `qInv = q⁻¹ mod p`, which is OpenPGP's `u` once p and q trade places; a key whose p is the smaller prime has
/// no `u` here, and a caller making a key simply makes another.
struct RSANumbers {
    var d: [UInt8]
    var p: [UInt8]
    var q: [UInt8]
    var u: [UInt8]

    init?(pkcs1 der: [UInt8]) {
        guard let node = try? DER.parse(der),
              let values = try? DER.sequence(node, identifier: .sequence, { nodes -> [[UInt8]] in
                  try (0..<9).map { _ in Array(try ArraySlice<UInt8>(derEncoded: &nodes)) }
              })
        else { return nil }
        let (d, p, q, qInverse) = (values[3], values[4], values[5], values[8])
        guard Self.greater(p, q) else { return nil }
        self.d = d
        self.p = q
        self.q = p
        self.u = qInverse
    }

    /// Whether big-endian `a` is larger than `b`.
    static func greater(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let a = Array(a.drop { $0 == 0 })
        let b = Array(b.drop { $0 == 0 })
        return a.count != b.count ? a.count > b.count : a.lexicographicallyPrecedes(b) == false && a != b
    }
}
