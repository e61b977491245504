import Foundation

/// A table of version pairs and their order (`A B -1|0|1` per line), kept as data beside the tests that use it.
public struct VersionVectors: Sendable {
    public var a: String
    public var b: String
    public var order: Int

    /// The vectors in `Vectors/NAME` beside the test file `testFile`.
    public static func read(_ testFile: String, _ name: String) -> [VersionVectors] {
        let path = (testFile as NSString).deletingLastPathComponent + "/Vectors/" + name
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 3, let order = Int(fields[2]) else { return nil }
            return VersionVectors(a: fields[0], b: fields[1], order: order)
        }
    }
}
