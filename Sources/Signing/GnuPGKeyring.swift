import Foundation
import Glibc

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
