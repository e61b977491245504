import Glibc

/// A failed system call on a named file.
public struct IOError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let path: String
    public let errno: Int32
    /// Whether the call was writing (an output that cannot be written) rather than reading (an input).
    public let writing: Bool

    public init(_ operation: String, path: String, errno: Int32, writing: Bool = false) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.writing = writing
    }

    public var description: String {
        if errno == ENOSPC || errno == EDQUOT {
            let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            return "\(operation) '\(path)': the file system holding '\(folder.isEmpty ? "/" : folder)' is full (\(String(cString: strerror(errno)))); free space or write elsewhere"
        }
        return "\(operation) '\(path)': \(String(cString: strerror(errno)))"
    }
}

/// Retries a system call interrupted by a signal, and turns -1 into an `IOError`.
@discardableResult
public func retryingSyscall<T: FixedWidthInteger>(_ operation: String, path: String, writing: Bool = false,
                                                   _ call: () -> T) throws -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw IOError(operation, path: path, errno: code, writing: writing)
    }
}
