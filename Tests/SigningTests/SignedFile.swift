import Foundation
import Signing
import TestSupport

/// Signs `bytes` with `signer` into FILE and FILE.asc in `directory`; returns FILE.
func signedFile(_ bytes: [UInt8], signer: Signer, in directory: TemporaryDirectory, name: String = "data") throws -> String {
    let path = try directory.write(name, bytes)
    _ = try directory.write(name + ".asc", Array(Signer.armored(try signer.sign(bytes)).utf8))
    return path
}
