import Foundation

/// A value another thread is computing; `wait` blocks until it is there. A compressing unit, a file being
/// hashed.
public final class Promise<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, Error>?

    public init(done: Result<Value, Error>? = nil) { result = done }

    public func fulfil(_ outcome: Result<Value, Error>) {
        condition.withLock {
            result = outcome
            condition.broadcast()
        }
    }

    public func wait() throws -> Value {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
