import ByteIO
import FormatSeam
import Foundation
import Signing

/// The life of a published repository after its releases are in: taking one out, rotating the signing key. Both
/// read the repository's settings from its record and commit as `publish` does.
public enum RepositoryOperations {
    /// Takes `versions` out: their packages out of every format's indexes (the files stay while the previous
    /// generation of indexes names them), their folders out of `files/`, their sections out of the page.
    /// - Parameter product: whose releases they are, in a repository of several; nil: the repository's first.
    public static func remove(_ versions: [String], product: String? = nil, repository: String,
                              formats: [any ArtifactFormat], signer: Signer,
                              previous: [Signer] = [], date: Int64) throws -> Publisher.Report {
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        let record = try RepositoryRecord.require(root)
        let products = record.knownProducts
        // Without --product, the repository's first.
        let named = product ?? products.first?.name
        guard let taken = products.first(where: { $0.name == named }) else {
            throw RepositoryError(path: root, reason: "holds no product \(named ?? "") (it holds \(products.map(\.name).joined(separator: ", ")))")
        }
        var run = Publisher.Run(repository: root, formats: formats, settings: try record.settings(date: date), signer: signer,
                                previous: previous, url: record.url, operation: .remove, products: products)
        run.removing = versions.map(taken.slot)
        return try Publisher.commit(run)
    }

    /// Signs the repository and everything in it with `signer`, the indexes also with `previous` while clients
    /// move to the new key; with `retire`, the indexes and key file drop every key but `signer`.
    public static func rotate(repository: String, formats: [any ArtifactFormat], signer: Signer, previous: [Signer],
                              retire: Bool, date: Int64) throws -> Publisher.Report {
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        let record = try RepositoryRecord.require(root)
        let run = Publisher.Run(repository: root, formats: formats, settings: try record.settings(date: date), signer: signer,
                                previous: retire ? [] : previous, url: record.url, operation: retire ? .retire : .rotate,
                                products: record.knownProducts)
        return try Publisher.commit(run)
    }
}
