import Foundation
import Pipeline
import ReleaseLayout
import SpecFile
import FormatSeam

/// What a spec expects of a release folder, named in the scope the build named it in: the spec's variables, its
/// inputs as the command line and environment give them (defaults otherwise), and the hooks' values. The version
/// is the one the folder's names carry. Made once; `verify` and `publish` ask it for the layout of each version.
public final class ReleaseConvention: @unchecked Sendable {
    public let spec: Spec
    public let formats: [any ArtifactFormat]
    public let hooks: PlanHooks
    private let base: Scope
    private let finder: ReleaseLayout.VersionFinder

    public init(spec: Spec, formats: [any ArtifactFormat], inputs: ResolvedInputs, hooks: PlanHooks = PlanHooks()) throws {
        self.spec = spec
        self.formats = formats
        self.hooks = hooks
        base = try BuildScope.base(spec: spec, inputs: inputs, hooks: hooks)
        finder = try ReleaseLayout.VersionFinder(spec: spec, formats: formats, base: base)
    }

    /// The version that explains the most of `names`.
    public func version(explaining names: [String]) -> String? { finder.version(explaining: names) }

    /// `template` in the spec's scope, with the inputs as given.
    public func expand(_ template: Template) throws -> String {
        try template.expand(in: base.child())
    }

    /// The release of `version`, every artifact named.
    public func layout(version: String) throws -> ReleaseLayout {
        // Each layout expands in a scope of its own; the base is only read (the hooks guard what they cache).
        let scope = base.child()
        scope.set("version", version)
        return try ReleaseLayout(spec: spec, formats: formats, base: scope)
    }
}
