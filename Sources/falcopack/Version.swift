import ArchiveFormats
import Codecs

/// falcopack's own version, printed by `falcopack --version`.
let falcopackVersion = "0.1.0"

/// `falcopack --version`: falcopack's version and the C libraries it links, which decide the bytes it writes.
var versionText: String {
    let libraries = [("libarchive", ArchiveReader.libraryVersion)] + Codec.libraries
    return "falcopack \(falcopackVersion)\n" + libraries.map { "\($0.0) \($0.1)" }.joined(separator: "\n")
}
