import Codecs
import FalcoArtifacts
import Foundation
import Pipeline
import Release
import Signing

/// The whole publish update path under the fuzzer: a repository holding one release, whose indexes (`Packages`,
/// `Release`, `repomd.xml`, primary, filelists, other, the release manifest) are replaced by the input's parts, then
/// a second release published into it with `--keep` and `--replace` as the input's first byte says. Publishing may
/// refuse; it must not crash, hang or allocate by what an index claims.
enum PublishFuzz {
    /// Between two parts of an input.
    static let separator: [UInt8] = Array("\n%%falcopack-part%%\n".utf8)

    /// Made once per process under the scratch folder: the spec, the key, two signed releases, and the repository
    /// holding the first, which each input starts from.
    struct Fixture: @unchecked Sendable {
        var folder: String
        var convention: ReleaseConvention
        var signer: Signer
        var template: String
        var second: String
        /// The index files an input replaces, relative to the repository, in the order of its parts.
        var indexes: [String]

        /// The input that leaves every index as published: what the fuzzer starts from.
        func seed() throws -> [UInt8] {
            var bytes: [UInt8] = [0]
            for (index, file) in indexes.enumerated() {
                if index > 0 { bytes += separator }
                var data = Array(try Data(contentsOf: URL(fileURLWithPath: template + "/" + file)))
                if file.hasSuffix(".gz") {
                    var reader = RunCompressor(codec: .gzip(level: 1))
                    data = try reader.learn(data, limit: 16 << 20)
                }
                bytes += data
            }
            return bytes
        }
    }

    nonisolated(unsafe) static let fixture: Result<Fixture, Error> = Result { try makeFixture() }
    static let runs = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
    }

    /// Publishes the second release into the repository the input describes: what it reported, or why it refused.
    static func publish(_ input: [UInt8]) throws -> Publisher.Report {
        let fixture = try fixture.get()
        // A folder of its own: the tests publish through this target from more than one thread.
        let repository = fixture.folder + "/repository-" + String(runs.next())
        try? FileManager.default.removeItem(atPath: repository)
        try FileManager.default.copyItem(atPath: fixture.template, toPath: repository)
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let flags = input.first ?? 0
        for (file, part) in zip(fixture.indexes, parts(of: input.dropFirst())) {
            var data = Array(part)
            if file.hasSuffix(".gz") {
                data = (try? RunCompressor(codec: .gzip(level: 1)).compress([data])) ?? data
            }
            let path = repository + "/" + file
            try? FileManager.default.removeItem(atPath: path)
            FileManager.default.createFile(atPath: path, contents: Data(data))
        }
        let keep: Int? = [nil, 1, 2][Int(flags % 3)]
        return try Publisher.publish(Publisher.Request(
            releases: [fixture.second], repository: repository, convention: fixture.convention, signer: fixture.signer,
            keep: keep, replace: flags & 0x80 != 0, date: 1_700_000_000))
    }

    static func parts(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var at = start
        while at + separator.count <= bytes.endIndex {
            if bytes[at..<(at + separator.count)].elementsEqual(separator) {
                parts.append(bytes[start..<at])
                at += separator.count
                start = at
            } else {
                at += 1
            }
        }
        parts.append(bytes[start...])
        return parts
    }

    static func makeFixture() throws -> Fixture {
        // Beside the readers' scratch folder, which they empty after every input.
        let folder = FuzzHarness.scratchPath + "-publish"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("a fuzzed gadget\n".utf8).write(to: URL(fileURLWithPath: folder + "/readme.txt"))
        let spec = """
            spec-version: 1
            source-date-epoch: 1700000000
            inputs:
              version: {help: version, default: "1.0.0"}
              signing-key: {help: key, required: false}
            package:
              name: gadget
              version: "{{ version }}"
              architecture: x86_64
              maintainer: Gadget Makers <gadget@example.org>
              summary: a gadget
              description: A gadget the publish fuzzer publishes.
              license: MIT
            contents:
              - {src: \(folder)/readme.txt, dst: /usr/share/gadget/readme.txt}
            variants:
              plain: {package: gadget, default: true}
            deb:
              file: gadget-{{ version }}-{{ arch }}.deb
              compression: gzip:1
            rpm:
              file: gadget-{{ version }}-{{ arch }}.rpm
              release: "1"
              compression: gzip:1
            tarballs:
              compression: gzip:1
              kinds:
                bin:
                  file: gadget-{{ version }}-{{ arch }}.tar.gz
                  contents: [{src: \(folder)/readme.txt, dst: readme.txt}]
            signing:
              key: "{{ signing-key }}"
            """
        let specPath = folder + "/gadget.yaml"
        try Data(spec.utf8).write(to: URL(fileURLWithPath: specPath))
        let generated = try KeyGeneration.generate(.ed25519, userID: "Fuzz <fuzz@example.org>", created: 1_600_000_000)
        let keyPath = folder + "/key.asc"
        try Data(try generated.armoredSecretKey(passphrase: nil).utf8).write(to: URL(fileURLWithPath: keyPath))
        for version in ["1.0.0", "1.0.1"] {
            _ = try FalcoBuild.build(FalcoBuild.Options(specPath: specPath, inputFlags: ["version": [version], "signing-key": [keyPath]],
                                                        environment: [:], outputDirectory: folder + "/" + version, jobs: 1),
                                     selection: Selection.everything(in:), onEvent: { _ in })
        }
        let convention = try FalcoBuild.convention(specPath: specPath, environment: [:])
        let signer = try SigningKeys.signer(key: keyPath, passphrase: nil, notBefore: 1_700_000_000)
        let template = folder + "/template"
        _ = try Publisher.publish(Publisher.Request(releases: [folder + "/1.0.0"], repository: template, convention: convention,
                                                    signer: signer, date: 1_700_000_000))
        let repodata = try FileManager.default.contentsOfDirectory(atPath: template + "/rpm/repodata")
        let metadata = ["primary", "filelists", "other"].compactMap { kind in
            repodata.first { $0.hasSuffix("-\(kind).xml.gz") }.map { "rpm/repodata/" + $0 }
        }
        return Fixture(folder: folder, convention: convention, signer: signer, template: template, second: folder + "/1.0.1",
                       indexes: ["deb/dists/stable/main/binary-amd64/Packages", "deb/dists/stable/Release",
                                 "rpm/repodata/repomd.xml"] + metadata + ["files/gadget/1.0.0/release.json"])
    }
}
