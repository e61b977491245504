import ArchiveFormats
import Compression
import Foundation
import RPMFormat

/// What is inside a deb, rpm or tarball, read natively (libarchive for ar and tar, our own reader for rpm
/// headers), for `falcopack inspect` and `falcopack verify`.
public struct Inspection: Sendable {
    public enum Format: String, Sendable { case deb, rpm, tarball }

    public struct File: Sendable, Hashable {
        public var path: String
        public var type: String
        public var mode: UInt32
        public var size: Int64
        public var linkTarget: String?
    }

    public var path: String
    public var format: Format
    /// Fields in the order the format lists them (deb control fields; rpm tags by name).
    public var fields: [(name: String, value: String)]
    public var files: [File]

    public func field(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    public static func read(path: String) throws -> Inspection {
        if path.hasSuffix(".deb") { return try readDeb(path) }
        if path.hasSuffix(".rpm") { return try readRPM(path) }
        return Inspection(path: path, format: .tarball, fields: [], files: try listTar(path))
    }

    static func listTar(_ path: String) throws -> [File] {
        try ArchiveReader.list(path: path).map { entry in
            let type: String
            switch entry.type {
            case .directory: type = "directory"
            case .symlink: type = "symlink"
            case .hardlink: type = "hardlink"
            default: type = "file"
            }
            return File(path: entry.path, type: type, mode: entry.permissions, size: entry.size, linkTarget: entry.linkTarget)
        }
    }

    static func readDeb(_ path: String) throws -> Inspection {
        let scratch = NSTemporaryDirectory() + "falcopack-inspect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let reader = try ArchiveReader(path: path)
        var control: String?
        var dataPath: String?
        var members: [String] = []
        while let entry = try reader.next() {
            members.append(entry.path)
            guard entry.path.hasPrefix("control.tar") || entry.path.hasPrefix("data.tar") else { continue }
            let memberPath = scratch + "/" + entry.path
            let sink = try FileSink(path: memberPath)
            try reader.readData(into: sink)
            try sink.commit()
            if entry.path.hasPrefix("control.tar") {
                for (member, data) in try ArchiveReader.readAll(path: memberPath) where member.path == "./control" {
                    control = String(decoding: data, as: UTF8.self)
                }
            } else {
                dataPath = memberPath
            }
        }
        guard members.first == "debian-binary", let control, let dataPath else {
            throw InspectionError(path: path, reason: "not a deb: members are \(members.joined(separator: ", "))")
        }
        var fields: [(String, String)] = []
        for line in control.split(separator: "\n") where !line.hasPrefix(" ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Inspection(path: path, format: .deb, fields: fields, files: try listTar(dataPath))
    }

    static func readRPM(_ path: String) throws -> Inspection {
        let header = try RPMHeaderReader(path: path)
        var fields: [(String, String)] = []
        for (name, tag) in [("Name", 1000), ("Version", 1001), ("Release", 1002), ("Architecture", 1022),
                            ("Summary", 1004), ("License", 1014), ("Vendor", 1011), ("URL", 1020),
                            ("Payload", 1125)] as [(String, UInt32)] {
            if let value = header.string(tag) { fields.append((name, value)) }
        }
        for (name, tag) in [("Provides", 1047), ("Requires", 1049), ("Conflicts", 1054), ("Obsoletes", 1090)] as [(String, UInt32)] {
            let values = header.strings(tag).filter { !$0.hasPrefix("rpmlib(") }
            if !values.isEmpty { fields.append((name, values.joined(separator: ", "))) }
        }
        let modes = header.integers(1030), sizes = header.fileSizes, links = header.strings(1036)
        let files = header.paths.enumerated().map { index, path in
            let mode = index < modes.count ? UInt32(truncatingIfNeeded: modes[index]) : 0
            let type: String
            switch mode & 0o170000 {
            case 0o040000: type = "directory"
            case 0o120000: type = "symlink"
            default: type = "file"
            }
            let link = index < links.count && !links[index].isEmpty ? links[index] : nil
            return File(path: path, type: type, mode: mode & 0o7777, size: index < sizes.count ? sizes[index] : 0,
                        linkTarget: link)
        }
        return Inspection(path: path, format: .rpm, fields: fields, files: files)
    }
}

public struct InspectionError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
