import SpecFile

/// The variables one artifact adds to the spec's: the same for the planner, which writes the artifact, and for
/// `verify`, which expects its name.
public enum ArtifactScope {
    public static func package(_ base: Scope, spec: Spec, format: String, variant: Variant) throws -> Scope {
        let scope = base.child()
        scope.set("format", format)
        scope.set("variant", variant.name)
        scope.set("arch", format == "deb" ? spec.package.architecture.debianName : spec.package.architecture.rpmName)
        scope.set("package", try variant.package.expand(in: scope))
        return scope
    }

    public static func tarball(_ base: Scope, spec: Spec, kind: TarballKind) throws -> Scope {
        let scope = base.child()
        scope.set("format", "tar")
        scope.set("kind", kind.name)
        scope.set("package", try spec.package.name.expand(in: scope))
        scope.set("arch", try spec.tarballs?.arch?.expand(in: scope) ?? spec.package.architecture.rpmName)
        return scope
    }
}
