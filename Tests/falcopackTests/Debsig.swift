import Foundation
import TestSupport

/// A debsig-verify policy and keyring folder for the key `id` (its long ID), whose binary keyring is `keyring`:
/// what `debsig-verify --policies-dir --keyrings-dir` reads to accept a deb's origin signature.
func debsigPolicy(_ work: TemporaryDirectory, keyID id: String, keyring: String) throws -> (policies: String, keyrings: String) {
    let policies = work.file("policies"), keyrings = work.file("keyrings")
    try FileManager.default.createDirectory(atPath: policies + "/" + id, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: keyrings + "/" + id, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: keyring, toPath: keyrings + "/\(id)/falco.gpg")
    try """
        <?xml version="1.0"?>
        <!DOCTYPE Policy SYSTEM "https://www.debian.org/debsig/1.0/policy.dtd">
        <Policy xmlns="https://www.debian.org/debsig/1.0/">
          <Origin Name="Falco" id="\(id)" Description="Falco packages"/>
          <Selection><Required Type="origin" File="falco.gpg" id="\(id)"/></Selection>
          <Verification MinOptional="0"><Required Type="origin" File="falco.gpg" id="\(id)"/></Verification>
        </Policy>
        """.write(toFile: policies + "/\(id)/falco.pol", atomically: true, encoding: .utf8)
    return (policies, keyrings)
}
