// Compresses one file with falcopack's encoders, for Benchmarks/codecs.sh to time against the codec CLIs.
//   codec-bench [--units] CODEC INPUT OUTPUT
// --units goes through the block compressor (the file as one content segment) instead of a plain stream.
// Only the encoders are timed: the input is not hashed (a build hashes each file once, separately).
import BlockCompression
import ByteIO
import Codecs
import Glibc

var arguments = Array(CommandLine.arguments.dropFirst())
let units = arguments.first == "--units"
if units { arguments.removeFirst() }
guard arguments.count == 3 else {
    FileHandle.standardError("usage: codec-bench [--units] CODEC INPUT OUTPUT\n")
    exit(2)
}

do {
    let codec = try Codec(parsing: arguments[0])
    var status = stat()
    guard stat(arguments[1], &status) == 0 else { throw IOError("stat", path: arguments[1], errno: errno) }
    let unhashed = FileDigests(size: UInt64(status.st_size), sha256: [], md5: nil)
    let input = FileContent(path: arguments[1], digests: unhashed)
    unlink(arguments[2])
    let output = try FileWriter(creating: arguments[2])
    if units {
        let compressor = try BlockCompressor(codec: codec, sink: output)
        try compressor.content(input)
        try compressor.finish()
    } else {
        let compressor = try StreamCompressor(codec: codec, sink: output)
        try compressor.content(input)
        try compressor.finish()
    }
    try output.close()
} catch {
    FileHandle.standardError("codec-bench: \(error)\n")
    exit(1)
}

enum FileHandle {
    static func standardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(2, &bytes, bytes.count)
    }
}
