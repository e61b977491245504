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

