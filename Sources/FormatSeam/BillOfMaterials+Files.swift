import ByteIO
import PackageModel
import SBOM

extension BillOfMaterials.File {
    /// The regular files of a file list with their digests, paths relative to the artifact's root. Contents on disk
    /// were hashed when the artifact was written; the memo gives those digests without reading them again.
    public static func listing(_ files: [PackageFile], under root: String = "") throws -> [BillOfMaterials.File] {
        var out: [BillOfMaterials.File] = []
        for file in files {
            let digests: FileDigests
            switch file.type {
            case .regular(let source): digests = try FileContent(path: source).digests
            case .generated(let bytes): digests = FileDigests.compute(bytes: bytes)
            default: continue
            }
            var path = root.isEmpty ? file.path : root + "/" + file.path
            while path.hasPrefix("/") { path.removeFirst() }
            out.append(BillOfMaterials.File(path: path, sha256: digests.sha256Hex, sha1: digests.sha1Hex ?? ""))
        }
        return out.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
    }
}
