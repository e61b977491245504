import Foundation
import Testing

/// A file made wrong by one replacement, and the refusal it must draw: one line, a documented exit code, nothing
/// written.
public struct BadEdit: Sendable, CustomTestStringConvertible {
    public var name: String
    public var from: String
    public var to: String
    public var status: Int32
    /// How the error line starts, after `falcopack: error: `.
    public var message: String
    public var testDescription: String { name }

    public init(name: String, from: String, to: String, status: Int32 = 65, message: String) {
        self.name = name
        self.from = from
        self.to = to
        self.status = status
        self.message = message
    }

    /// `text` with the replacement made; `text` must hold what it replaces.
    public func applied(to text: String) -> String {
        #expect(text.contains(from), "\(name): the file does not hold \(from)")
        return text.replacingOccurrences(of: from, with: to)
    }

    /// Expects `result` to be the refusal, and nothing at `output`.
    public func expectRefused(_ result: ToolResult, output: String) {
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("falcopack: error: " + message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
