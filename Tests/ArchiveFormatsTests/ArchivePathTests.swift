import ArchiveFormats
import Testing

@Suite struct ArchivePathTests {
    @Test(arguments: ["../etc/passwd", "usr/../../x", "/usr/bin/falco", "usr//bin", "./usr", "usr/./bin", "a\0b"])
    func rejectsPathsThatEscapeOrAreAmbiguous(path: String) {
        let error = #expect(throws: ArchiveError.self) {
            _ = try ArchiveEntry(path: path, type: .directory, permissions: 0o755, mtime: 0)
        }
        #expect(error?.description.hasPrefix("archive entry '") == true)
    }

    @Test func rootOnlyForDirectories() throws {
        _ = try ArchiveEntry(path: "", type: .directory, permissions: 0o755, mtime: 0)
        #expect(throws: ArchiveError.self) {
            _ = try ArchiveEntry(path: "", type: .regular(.bytes([])), permissions: 0o644, mtime: 0)
        }
    }

    @Test func rejectsModeBitsBeyondPermissions() {
        #expect(throws: ArchiveError.self) {
            _ = try ArchiveEntry(path: "x", type: .regular(.bytes([])), permissions: 0o100644, mtime: 0)
        }
    }
}
