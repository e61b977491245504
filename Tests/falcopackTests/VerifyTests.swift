import Foundation
import Testing
import TestSupport

/// `verify` shown a copy of the release with one thing wrong: it exits 1 and names the file and the problem.
@Suite struct VerifyTests {
    let release: Release
    let v = Release.version

    init() throws { release = try Release.shared.get() }

    /// A copy of the release (hard links kept), changed by `damage`, and what `verify` says of it.
    func verify(after damage: (String) throws -> Void) throws -> ToolResult {
        let work = try TemporaryDirectory()
        let copy = work.file("dist")
        try runChecked(["cp", "-a", release.dist, copy])
        try damage(copy)
        return try run([falcopackExecutable(), "verify", copy], in: repositoryRoot())
    }

    func expectProblem(_ result: ToolResult, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("falcopack: verify: \(text)"), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func aMissingArtifact() throws {
        let result = try verify { try FileManager.default.removeItem(atPath: $0 + "/falco-\(v)-bpf-amd64.deb") }
        expectProblem(result, "falco-\(v)-bpf-amd64.deb: missing (expected for version \(v))")
    }

    @Test func anAliasThatDiffers() throws {
        let alias = "falco-\(v)-amd64.deb"
        let result = try verify { dist in
            try FileManager.default.removeItem(atPath: dist + "/" + alias)
            try FileManager.default.copyItem(atPath: dist + "/falco-\(v)-bpf-amd64.deb", toPath: dist + "/" + alias)
        }
        expectProblem(result, "\(alias): not byte-identical to falco-\(v)-module-amd64.deb")
        expectProblem(result, "\(alias): the package name inside is 'falco-bpf', expected 'falco'")
    }

    @Test func aWrongDigestInSHA256SUMS() throws {
        let name = "falco-\(v)-src-x86.tar.gz"
        let result = try verify { dist in
            let sums = try String(contentsOfFile: dist + "/SHA256SUMS", encoding: .utf8)
            let changed = sums.split(separator: "\n").map { line in
                line.hasSuffix(name) ? String(repeating: "0", count: 64) + "  " + name : String(line)
            }
            try (changed.joined(separator: "\n") + "\n").write(toFile: dist + "/SHA256SUMS", atomically: true, encoding: .utf8)
        }
        expectProblem(result, "\(name): SHA-256 is ")
        #expect(result.stderr.contains("SHA256SUMS says \(String(repeating: "0", count: 64))"))
    }

    @Test func aBinaryInASourcesOnlyTarball() throws {
        let name = "falco-\(v)-src-x86.tar.gz", top = "falco-\(v)-src-x86"
        let result = try verify { dist in
            let tree = dist + "/../tree"
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
            try runChecked(["tar", "-xzf", dist + "/" + name, "-C", tree])
            try FileManager.default.copyItem(atPath: "/bin/true", toPath: tree + "/" + top + "/driver/notes.txt")
            try runChecked(["tar", "-czf", dist + "/" + name, "-C", tree, top])
        }
        expectProblem(result, "\(name): a source tarball holds binaries: \(top)/driver/notes.txt (ELF")
    }

    @Test func aPackageWhoseVersionInsideDiffersFromItsName() throws {
        let next = try Release.next.get()
        let name = "falco-\(v)-bpf-amd64.deb"
        let result = try verify { dist in
            try FileManager.default.removeItem(atPath: dist + "/" + name)
            try FileManager.default.copyItem(atPath: next.path("falco-\(next.version)-bpf-amd64.deb"), toPath: dist + "/" + name)
        }
        expectProblem(result, "\(name): the version inside is '\(next.version)', expected '\(v)'")
    }

    @Test func aMisnamedFile() throws {
        let result = try verify { dist in
            try FileManager.default.moveItem(atPath: dist + "/falco-\(v)-bpf-x86_64.rpm", toPath: dist + "/falco_\(v)_bpf.rpm")
        }
        expectProblem(result, "falco_\(v)_bpf.rpm: not a name the convention gives for version \(v)")
        expectProblem(result, "falco-\(v)-bpf-x86_64.rpm: missing (expected for version \(v))")
    }
}
