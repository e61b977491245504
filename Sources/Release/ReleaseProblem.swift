/// One thing wrong with a release folder, by the file it concerns: what `verify` reports and what stops `publish`.
/// Printed as `ARTIFACT: MESSAGE`; `--json` gives each as an object.
public struct ReleaseProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The folder or the spec cannot name the release's artifacts.
        case naming
        /// A release rule (the version in every name, OCI tags, one name per artifact).
        case rule
        /// A name the convention expects is not there.
        case missing
        /// A file the convention does not name for this version.
        case unexpected
        /// A file cannot be read, or is not what its ending says.
        case unreadable
        /// Inside an artifact: a digest its own index gives, a tag it lacks.
        case content
        /// The package's name, version or architecture inside differs from its file name's.
        case identity
        /// An alias is not byte-identical to what it copies.
        case alias
        /// A tarball's entry outside its top folder, or a binary in a sources-only tarball.
        case tarball
        /// `SHA256SUMS`: missing, malformed, a file it lacks, a digest that differs.
        case checksums
        /// A signature missing, unreadable, over other bytes, or by another key.
        case signature
    }

    public var artifact: String?
    public var kind: Kind
    public var message: String

    public init(_ artifact: String?, _ kind: Kind, _ message: String) {
        self.artifact = artifact
        self.kind = kind
        self.message = message
    }

    public var description: String { artifact.map { "\($0): \(message)" } ?? message }
}

import ReleaseLayout

extension ReleaseProblem {
    /// A broken release rule, as a problem of the artifact it concerns.
    public init(violation: ReleaseLayout.Violation) {
        self.init(violation.artifact, .rule, violation.message)
    }
}
