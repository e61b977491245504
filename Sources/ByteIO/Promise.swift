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

extension Promise {
    /// `work` started on another thread now; `wait` returns its value or throws its error.
    public static func start(_ work: @escaping @Sendable () throws -> Value) -> Promise<Value> {
        let promise = Promise()
        DispatchQueue.global().async { promise.fulfil(Result { try work() }) }
        return promise
    }
}

extension Array where Element: Sendable {
    /// `transform` of every element, run on as many cores as there are, in the order of the elements; the first
    /// error, by element order, is thrown once all are done.
    public func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) throws -> T) throws -> [T] {
        let results = ResultSlots<T>(count: count)
        withoutActuallyEscaping(transform) { transform in
            let elements = self
            DispatchQueue.concurrentPerform(iterations: count) { index in
                results.set(index, Result { try transform(elements[index]) })
            }
        }
        return try results.values()
    }
}

/// One result per index, each set by one thread.
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, Error>) { lock.withLock { slots[index] = result } }

    func values() throws -> [T] { try slots.map { try $0!.get() } }
}
