import CLZMAShim
import CZlibShim
import CZstdShim

/// A C compression library refused an operation. Names the library, the call and the library's own message.
public struct CompressionError: Error, CustomStringConvertible, Sendable {
    public enum Library: String, Sendable {
        case zlib, liblzma, libzstd
    }

    public let library: Library
    public let operation: String
    public let code: Int
    public let message: String

    public init(library: Library, operation: String, code: Int, message: String) {
        self.library = library
        self.operation = operation
        self.code = code
        self.message = message
    }

    public var description: String {
        "\(library.rawValue) \(operation) failed: \(message) (code \(code))"
    }
}

/// The one translator for zlib return codes. `stream` supplies zlib's message when it set one.
@discardableResult
func zlibCheck(
    _ rc: Int32, _ stream: UnsafeMutablePointer<z_stream>?, _ operation: String, accept: [Int32] = [Z_OK]
) throws -> Int32 {
    if accept.contains(rc) { return rc }
    var message = String(cString: zError(rc))
    if let msg = stream?.pointee.msg {
        message = String(cString: msg)
    } else if rc == Z_BUF_ERROR {
        message = "the stream ended early"
    }
    throw CompressionError(library: .zlib, operation: operation, code: Int(rc), message: message)
}

/// The one translator for liblzma return codes, which carry no message of their own.
@discardableResult
func lzmaCheck(_ ret: lzma_ret, _ operation: String, accept: [lzma_ret] = [LZMA_OK]) throws -> lzma_ret {
    if accept.contains(ret) { return ret }
    let message: String
    switch ret {
    case LZMA_MEM_ERROR: message = "cannot allocate memory"
    case LZMA_MEMLIMIT_ERROR: message = "memory usage limit reached"
    case LZMA_FORMAT_ERROR: message = "file format not recognized"
    case LZMA_OPTIONS_ERROR: message = "unsupported options"
    case LZMA_DATA_ERROR: message = "compressed data is corrupt"
    case LZMA_BUF_ERROR: message = "unexpected end of input"
    case LZMA_PROG_ERROR: message = "programming error (invalid arguments or state)"
    case LZMA_UNSUPPORTED_CHECK: message = "unsupported integrity check"
    default: message = "unknown error"
    }
    throw CompressionError(library: .liblzma, operation: operation, code: Int(ret.rawValue), message: message)
}

/// The one translator for libzstd return codes: sizes on success, error codes otherwise.
@discardableResult
func zstdCheck(_ rc: Int, _ operation: String) throws -> Int {
    if ZSTD_isError(rc) == 0 { return rc }
    throw CompressionError(
        library: .libzstd, operation: operation, code: Int(ZSTD_getErrorCode(rc).rawValue),
        message: String(cString: ZSTD_getErrorName(rc)))
}
