import Foundation

/// The result of running an external tool.
public struct ToolResult: Sendable {
    public let status: Int32
    public let stdout: Data
    public let stderr: String

    public var output: String { String(decoding: stdout, as: UTF8.self) }
}

public struct ToolError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Runs a real tool (ar, cpio, tar, xz, dpkg, rpm, ...). A missing tool is a failure, never a skip:
/// `make test` installs every tool the tests use.
@discardableResult
public func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                in directory: String? = nil) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    if let stdin {
        try input.fileHandleForWriting.write(contentsOf: stdin)
        try input.fileHandleForWriting.close()
    }
    // Read both pipes concurrently so neither fills up and blocks the tool.
    let errorData = LockedBox(Data())
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        errorData.value = err.fileHandleForReading.readDataToEndOfFile()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ToolResult(status: process.terminationStatus, stdout: outData,
                      stderr: String(decoding: errorData.value, as: UTF8.self))
}

/// Runs a tool and fails unless it exits 0.
@discardableResult
public func runChecked(_ arguments: [String], stdin: Data? = nil, in directory: String? = nil) throws -> ToolResult {
    let result = try run(arguments, stdin: stdin, in: directory)
    guard result.status == 0 else {
        throw ToolError(description: "\(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result
}

final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ value: T) { _value = value }
    var value: T {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
