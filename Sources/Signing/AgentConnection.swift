import Foundation
import Glibc

/// One Assuan connection: a command, then data, status and inquiry lines until OK or ERR.
final class AgentConnection {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    let path: String

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw AgentError(path: path, reason: "cannot create a socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(descriptor)
            throw AgentError(path: path, reason: "the socket path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw AgentError(path: path, reason: "no gpg-agent is listening (start one with gpg-connect-agent /bye, or give a key file)")
        }
        _ = try readReply(passphrase: nil)
    }

    func close() { Glibc.close(descriptor) }

    struct Reply {
        var data: [UInt8] = []
        var status: [String] = []
    }

    func transact(_ command: String, passphrase: [UInt8]? = nil) throws -> Reply {
        try send(Array(command.utf8) + [0x0A])
        return try readReply(passphrase: passphrase)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw AgentError(path: path, reason: "the agent closed the connection") }
            offset += written
        }
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw AgentError(path: path, reason: "the agent closed the connection") }
            pending += buffer[..<count]
        }
    }

    private func readReply(passphrase: [UInt8]?) throws -> Reply {
        var reply = Reply()
        while true {
            let line = try readLine()
            let text = String(decoding: line, as: UTF8.self)
            if text == "OK" || text.hasPrefix("OK ") { return reply }
            if text.hasPrefix("ERR ") {
                let message = text.split(separator: " ", maxSplits: 2).dropFirst(2).first.map(String.init) ?? text
                if message.contains("Bad passphrase") || message.contains("Bad PIN") { throw KeyProblem.wrongPassphrase }
                if message.contains("No passphrase given") || message.contains("canceled") { throw KeyProblem.passphraseNeeded }
                throw AgentError(path: path, reason: "the agent answered: \(message)")
            }
            if line.starts(with: Array("D ".utf8)) {
                reply.data += Self.unescape(Array(line.dropFirst(2)))
            } else if text.hasPrefix("S ") {
                reply.status.append(String(text.dropFirst(2)))
            } else if text.hasPrefix("INQUIRE ") {
                if text.hasPrefix("INQUIRE PASSPHRASE") || text.hasPrefix("INQUIRE NEW_PASSPHRASE") {
                    guard let passphrase else {
                        try send(Array("CAN\n".utf8))
                        continue
                    }
                    try send(Array("D ".utf8) + Self.escape(passphrase) + [0x0A])
                }
                try send(Array("END\n".utf8))
            }
        }
    }

    /// Assuan escapes %, CR and LF in data lines.
    static func unescape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16) {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    static func escape(_ bytes: [UInt8]) -> [UInt8] {
        bytes.flatMap { byte -> [UInt8] in
            switch byte {
            case UInt8(ascii: "%"), 0x0A, 0x0D: Array(String(format: "%%%02X", byte).utf8)
            default: [byte]
            }
        }
    }
}

public struct AgentError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "gpg-agent at \(path): \(reason)" }
}

