import FormatSeam
import SpecFile

/// The variables one artifact adds to the spec's, for `ReleaseLayout` to name it and the planner to fill it.
public enum ArtifactScope {
    public static func package(_ base: Scope, spec: Spec, format: any ArtifactFormat, variant: Variant) throws -> Scope {
        let scope = base.child()
        scope.set("format", format.name)
        scope.set("variant", variant.name)
        scope.set("arch", format.architectureName(spec.package.architecture))
        scope.set("package", try variant.package.expand(in: scope))
        return scope
    }

    public static func tarball(_ base: Scope, spec: Spec, tarball: Tarball, format: any ArtifactFormat) throws -> Scope {
        let scope = base.child()
        scope.set("format", format.name)
        scope.set("kind", tarball.name)
        scope.set("package", try spec.package.name.expand(in: scope))
        scope.set("arch", try spec.tarballs?.arch?.expand(in: scope) ?? format.architectureName(spec.package.architecture))
        return scope
    }

    /// The images' archive and folder: named once for every image in them.
    public static func images(_ base: Scope, spec: Spec, format: any ArtifactFormat) throws -> Scope {
        let scope = base.child()
        scope.set("format", format.name)
        scope.set("arch", format.architectureName(spec.package.architecture))
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
