import Foundation
import SBOM
import Signing

/// A signature inside an artifact, read back: what it signs and how to hash that, for `verify` and `inspect`.
public struct EmbeddedSignature: Sendable {
    /// What it signs, for messages: `header`, `debian-binary, control and data`, an image reference.
    public var subject: String
    public var signature: Signature
    /// Feeds the signed bytes to a hasher.
    public var feed: @Sendable (inout Digester) throws -> Void
    /// Something wrong with what the signature states, apart from the signature itself (a signed image
    /// signature naming another manifest); nil when nothing is.
    public var problem: String?

    public init(subject: String, signature: Signature, problem: String? = nil,
                feed: @escaping @Sendable (inout Digester) throws -> Void) {
        self.subject = subject
        self.signature = signature
        self.problem = problem
        self.feed = feed
    }
}

/// What writers tell the release about the things inside their artifacts that the plan does not know until they
/// are written (an image's manifest digest, its base's digest), for the bill of materials.
public final class ArtifactNotes: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [BillOfMaterials.Item] = []

    public init() {}

    public func add(_ item: BillOfMaterials.Item) {
        lock.withLock { items.append(item) }
    }

    public var described: [BillOfMaterials.Item] { lock.withLock { items } }
}
