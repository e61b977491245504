import Glibc

/// A failed system call on a named file.
public struct IOError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let path: String
    public let errno: Int32

    public init(_ operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(operation) '\(path)': \(String(cString: strerror(errno)))"
    }
}

/// Retries a system call interrupted by a signal, and turns -1 into an `IOError`.
@discardableResult
func retryingSyscall<T: FixedWidthInteger>(_ operation: String, path: String, _ call: () -> T) throws -> T {
    while true {
        let result = call()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw IOError(operation, path: path, errno: code)
    }
}
