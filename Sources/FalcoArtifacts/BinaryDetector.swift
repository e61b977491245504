import ByteIO
import Foundation
import PackageModel
import Pipeline
import SpecFile

/// Finds binaries by their content, not their names: a source tarball must not carry ELF files (programs,
/// objects, kernel modules) or ar archives, whatever they are called.
public enum BinaryDetector {
    /// How many leading bytes tell.
    static let headerSize = 20

    /// What kind of binary the bytes start with, or nil for anything else.
    public static func binaryType(of header: [UInt8], name: String) -> String? {
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

    /// The kind of binary the file at `path` is; a file that cannot be read is an error, not a pass.
    public static func binaryType(ofFileAt path: String) throws -> String? {
        binaryType(of: try FileReader(path: path).prefix(headerSize), name: path)
    }

    public static func binaryType(of file: PackageFile) throws -> String? {
        switch file.type {
        case .regular(let source): try binaryType(ofFileAt: source)
        case .generated(let bytes): binaryType(of: Array(bytes.prefix(headerSize)), name: file.path)
        default: nil
        }
    }

    /// Throws one error listing every binary among the files of a sources-only tarball.
    static func checkSourcesOnly(_ tarball: Tarball, _ files: [PlannedFile]) throws {
        guard tarball.sourcesOnly else { return }
        var found: [String] = []
        for planned in files {
            let what: String?
            do {
                what = try binaryType(of: planned.file)
            } catch let error as IOError {
                throw SpecError(.input, at: planned.origin, "cannot read '\(error.path)' to check it is a source: \(error)")
            }
            guard let what else { continue }
            if case .regular(let source) = planned.file.type {
                found.append("\(source) (\(what))")
            } else {
                found.append("\(planned.file.path) (\(what))")
            }
        }
        guard found.isEmpty else {
            throw SpecError(.input, at: tarball.file.location,
                            "tarball '\(tarball.name)' must hold sources only; remove \(found.count == 1 ? "this binary" : "these binaries"): \(found.joined(separator: ", "))")
        }
    }
}
