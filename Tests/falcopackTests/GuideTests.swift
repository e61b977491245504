import Foundation
import Testing
import TestSupport

/// docs/guide.md, run: every `sh` block in order, in one shell that stops at the first failure, with the settings
/// block pointing at the demo inputs, a key made by gpg, a repository folder and an OCI "registry" of the test's own.
@Suite struct GuideTests {
    @Test func everyCommandOfTheGuideRuns() throws {
        let guide = try String(contentsOfFile: repositoryRoot() + "/docs/guide.md", encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```sh" { current = [] } else if line == "```", let block = current {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        #expect(blocks.count >= 8)
        #expect(blocks[0].contains("VERSION=") && blocks[0].contains("REGISTRY="), "the first block is the settings")

        // A folder that looks like a checkout: the spec and payloads, the demo inputs and bases beside them.
        let work = try TemporaryDirectory()
        let root = repositoryRoot()
        try runChecked(["cp", "-r", root + "/Specs", root + "/Payloads", work.path])
        try FileManager.default.createSymbolicLink(atPath: work.file(".cache"), withDestinationPath: root + "/.cache")
        try FileManager.default.createDirectory(atPath: work.file("registry"), withIntermediateDirectories: false)
        let key = try SigningKey.shared.get()
        let bases = try ImageBases.environment()
        let settings = """
            VERSION=0.28.1
            FALCO_BIN="\(root)/.cache/demo/falco"
            FALCO_BIN_ARM64="\(root)/.cache/demo/aarch64/falco"
            DRIVER_SRC="\(root)/.cache/scap/driver"
            export FALCOPACK_SIGNING_KEY="\(key.secretKey)"
            export FALCOPACK_SIGNING_PASSPHRASE="\(SigningKey.passphrase)"
            REPO="\(work.path)/repository"
            REGISTRY="oci:\(work.path)/registry"
            """
        let script = (["set -euo pipefail", "export PATH=\"\(productsDirectory()):$PATH\"", settings]
                      + bases.map { "export \($0.key)=\"\($0.value)\"" } + blocks.dropFirst()).joined(separator: "\n")
        let result = try run(["bash", "-c", script], in: work.path)
        #expect(result.status == 0, "the guide stopped: \(result.stderr.suffix(3000))")
        #expect(result.output.contains("follow the convention"), "\(result.output.suffix(2000))")
        #expect(result.output.contains("Signature verified"))
        #expect(FileManager.default.fileExists(atPath: work.path + "/registry/falco-builder/index.json"))
        #expect(FileManager.default.fileExists(atPath: work.path + "/repository/index.html"))
    }
}
