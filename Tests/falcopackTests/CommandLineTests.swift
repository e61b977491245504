import Testing
import TestSupport

/// The executable as a user runs it.
@Suite struct CommandLineTests {
    @Test func printsItsVersion() throws {
        let result = try runChecked([falcopackExecutable(), "--version"])
        #expect(result.output == "0.1.0\n")
    }

    @Test func helpDescribesTheTool() throws {
        let result = try runChecked([falcopackExecutable(), "--help"])
        #expect(result.output.contains("USAGE: falcopack"))
        #expect(result.output.contains("deb, rpm and tar.gz"))
    }

    @Test func unknownFlagFailsWithAMessage() throws {
        let result = try run([falcopackExecutable(), "--no-such-flag"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--no-such-flag'"))
    }
}
