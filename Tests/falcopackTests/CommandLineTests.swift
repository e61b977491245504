import Foundation
import Testing
import TestSupport

/// The executable as a user runs it.
@Suite struct CommandLineTests {
    /// Its version, and those of the C libraries that decide its bytes, as Debian's bsdtar reports the same ones.
    @Test func printsItsVersionAndItsLibraries() throws {
        let lines = try runChecked([falcopackExecutable(), "--version"]).output.split(separator: "\n")
        #expect(lines.first == "falcopack 0.1.0")
        let names = lines.dropFirst().map { $0.split(separator: " ")[0] }
        #expect(names == ["libarchive", "zlib", "liblzma", "libzstd"])
        let bsdtar = try runChecked(["bsdtar", "--version"]).output
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ")
            let spelled = parts[0] == "libarchive" ? "libarchive \(parts[1])" : "\(parts[0])/\(parts[1])"
            #expect(bsdtar.contains(spelled), "\(line) against \(bsdtar)")
        }
    }

    @Test func helpDescribesTheTool() throws {
        let result = try runChecked([falcopackExecutable(), "--help"])
        #expect(result.output.contains("USAGE: falcopack"))
        #expect(result.output.contains("deb, rpm and tar.gz release artifacts and container"))
    }

    @Test func unknownFlagFailsWithAMessage() throws {
        let result = try run([falcopackExecutable(), "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--no-such-flag'"))
    }

    @Test func helpDocumentsTheExitCodesAndCommands() throws {
        let result = try runChecked([falcopackExecutable(), "--help"])
        for command in ["deb", "rpm", "tar", "image", "all", "inspect", "verify", "schema"] {
            #expect(result.output.contains("  \(command) "), "\(command)")
        }
        let text = result.output.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("65 the spec is wrong; 66 an input is missing or wrong"))
        let deb = try runChecked([falcopackExecutable(), "deb", "--help"]).output
        #expect(deb.contains("--driver <driver>") && deb.contains("--falco-bin PATH") && deb.contains("--compression"))
    }

    @Test func schemaPrintsJSON() throws {
        let result = try runChecked([falcopackExecutable(), "schema"])
        let object = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        #expect(object?["title"] as? String == "falcopack spec")
    }

    /// Under a terminal (util-linux `script` gives one) the build shows a progress line on stderr.
    @Test func showsProgressOnATerminal() throws {
        let work = try TemporaryDirectory()
        let command = "\(falcopackExecutable()) tar --bpf-src --out \(work.path)/dist"
        let result = try run(["script", "-qec", command, "/dev/null"], in: repositoryRoot())
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("writing falco-0.28.1-bpf-src-x86.tar.gz"))
        #expect(result.output.contains("[1/1]"))
    }
}
