import PackageModel
import SpecFile

/// The inputs a selection uses, checked together before anything is planned: a build missing several names them
/// all in one line, rather than one per run. An input no selected artifact uses is not checked (`falcopack deb`
/// needs no image base).
enum InputCheck {
    static func check(_ request: BuildRequest, architectures: Set<Architecture>) throws {
        let spec = request.spec
        let selection = request.selection
        var parts: [Any] = [spec.signing as Any]
        if !selection.packages.isEmpty || !selection.images.isEmpty {
            parts.append(spec.contents)
            for (format, variants) in selection.packages {
                parts.append(spec.formats[format] as Any)
                parts.append(spec.variants.filter { variants.contains($0.name) })
            }
        }
        for name in selection.tarballs { parts.append(spec.tarballs?.kinds.first { $0.name == name } as Any) }
        // The images take files from the variants, and their bases and layers from their own sections.
        if !selection.images.isEmpty { parts += [spec.images as Any, spec.variants, spec.formats] }
        if selection.checksums { parts.append(spec.sbom as Any) }

        var used = Set<String>()
        var pending = parts.flatMap(templates(in:)).flatMap { (try? $0.variables()) ?? [] }
        let variables = Dictionary(spec.variables.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        while let name = pending.popLast() {
            guard used.insert(name).inserted else { continue }
            if let template = variables[name] { pending += (try? template.variables()) ?? [] }
            if name.hasPrefix("driver.") { pending += templates(in: spec.driver as Any).flatMap { (try? $0.variables()) ?? [] } }
        }

        var problems: [(input: InputValue, architecture: Architecture?)] = []
        for input in spec.inputs where used.contains(input.name) {
            if let byArchitecture = request.inputs.perArchitecture[input.name] {
                for architecture in byArchitecture.keys.sorted() where architectures.contains(architecture) {
                    if let value = byArchitecture[architecture], value.problem != nil { problems.append((value, architecture)) }
                }
            } else if let value = request.inputs.values[input.name], value.problem != nil {
                problems.append((value, nil))
            }
        }
        // One is reported where it is first used, with all it has to say; several at once, one line.
        guard problems.count > 1 else { return }
        let named = problems.map { input, architecture in
            let declaration = input.declaration
            let flag = "--\(declaration.name) " + (architecture.map { "\($0.rawValue)=" } ?? "")
                + (declaration.type == .directory ? "DIR" : declaration.type == .image ? "IMAGE" : declaration.type == .file ? "PATH" : "VALUE")
            return flag + (input.value.isEmpty ? " (not set)" : " ('\(input.value)' from \(input.origin) is not there)")
        }
        throw SpecError(.input, at: SourceLocation(file: spec.file),
                        "\(problems.count) inputs are missing: " + named.joined(separator: ", ")
                        + "; give each by its flag or environment variable"
                        + (problems.contains { $0.input.declaration.type == .image }
                           ? " (images need their bases: `falcopack all --no-images` leaves the images out)" : ""))
    }

    /// Every template inside a part of the spec, however deep.
    private static func templates(in value: Any) -> [Template] {
        if let template = value as? Template { return [template] }
        return Mirror(reflecting: value).children.flatMap { templates(in: $0.value) }
    }
}
