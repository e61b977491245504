import ByteIO
import Codecs
import FormatSeam
import Foundation
import PackageModel

/// Writes one artifact with `format` to `path` the way the pipeline does: into a temporary name, renamed on
/// success and removed on failure, so a test that expects a refusal can check that nothing is left.
@discardableResult
public func writeArtifact(_ format: any ArtifactFormat, _ package: Package, codec: Codec? = nil, to path: String,
                          sourceDateEpoch: Int64, scratch: String) throws -> String {
    let temporary = path + ".part"
    let writer = try FileWriter(creating: temporary)
    do {
        let artifact = Artifact(package: package, codec: codec ?? format.defaultCodec)
        try format.write(artifact, to: writer, context: WriteContext(build: BuildContext(sourceDateEpoch: sourceDateEpoch),
                                                                      scratch: ScratchFolder(path: scratch)))
        try writer.close()
    } catch {
        unlink(temporary)
        throw error
    }
    guard rename(temporary, path) == 0 else { throw ToolError(description: "rename \(temporary): \(errno)") }
    return path
}
