import Foundation
import ReleaseLayout
import SpecFile

/// The variables a build names and fills its artifacts with: the inputs (a wrong one reported only when used), the
/// spec's folder and variables, and what the convention's hooks add. `verify` and `publish` name a release in the
/// same scope, so a name that builds also verifies.
public enum BuildScope {
    public static func base(spec: Spec, inputs: ResolvedInputs, hooks: PlanHooks) throws -> Scope {
        let base = Scope()
        for (name, input) in inputs.values {
            base.set(name, computed: {
                if let problem = input.problem { throw problem }
                return input.value
            })
        }
        // An input per architecture is visible under its own name only where an artifact's architecture is known.
        for (name, byArchitecture) in inputs.perArchitecture {
            for (architecture, input) in byArchitecture {
                base.set(Scope.hiddenName(name, architecture.rawValue), computed: {
                    if let problem = input.problem { throw problem }
                    return input.value
                })
            }
            let declaration = spec.inputs.first { $0.name == name }!
            base.set(name, computed: {
                throw SpecError(at: declaration.location,
                                "input '\(name)' has one value per architecture; use it where an artifact's architecture is known")
            })
        }
        // The spec's own folder, for contents shipped beside it.
        base.set("spec-dir", SpecPath.absolute(spec.directory.isEmpty ? "." : spec.directory, base: ""))
        for (name, value) in spec.variables { base.set(name, template: value) }
        try hooks.prepare(base)
        return base
    }

    /// Where a template's value came from: the flag or variable of an input it uses (an input mistake), else its
    /// spec line (a spec mistake).
    public static func origin(of template: Template, inputs: ResolvedInputs) -> (SourceLocation, SpecError.Category) {
        for name in (try? template.variables()) ?? [] {
            guard let input = inputs.values[name] else { continue }
            switch input.origin {
            case .flag, .environment: return (input.location, .input)
            case .specDefault, .unset: return (input.location, .spec)
            }
        }
        return (template.location, .spec)
    }
}
