import Crypto
import Foundation
import Glibc

/// Signs through a running gpg-agent over its Assuan socket (GnuPG's "Agent PKSIGN"): the agent holds the secret
/// key, on disk or on a smartcard, asks for its passphrase or PIN itself, and hands back the signature's numbers.
/// No gpg process runs.
public final class AgentBackend: SignatureBackend, @unchecked Sendable {
    public let publicKey: PublicKey
    let socketPath: String
    let keygrip: String
    let passphrase: [UInt8]?
    private let lock = NSLock()

    /// Finds the agent's copy of `publicKey`.
    public init(publicKey: PublicKey, socketPath: String, passphrase: [UInt8]?) throws {
        self.publicKey = publicKey
        self.socketPath = socketPath
        self.passphrase = passphrase
        let connection = try AgentConnection(path: socketPath)
        defer { connection.close() }
        var found: String?
        for line in try connection.transact("KEYINFO --list").status {
            // S KEYINFO <grip> <type> ...
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0] == "KEYINFO" else { continue }
            let grip = String(fields[1])
            guard let sexp = try? connection.transact("READKEY \(grip)").data, let key = try? SExpression.parse(sexp),
                  Self.matches(key, publicKey) else { continue }
            found = grip
            break
        }
        guard let found else {
            throw KeyProblem.noSecret("gpg-agent at \(socketPath) holds no secret key for \(publicKey.fingerprintHex); import it (gpg --import) or insert its card")
        }
        keygrip = found
    }

    /// Whether the agent's public key S-expression is `key`.
    static func matches(_ expression: SExpression, _ key: PublicKey) -> Bool {
        switch key.material {
        case .rsa(let n, let e):
            guard let agentN = expression.value(of: "n"), let agentE = expression.value(of: "e") else { return false }
            return agentN.drop { $0 == 0 }.elementsEqual(n.drop { $0 == 0 })
                && agentE.drop { $0 == 0 }.elementsEqual(e.drop { $0 == 0 })
        case .ed25519(let point):
            guard let q = expression.value(of: "q") else { return false }
            return q == [0x40] + point || q == point
        }
    }

    public func sign(_ digest: Digested) throws -> [[UInt8]] {
        try lock.withLock {
            let connection = try AgentConnection(path: socketPath)
            defer { connection.close() }
            if passphrase != nil { _ = try? connection.transact("OPTION pinentry-mode=loopback") }
            _ = try connection.transact("SIGKEY \(keygrip)")
            _ = try connection.transact("SETKEYDESC falcopack+signs+with+key+\(publicKey.fingerprintHex)")
            _ = try connection.transact("SETHASH \(digest.algorithm.rawValue) \(digest.bytes.map { String(format: "%02X", $0) }.joined())")
            let reply = try connection.transact("PKSIGN", passphrase: passphrase)
            let expression = try SExpression.parse(reply.data)
            switch publicKey.material {
            case .rsa:
                guard let s = expression.value(of: "s") else { throw OpenPGPError.malformed("gpg-agent returned no RSA signature") }
                return [s]
            case .ed25519:
                guard let r = expression.value(of: "r"), let s = expression.value(of: "s") else {
                    throw OpenPGPError.malformed("gpg-agent returned no EdDSA signature")
                }
                return [r, s]
            }
        }
    }

    /// Where the agent of GnuPG home `home` listens: under /run/user when the system provides it (a hashed
    /// subfolder for a home other than ~/.gnupg), else in the home itself; a file redirecting elsewhere is followed.
    public static func socketPath(home: String? = ProcessInfo.processInfo.environment["GNUPGHOME"]) -> String {
        let defaultHome = (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.gnupg"
        // GnuPG hashes the home as spelled (absolute, but "//" kept), so both spellings are tried.
        let given = home.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 } ?? defaultHome
        let spellings = Set([given, URL(fileURLWithPath: given).standardizedFileURL.path]).sorted()
        let home = URL(fileURLWithPath: given).standardizedFileURL.path
        var candidates: [String] = []
        let runtime = "/run/user/\(getuid())/gnupg"
        if FileManager.default.fileExists(atPath: runtime) {
            if home == URL(fileURLWithPath: defaultHome).standardizedFileURL.path {
                candidates.append(runtime + "/S.gpg-agent")
            } else {
                for spelling in spellings {
                    let trimmed = spelling.count > 1 && spelling.hasSuffix("/") ? String(spelling.dropLast()) : spelling
                    let digest = Array(Insecure.SHA1.hash(data: Array(trimmed.utf8)).prefix(15))
                    candidates.append(runtime + "/d." + zbase32(digest) + "/S.gpg-agent")
                }
            }
        }
        candidates.append(home + "/S.gpg-agent")
        let path = candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates.last!
        // A redirect: "%Assuan%\nsocket=PATH\n".
        if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasPrefix("%Assuan%") {
            for line in text.split(separator: "\n") where line.hasPrefix("socket=") {
                return String(line.dropFirst("socket=".count))
            }
        }
        return path
    }

    /// z-base-32, as GnuPG names per-home socket folders.
    static func zbase32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ybndrfg8ejkmcpqxot1uwisza345h769")
        var out = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}

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

/// A canonical S-expression (`(3:rsa(1:n3:...))`), as the agent writes keys and signatures.
indirect enum SExpression {
    case atom([UInt8])
    case list([SExpression])

    static func parse(_ bytes: [UInt8]) throws -> SExpression {
        var index = 0
        let expression = try parse(bytes, &index)
        return expression
    }

    private static func parse(_ bytes: [UInt8], _ index: inout Int) throws -> SExpression {
        guard index < bytes.count else { throw OpenPGPError.malformed("an S-expression ends early") }
        if bytes[index] == UInt8(ascii: "(") {
            index += 1
            var items: [SExpression] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
                items.append(try parse(bytes, &index))
            }
            guard index < bytes.count else { throw OpenPGPError.malformed("an S-expression list is not closed") }
            index += 1
            return .list(items)
        }
        var length = 0
        while index < bytes.count, let digit = Int(String(UnicodeScalar(bytes[index]))), bytes[index] != UInt8(ascii: ":") {
            length = length * 10 + digit
            index += 1
            guard length < 1 << 20 else { throw OpenPGPError.malformed("an S-expression atom is too long") }
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":"), index + 1 + length <= bytes.count else {
            throw OpenPGPError.malformed("an S-expression atom is cut short")
        }
        let atom = Array(bytes[(index + 1)..<(index + 1 + length)])
        index += 1 + length
        return .atom(atom)
    }

    /// The value of the first `(name value)` pair anywhere inside.
    func value(of name: String) -> [UInt8]? {
        guard case .list(let items) = self else { return nil }
        if items.count == 2, case .atom(let key) = items[0], key == Array(name.utf8), case .atom(let value) = items[1] {
            return value
        }
        for item in items {
            if let found = item.value(of: name) { return found }
        }
        return nil
    }
}

/// The certificates of a GnuPG home's public keyring, without gpg: `pubring.kbx` (keybox blobs, each holding an
/// OpenPGP key block) or the older `pubring.gpg`.
public enum GnuPGKeyring {
    public static func certificates(home: String?) throws -> [Certificate] {
        let home = home ?? (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.gnupg"
        if let keybox = FileManager.default.contents(atPath: home + "/pubring.kbx") {
            return try readKeybox(Array(keybox))
        }
        if let legacy = FileManager.default.contents(atPath: home + "/pubring.gpg") {
            return try Certificate.read(Array(legacy))
        }
        throw AgentError(path: home, reason: "no pubring.kbx or pubring.gpg to find the public key in")
    }

    static func readKeybox(_ bytes: [UInt8]) throws -> [Certificate] {
        var certificates: [Certificate] = []
        var at = 0
        while at + 16 <= bytes.count {
            let length = Int(UInt32(bigEndian: bytes[at..<at + 4]))
            guard length >= 5, at + length <= bytes.count else { throw OpenPGPError.malformed("a keybox blob runs past the end") }
            if bytes[at + 4] == 2 {
                let offset = Int(UInt32(bigEndian: bytes[at + 8..<at + 12]))
                let size = Int(UInt32(bigEndian: bytes[at + 12..<at + 16]))
                guard offset + size <= length else { throw OpenPGPError.malformed("a keybox key block runs past its blob") }
                if let found = try? Certificate.parse(Packet.parse(Array(bytes[at + offset..<at + offset + size]))) {
                    certificates += found
                }
            }
            at += length
        }
        return certificates
    }
}
