/// The 96-byte lead (`lib/rpmlead.c`): magic, format 3.0, binary type, arch and OS numbers, `N-V-R` in 66
/// NUL-padded bytes, signature type 5 (a header-style signature follows), 16 reserved bytes.
enum Lead {
    static func bytes(nameVersionRelease: String, archNumber: UInt16) -> [UInt8] {
        var lead: [UInt8] = [0xED, 0xAB, 0xEE, 0xDB, 3, 0]
        lead.appendBigEndian(UInt16(0))             // binary package
        lead.appendBigEndian(archNumber)
        var name = Array(nameVersionRelease.utf8.prefix(65))
        name += repeatElement(0, count: 66 - name.count)
        lead += name
        lead.appendBigEndian(UInt16(1))             // OS: Linux
        lead.appendBigEndian(UInt16(5))             // RPMSIGTYPE_HEADERSIG
        lead += repeatElement(0, count: 16)
        return lead
    }
}
