import Foundation
import Glibc
import PackageModel
import Pipeline
import SpecFile

/// Finds binaries by their content, not their names: a source tarball must not carry ELF files (programs,
/// objects, kernel modules) or ar archives, whatever they are called.
public enum BinaryDetector {
    /// What kind of binary the bytes start with, or nil for anything else.
    public static func kind(of header: [UInt8], name: String) -> String? {
        if header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) {
            let type = header.count >= 18 ? UInt16(header[16]) | UInt16(header[17]) << 8 : 0
            switch type {
            case 1: return name.hasSuffix(".ko") ? "ELF kernel module" : "ELF relocatable object"
            case 2: return "ELF executable"
            case 3: return "ELF shared object or executable"
            case 4: return "ELF core dump"
            default: return "ELF file"
            }
        }
        if header.starts(with: Array("!<arch>\n".utf8)) { return "ar archive" }
        if header.starts(with: Array("!<thin>\n".utf8)) { return "thin ar archive" }
        return nil
    }

    public static func kind(ofFileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 20)) ?? Data()
        return kind(of: Array(header), name: path)
    }

    public static func kind(of file: PackageFile) -> String? {
        switch file.kind {
        case .regular(let source): kind(ofFileAt: source)
        case .generated(let bytes): kind(of: Array(bytes.prefix(20)), name: file.path)
        default: nil
        }
    }

    /// Throws one error listing every binary among the files of a sources-only tarball.
    static func checkSourcesOnly(_ kind: TarballKind, _ files: [PlannedFile]) throws {
        guard kind.sourcesOnly else { return }
        let found = files.compactMap { planned -> String? in
            guard let what = Self.kind(of: planned.file) else { return nil }
            if case .regular(let source) = planned.file.kind { return "\(source) (\(what))" }
            return "\(planned.file.path) (\(what))"
        }
        guard found.isEmpty else {
            throw SpecError(.input, at: kind.file.location,
                            "tarball '\(kind.name)' must hold sources only; remove \(found.count == 1 ? "this binary" : "these binaries"): \(found.joined(separator: ", "))")
        }
    }
}
