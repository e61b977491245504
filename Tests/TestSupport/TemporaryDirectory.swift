import Foundation

/// A fresh directory removed when the value is released (kept when FALCOPACK_KEEP_TEST_DIRS is set, to
/// inspect a test's output by hand).
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        var template = Array("\(NSTemporaryDirectory())/falcopack-test.XXXXXX".utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ToolError(description: "mkdtemp failed")
        }
        path = String(cString: result)
    }

    deinit {
        if ProcessInfo.processInfo.environment["FALCOPACK_KEEP_TEST_DIRS"] != nil { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` (creating parent directories) and returns the full path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let full = file(name)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
        return full
    }

    public func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }
}
