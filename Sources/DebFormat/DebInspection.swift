import ArchiveFormats
import Foundation
import FormatSeam

/// Reads a deb back with libarchive: the ar members, the control file's fields and the data member's files.
enum DebInspection {
    static func read(path: String, scratch: ScratchSpace) throws -> Inspection {
        let reader = try ArchiveReader(path: path)
        var control: String?
        var data: ScratchFile?
        var members: [String] = []
        while let entry = try reader.next() {
            members.append(entry.path)
            let isControl = entry.path.hasPrefix("control.tar"), isData = entry.path.hasPrefix("data.tar")
            guard isControl || isData else { continue }
            let member = try scratch.makeFile(named: entry.path)
            try reader.readData(into: member)
            _ = try member.finish()
            if isControl {
                // The control file only, and only if it is of a sane size: a length field never sizes a read.
                for name in ["./control", "control"] {
                    if let bytes = try ArchiveReader.readMember(path: member.path, member: name, limit: 1 << 20) {
                        control = String(decoding: bytes, as: UTF8.self)
                        break
                    }
                }
            } else {
                data = member
            }
        }
        guard members.first == "debian-binary", let control, let data else {
            throw MalformedArtifact(path: path, reason: "not a deb: members are \(members.joined(separator: ", "))")
        }
        var fields: [(name: String, value: String)] = []
        for line in control.split(separator: "\n") where !line.hasPrefix(" ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let inspection = Inspection(path: path, format: "deb", fields: fields, files: try Inspection.listArchive(data.path),
                                    identity: nil)
        guard let name = inspection.field("Package"), let version = inspection.field("Version"),
              let architecture = inspection.field("Architecture") else {
            throw MalformedArtifact(path: path, reason: "the control file lacks Package, Version or Architecture")
        }
        var identified = inspection
        identified.identity = Inspection.Identity(name: name, version: version, architecture: architecture)
        return identified
    }
}
