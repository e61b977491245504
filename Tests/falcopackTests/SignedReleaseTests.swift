import Foundation
import Testing
import TestSupport

/// The release signed as it is written, judged by the tools users verify with: rpmkeys, debsig-verify, gpgv, sqop,
/// skopeo; each accepts what falcopack signed and rejects it once a byte changes.
@Suite struct SignedReleaseTests {
    let release: Release
    let key: SigningKey
    let v = Release.version

    init() throws {
        release = try Release.shared.get()
        key = try SigningKey.shared.get()
    }

    /// A copy of `name` with one byte changed at `offset` (from the end when negative).
    func tampered(_ name: String, at offset: Int, in work: TemporaryDirectory) throws -> String {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: release.path(name))))
        let index = offset >= 0 ? offset : bytes.count + offset
        bytes[index] ^= 0x01
        return try work.write(name, bytes)
    }

    // MARK: rpm

    @Test func rpmkeysChecksTheHeaderSignature() throws {
        let work = try TemporaryDirectory()
        let database = work.file("rpmdb")
        try runChecked(["rpmkeys", "--dbpath", database, "--import", key.publicKey])
        let id = String(key.fingerprint.suffix(8)).lowercased()
        for variant in ["module", "bpf"] {
            let rpm = release.path("falco-\(v)-\(variant)-x86_64.rpm")
            let verbose = try runChecked(["rpmkeys", "--dbpath", database, "-Kv", rpm]).output
            #expect(verbose.contains("Header V4 RSA/SHA256 Signature, key ID \(id): OK"), "\(verbose)")
            #expect(try runChecked(["rpmkeys", "--dbpath", database, "-K", rpm]).output.contains("digests signatures OK"))
        }
        // A changed byte in the main header: the summary text, well inside it.
        let name = "falco-\(v)-bpf-x86_64.rpm"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: release.path(name))))
        let summary = Array("container native runtime security".utf8)
        let at = try #require((0..<(bytes.count - summary.count)).first { Array(bytes[$0..<$0 + summary.count]) == summary })
        let changed = try tampered(name, at: at, in: work)
        let result = try run(["rpmkeys", "--dbpath", database, "-Kv", changed])
        #expect(result.status != 0)
        #expect(result.output.contains("Header V4 RSA/SHA256 Signature, key ID \(id): BAD"), "\(result.output)")
    }

    /// rpm installs the signed package when it requires a valid signature, once the key is imported; not before.
    @Test func rpmInstallsOnlyWithTheKeyWhenSignaturesAreRequired() throws {
        let work = try TemporaryDirectory()
        let root = work.file("root")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let rpm = release.path("falco-\(v)-bpf-x86_64.rpm")
        let strict = ["--define", "_pkgverify_level signature", "--nodeps", "--noscripts"]
        let refused = try run(["rpm", "--root", root, "-i"] + strict + [rpm])
        #expect(refused.status != 0, "installed without the key: \(refused.output)")
        try runChecked(["rpm", "--root", root, "--import", key.publicKey])
        try runChecked(["rpm", "--root", root, "-i"] + strict + [rpm])
        #expect(try runChecked(["rpm", "--root", root, "-q", "falco-bpf"]).output.hasPrefix("falco-bpf-\(v)-1"))
    }

    // MARK: deb

    @Test func debsigVerifyAcceptsTheOriginSignature() throws {
        let work = try TemporaryDirectory()
        let (policies, keyrings) = try debsigPolicy(work, keyID: key.keyID, keyring: try key.gnupg.keyring(key.publicKey))
        for name in ["falco-\(v)-module-amd64.deb", "falco-\(v)-bpf-amd64.deb"] {
            let deb = release.path(name)
            let members = try runChecked(["ar", "t", deb]).output.split(separator: "\n")
            #expect(members == ["debian-binary", "control.tar.xz", "data.tar.xz", "_gpgorigin"])
            let result = try run(["debsig-verify", "--policies-dir", policies, "--keyrings-dir", keyrings, deb])
            #expect(result.status == 0, "\(result.output) \(result.stderr)")
        }
        // One changed byte at the end of the data member, just before _gpgorigin's header.
        let name = "falco-\(v)-bpf-amd64.deb"
        let listing = try runChecked(["ar", "tv", release.path(name)]).output
        #expect(listing.contains("_gpgorigin"))
        let origin = try runChecked(["ar", "p", release.path(name), "_gpgorigin"]).stdout.count
        let changed = try tampered(name, at: -(origin + origin % 2 + 60 + 8), in: work)
        let result = try run(["debsig-verify", "--policies-dir", policies, "--keyrings-dir", keyrings, changed])
        #expect(result.status == 13, "\(result.output) \(result.stderr)")
    }

    /// lintian has no error but the one it gives every origin-signed deb: Debian's lintian allows no ar member
    /// beyond the three.
    @Test func lintianRaisesNothingNewOnASignedDeb() throws {
        let result = try run(["lintian", "--allow-root", "--tag-display-limit", "0", "--no-cfg",
                              release.path("falco-\(v)-module-amd64.deb")])
        let errors = result.output.split(separator: "\n").filter { $0.hasPrefix("E:") }
        #expect(errors == ["E: falco: misplaced-extra-member-in-deb _gpgorigin (unexpected _member at position 3)"],
                "\(result.output)")
    }

    // MARK: Files beside the packages

    @Test func everyOtherFileHasADetachedSignatureGpgvAndSqopAccept() throws {
        let names = ["falco-\(v)-bin-x86.tar.gz", "falco-\(v)-src-x86.tar.gz", "falco-\(v)-module-src-x86.tar.gz",
                     "falco-\(v)-bpf-src-x86.tar.gz", "falco-\(v)-images.tar", "SHA256SUMS", "falco-\(v).spdx.json",
                     "falco-\(v).cdx.json"]
        for name in names {
            let file = release.path(name)
            let gpgv = try key.gnupg.gpgv(keyring: key.publicKey, signature: file + ".asc", data: file)
            #expect(gpgv.status == 0, "\(name): \(gpgv.stderr)")
            #expect(gpgv.output.contains("VALIDSIG \(key.fingerprint)"), "\(name): \(gpgv.output)")
            let sqop = try run(["sqop", "verify", file + ".asc", key.publicKey], stdin: try Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(sqop.status == 0, "\(name): \(sqop.stderr)")
        }
        // The sums and their signature are what users start from: checked as the README says.
        let work = try TemporaryDirectory()
        let changed = try tampered("SHA256SUMS", at: 10, in: work)
        try FileManager.default.copyItem(atPath: release.path("SHA256SUMS.asc"), toPath: changed + ".asc")
        #expect(try key.gnupg.gpgv(keyring: key.publicKey, signature: changed + ".asc", data: changed).status != 0)
        #expect(try run(["sqop", "verify", changed + ".asc", key.publicKey],
                        stdin: try Data(contentsOf: URL(fileURLWithPath: changed))).status != 0)
        let sums = try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: release.dist)
        #expect(sums.output.contains("falco-\(v).spdx.json: OK"))
    }

    /// A signature is dated SOURCE_DATE_EPOCH, or its key's creation when that is later (this key is new).
    @Test func signaturesAreDatedNoEarlierThanTheKey() throws {
        let packets = try key.gnupg.gpg(["--list-packets", release.path("SHA256SUMS.asc")]).output
        let keyListing = try key.gnupg.gpg(["--list-keys", "--with-colons", key.fingerprint]).output
        let created = keyListing.split(separator: "\n").first { $0.hasPrefix("pub:") }!
            .split(separator: ":", omittingEmptySubsequences: false)[5]
        #expect(packets.contains("created \(created)"), "\(packets)")
        #expect(packets.contains("digest algo 8"))
        #expect(packets.contains("hashed subpkt 2 len 4"))
        #expect(packets.contains("subpkt 16 len 8 (issuer key ID \(key.keyID))"))
        #expect(!packets.contains("critical"))
    }

    // MARK: Images

    @Test func skopeoVerifiesTheSimpleSigningSignatureOfEveryTag() throws {
        let home = try TemporaryDirectory()
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: home.path)
        try runChecked(["gpg", "--batch", "--homedir", home.path, "--import", key.publicKey])
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: release.layout + "/index.json"))) as! [String: Any]
        var checked = 0
        for entry in index["manifests"] as! [[String: Any]] {
            guard let reference = (entry["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] else { continue }
            let index = (entry["digest"] as! String).dropFirst("sha256:".count)
            // The tag's image index, and each platform's manifest in it: a pull of one platform verifies too.
            let inner = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: release.layout + "/blobs/sha256/\(index)"))) as! [String: Any]
            let platforms = (inner["manifests"] as! [[String: Any]]).map { ($0["digest"] as! String).dropFirst("sha256:".count) }
            #expect(platforms.count == (reference.contains("falco-builder") ? 1 : 2), "\(reference)")
            for digest in [index] + platforms {
                let repository = reference.split(separator: ":")[0]
                let folder = release.layout + "/signatures/\(repository)@sha256=\(digest)"
                let signatures = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                #expect(signatures == ["signature-1", "signature-2"], "\(folder)")
                let manifest = release.layout + "/blobs/sha256/\(digest)"
                let verified = try signatures.filter { signature in
                    try run(["skopeo", "standalone-verify", manifest, reference, key.fingerprint, folder + "/" + signature],
                            environment: ["GNUPGHOME": home.path]).status == 0
                }
                #expect(verified.count == 1, "\(reference): exactly one of its image's signatures names it")
                // Another reference, or another manifest, is refused.
                let other = try run(["skopeo", "standalone-verify", manifest, "falcosecurity/other:\(v)", key.fingerprint,
                                     folder + "/" + signatures[0]], environment: ["GNUPGHOME": home.path])
                #expect(other.status != 0)
            }
            checked += 1
        }
        #expect(checked == 12, "five images, two tags each, and falco-no-driver's two -slim aliases")
    }

    // MARK: falcopack's own checks

    @Test func verifyChecksEverySignatureAgainstThePublicKey() throws {
        let passed = try falcopack(["verify", release.dist, "--public-key", key.publicKey])
        #expect(passed.output.contains("follow the convention"))

        let work = try TemporaryDirectory()
        let copy = work.file("dist")
        try runChecked(["cp", "-a", release.dist, copy])
        // A tarball's signature gone, an rpm header changed (and its checksum line with it), an image signature of
        // another key: each named.
        try FileManager.default.removeItem(atPath: copy + "/falco-\(v)-bpf-src-x86.tar.gz.asc")
        let other = try GnuPG()
        let otherKey = try other.exportPublic(try other.generate("Other <other@example.com>", algorithm: "ed25519"))
        let wrongKey = try run([falcopackExecutable(), "verify", copy, "--public-key", otherKey], in: repositoryRoot())
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr.contains("falco-\(v)-module-x86_64.rpm: the signature over header was made by key \(key.keyID), not by the key given"),
                "\(wrongKey.stderr)")
        let result = try run([falcopackExecutable(), "verify", copy, "--public-key", key.publicKey], in: repositoryRoot())
        #expect(result.status == 1)
        #expect(result.stderr.contains("falco-\(v)-bpf-src-x86.tar.gz: not signed (no falco-\(v)-bpf-src-x86.tar.gz.asc)"),
                "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")

        let rpm = "falco-\(v)-bpf-x86_64.rpm"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: copy + "/" + rpm)))
        let summary = Array("container native".utf8)
        let at = try #require((2000..<(bytes.count - summary.count)).first { Array(bytes[$0..<$0 + summary.count]) == summary })
        bytes[at] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: copy + "/" + rpm))
        let header = try run([falcopackExecutable(), "verify", copy, "--public-key", key.publicKey], in: repositoryRoot())
        #expect(header.stderr.contains("\(rpm): the signature over header does not verify"), "\(header.stderr)")
    }

    @Test func inspectShowsWhoSignedAndWhen() throws {
        let rpm = try falcopack(["inspect", release.path("falco-\(v)-module-x86_64.rpm"), "--public-key", key.publicKey]).output
        #expect(rpm.contains("Signature: header: RSA/SHA256, key \(key.fingerprint) (Falco Test Signing <signing@falco.example>), made "),
                "\(rpm)")
        #expect(rpm.contains(": good"))
        let deb = try falcopack(["inspect", release.path("falco-\(v)-bpf-amd64.deb")]).output
        #expect(deb.contains("Signature: debian-binary, control.tar.xz and data.tar.xz: RSA/SHA256, key \(key.fingerprint), made "))
        let tarball = try falcopack(["inspect", release.path("falco-\(v)-bin-x86.tar.gz"), "--json"]).output
        #expect(tarball.contains("\"key_id\" : \"\(key.keyID)\""), "\(tarball)")
    }
}
