import ByteIO
import Foundation
import Testing
import TestSupport

@Suite struct DigestTests {
    @Test func knownAnswersForABC() {
        // FIPS 180-2 and RFC 1321 test vectors.
        let digests = FileDigests.compute(bytes: Array("abc".utf8))
        #expect(digests.sha256Hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digests.md5Hex == "900150983cd24fb0d6963f7d28e17f72")
        #expect(digests.size == 3)
    }

    @Test func knownAnswersForEmptyInput() {
        let digests = FileDigests.compute(bytes: [])
        #expect(digests.sha256Hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digests.md5Hex == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func fileDigestsMatchCoreutils() throws {
        let dir = try TemporaryDirectory()
        // Two whole chunks (hashed on two threads) and a partial one.
        let path = try dir.write("payload", SampleData.bytes(count: (2 << 20) + 12345))
        let digests = try FileDigests.compute(path: path)
        func tool(_ name: String) throws -> String {
            String(try runChecked([name, path]).output.prefix { $0 != " " })
        }
        #expect(digests.sha256Hex == (try tool("sha256sum")))
        #expect(digests.md5Hex == (try tool("md5sum")))
        #expect(digests.size == UInt64((2 << 20) + 12345))
    }

    @Test func missingFileNamesThePath() {
        let error = #expect(throws: IOError.self) { _ = try FileDigests.compute(path: "/nonexistent/falco") }
        #expect(error?.description == "open '/nonexistent/falco': No such file or directory")
    }
}
