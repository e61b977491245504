/// A machine architecture. Each format spells it its own way (`amd64`, `x86_64`, ...).
public enum Architecture: String, CaseIterable, Hashable, Sendable, Comparable {
    case x86_64
    case aarch64
    /// Architecture-independent.
    case all
    // Architectures nfpm's configurations name, written for the formats that have names for them.
    case i386, armv5, armv6, armv7, ppc64le, s390x, riscv64, mips, mipsle, mips64le, loong64

    /// Every spelling a spec, a flag or an environment variable may use: the rpm and kernel one, Debian's and
    /// OCI's, and rpm's `noarch`.
    public static let spellings: [String: Architecture] = [
        "x86_64": .x86_64, "amd64": .x86_64, "aarch64": .aarch64, "arm64": .aarch64, "all": .all, "noarch": .all,
        "i386": .i386, "armv5": .armv5, "armel": .armv5, "armv5tel": .armv5, "armv6": .armv6, "armv6hl": .armv6,
        "armv7": .armv7, "armhf": .armv7, "armv7hl": .armv7, "ppc64le": .ppc64le, "ppc64el": .ppc64le, "s390x": .s390x,
        "riscv64": .riscv64, "mips": .mips, "mipsle": .mipsle, "mipsel": .mipsle, "mips64le": .mips64le,
        "mips64el": .mips64le, "loong64": .loong64, "loongarch64": .loong64,
    ]

    /// The architecture `spelling` names, in any format's spelling, or nil.
    public init?(spelling: String) {
        guard let found = Self.spellings[spelling] else { return nil }
        self = found
    }

    /// The architecture falcopack was built for: a spec that names none is for the machine building it.
    public static var building: Architecture {
        #if arch(arm64)
        .aarch64
        #else
        .x86_64
        #endif
    }

    /// The spellings of this architecture, its own name first (`aarch64`, `arm64`).
    public var spelledAs: [String] {
        [rawValue] + Self.spellings.filter { $0.value == self && $0.key != rawValue }.map(\.key).sorted()
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The architecture an ELF file's header names (`e_machine`, at offset 18, in the byte order its `EI_DATA`
    /// gives), or nil for a file that is not ELF or is for another machine.
    public init?(elfHeader header: [UInt8]) {
        guard header.count >= 20, header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { return nil }
        let machine = header[5] == 2 ? UInt16(header[18]) << 8 | UInt16(header[19])
            : UInt16(header[18]) | UInt16(header[19]) << 8
        // ARM and MIPS headers do not say which of their architectures they are for.
        let littleEndian = header[5] == 1, wide = header[4] == 2
        switch machine {
        case 62: self = .x86_64
        case 183: self = .aarch64
        case 3: self = .i386
        case 21 where littleEndian: self = .ppc64le
        case 22 where wide: self = .s390x
        case 243 where wide: self = .riscv64
        case 258: self = .loong64
        default: return nil
        }
    }

    /// The machine an ELF header names, for messages: `x86-64`, `AArch64`, or its number.
    public static func elfMachineName(_ header: [UInt8]) -> String? {
        guard header.count >= 20, header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { return nil }
        if let known = Architecture(elfHeader: header) {
            switch known {
            case .x86_64: return "x86-64"
            case .aarch64: return "AArch64"
            default: return known.rawValue
            }
        }
        let machine = header[5] == 2 ? UInt16(header[18]) << 8 | UInt16(header[19])
            : UInt16(header[18]) | UInt16(header[19]) << 8
        return "machine \(machine)"
    }
}
