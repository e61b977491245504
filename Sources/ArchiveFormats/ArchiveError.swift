import CArchiveShim

/// A container could not be written or read. Each case names the entry or file and what is wrong.
public enum ArchiveError: Error, CustomStringConvertible, Sendable {
    case invalidEntry(path: String, reason: String)
    case unsupported(format: String, path: String, reason: String)
    /// libarchive refused an operation; `message` is its own error string.
    case libarchive(operation: String, path: String?, code: Int32, message: String)

    public var description: String {
        switch self {
        case .invalidEntry(let path, let reason):
            "archive entry '\(path)': \(reason)"
        case .unsupported(let format, let path, let reason):
            "\(format) entry '\(path)': \(reason)"
        case .libarchive(let operation, let path, let code, let message):
            "libarchive \(operation)\(path.map { " '\($0)'" } ?? "") failed: \(message) (code \(code))"
        }
    }
}

/// The one translator for libarchive return codes. ARCHIVE_WARN counts as failure: for writers it means
/// a name could not be converted, which would silently corrupt the entry.
@discardableResult
func archiveCheck(
    _ rc: Int32, _ archive: OpaquePointer?, _ operation: String, path: String? = nil
) throws -> Int32 {
    if rc == ARCHIVE_OK { return rc }
    let message = archive.flatMap { archive_error_string($0) }.map { String(cString: $0) } ?? "unknown error"
    throw ArchiveError.libarchive(operation: operation, path: path, code: rc, message: message)
}
