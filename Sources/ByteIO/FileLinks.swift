import Glibc

/// New files made from others without writing their bytes again where the file system allows.
public enum FileLinks {
    /// `source` as the new file `path`: a hard link where the two share a file system, else a copy. falcopack never
    /// writes a file in place, so a link shares bytes that never change.
    public static func linkOrCopy(_ source: String, to path: String) throws {
        if link(source, path) == 0 { return }
        try fill(path) { writer in
            var info = stat()
            guard stat(source, &info) == 0 else { throw IOError("stat", path: source, errno: errno) }
            try FileReader(path: source).forEachChunk(offset: 0, length: UInt64(info.st_size)) { try writer.write($0) }
        }
    }

    /// Creates `path` and writes it whole through `body`, or leaves nothing.
    public static func fill(_ path: String, _ body: (FileWriter) throws -> Void) throws {
        let writer = try FileWriter(creating: path)
        do {
            try body(writer)
            try writer.close()
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Whether the two paths name one file (a hard link, or the same name).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }
}
