import FormatSeam
import Foundation

/// `inspect`: reads any artifact with the format whose file ending it has.
public enum Inspector {
    public static func inspect(path: String, formats: [any ArtifactFormat]) throws -> Inspection {
        guard let format = formats.reading(path) else {
            throw MalformedArtifact(path: path,
                                    reason: "not a file falcopack reads: its name must end in one of \(formats.allSuffixes.joined(separator: ", "))")
        }
        guard FileManager.default.isReadableFile(atPath: path) || format.recognizes(folder: path) else {
            throw MalformedArtifact(path: path, reason: "cannot be read")
        }
        let scratch = try FileManager.default.url(for: .itemReplacementDirectory, in: .userDomainMask,
                                                  appropriateFor: URL(fileURLWithPath: NSTemporaryDirectory()), create: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        return try format.inspect(path: path, scratch: ScratchFolder(path: scratch.path))
    }
}
