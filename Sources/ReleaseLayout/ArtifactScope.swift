import FormatSeam
import PackageModel
import SpecFile

/// The variables one artifact adds to the spec's, for `ReleaseLayout` to name it and the planner to fill it.
public enum ArtifactScope {
    /// The variables of one architecture: its value of every input declared per architecture, and
    /// `architecture` (x86_64, aarch64).
    public static func architecture(_ base: Scope, spec: Spec, _ architecture: Architecture) -> Scope {
        let scope = base.child()
        scope.set("architecture", architecture.rawValue)
        for input in spec.inputs where input.perArchitecture {
            scope.alias(input.name, to: Scope.hiddenName(input.name, architecture.rawValue))
        }
        return scope
    }

    public static func package(_ base: Scope, spec: Spec, format: any ArtifactFormat, variant: Variant,
                               architecture: Architecture) throws -> Scope {
        let scope = Self.architecture(base, spec: spec, architecture)
        scope.set("format", format.name)
        scope.set("variant", variant.name)
        scope.set("arch", format.architectureName(architecture))
        scope.set("package", try variant.package.expand(in: scope))
        // The version as the format writes it, without an epoch: what file names carry. The scope holds the
        // closure, so the closure does not hold the scope.
        let release = spec.formats[format.name]?.release ?? spec.package.release
        scope.set("package-version", computed: { [unowned scope] in
            var version = try format.version(upstream: try spec.package.version.expand(in: scope),
                                             release: try release?.expand(in: scope))
            version.epoch = nil
            return version.description
        })
        return scope
    }

    /// A tarball of one architecture; one that holds no binary is named for the spec's first.
    public static func tarball(_ base: Scope, spec: Spec, tarball: Tarball, format: any ArtifactFormat,
                               architecture: Architecture) throws -> Scope {
        let scope = Self.architecture(base, spec: spec, architecture)
        scope.set("format", format.name)
        scope.set("kind", tarball.name)
        scope.set("package", try spec.package.name.expand(in: scope))
        scope.set("arch", try spec.tarballs?.arch(of: architecture)?.expand(in: scope) ?? format.architectureName(architecture))
        return scope
    }

    /// The images' archive and folder: named once for every image in them.
    public static func images(_ base: Scope, spec: Spec, format: any ArtifactFormat) throws -> Scope {
        let first = spec.package.architectures[0]
        let scope = Self.architecture(base, spec: spec, first)
        scope.set("format", format.name)
        scope.set("arch", format.architectureName(first))
        scope.set("package", try spec.package.name.expand(in: scope))
        return scope
    }

    /// The format a tarball is written in: the one whose file ending its name template ends with, as written
    /// (`.tar.gz`), so that it is known before the name is expanded.
    public static func format(of tarball: Tarball, among formats: [any ArtifactFormat]) throws -> any ArtifactFormat {
        guard let format = formats.claiming(tarball.file.text) else {
            throw SpecError(at: tarball.file.location,
                            "'\(tarball.file.text)' must end in one of \(formats.allSuffixes.joined(separator: ", "))")
        }
        return format
    }
}
