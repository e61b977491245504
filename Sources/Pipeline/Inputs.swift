import Foundation
import PackageModel
import SpecFile

/// Where an input's value came from, for messages that tell the user what to change.
public enum InputOrigin: Sendable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case specDefault(SourceLocation)
    case unset

    public var description: String {
        switch self {
        case .flag(let name): "--\(name)"
        case .environment(let name): "$\(name)"
        case .specDefault(let location): "the default at \(location.file):\(location.line ?? 0)"
        case .unset: "unset"
        }
    }
}

public struct InputValue: Sendable {
    public var declaration: InputDeclaration
    public var value: String
    public var origin: InputOrigin
    /// What is wrong with the value (a path that does not exist, an input that is not set), reported when the value
    /// is first used: a build that does not use an input does not need it.
    public var problem: SpecError?

    /// Where to point an error about the value: the flag or variable that set it, else the spec's declaration.
    public var location: SourceLocation { ResolvedInputs.location(declaration, origin) }
}

/// The inputs of a spec resolved in order of precedence: flag, environment variable, default. Paths given by
/// flag or environment are relative to the working folder, defaults to the spec's folder; files and folders
/// must exist once used.
public struct ResolvedInputs: Sendable {
    public var values: [String: InputValue]

    public init(spec: Spec, flags: [String: String], environment: [String: String],
                workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        for name in flags.keys where !spec.inputs.contains(where: { $0.name == name }) {
            let known = spec.inputs.map { "--\($0.name)" }.joined(separator: ", ")
            throw SpecError(.usage, at: SourceLocation(file: "--\(name)"),
                            "unknown option; \(spec.file) declares the inputs \(known)")
        }
        var values: [String: InputValue] = [:]
        let specScope = Scope()
        for input in spec.inputs {
            var value: String
            var origin: InputOrigin
            var problem: SpecError?
            if let flag = flags[input.name] {
                (value, origin) = (flag, .flag(input.name))
            } else if let variable = input.environment, let text = environment[variable] {
                (value, origin) = (text, .environment(variable))
            } else if let fallback = input.defaultValue {
                (value, origin) = (try fallback.expand(in: specScope), .specDefault(fallback.location))
            } else {
                (value, origin) = ("", .unset)
                if input.required {
                    problem = SpecError(.input, at: input.location, "input '\(input.name)' is not set: \(input.help) "
                                        + "(pass --\(input.name)\(input.environment.map { " or set \($0)" } ?? ""))")
                }
            }
            let base: String
            if case .specDefault = origin { base = spec.directory } else { base = workingDirectory }
            if problem == nil {
                do {
                    switch input.type {
                    case .string:
                        break
                    case .file, .directory:
                        value = Self.absolute(value, base: base)
                        try Self.checkExists(value, input: input, origin: origin)
                    case .image:
                        value = try Self.baseImage(value, base: base, input: input, origin: origin)
                    }
                } catch let error as SpecError {
                    problem = error
                }
            }
            values[input.name] = InputValue(declaration: input, value: value, origin: origin, problem: problem)
        }
        self.values = values
    }

    public subscript(name: String) -> String? { values[name]?.value }

    /// `path` made absolute against `base`, itself taken from the working folder when relative.
    static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let cwd = FileManager.default.currentDirectoryPath
        let root = base.hasPrefix("/") ? base : (base.isEmpty ? cwd : cwd + "/" + base)
        return ((root + "/" + path) as NSString).standardizingPath
    }

    /// A base image with its path made absolute and checked to exist; `scratch` as it is.
    static func baseImage(_ value: String, base: String, input: InputDeclaration, origin: InputOrigin) throws -> String {
        let image: BaseImage
        do {
            image = try BaseImage(parsing: value) { path in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: absolute(path, base: base), isDirectory: &isFolder)
                    && isFolder.boolValue
            }
        } catch let error as BaseImage.Invalid {
            throw SpecError(.input, at: location(input, origin), "input '\(input.name)' (\(origin)): \(error)")
        }
        guard let path = image.path else { return image.description }
        let resolved = absolute(path, base: base)
        guard FileManager.default.fileExists(atPath: resolved) else {
            var message = "input '\(input.name)' (\(origin)): base image '\(resolved)' does not exist (pass --\(input.name) IMAGE"
                + (input.environment.map { " or set \($0)" } ?? "") + ")"
            if case .specDefault = origin { message += "; `make dist` prepares the demo bases" }
            throw SpecError(.input, at: location(input, origin), message)
        }
        return image.at(resolved).description
    }

    static func checkExists(_ path: String, input: InputDeclaration, origin: InputOrigin) throws {
        var isDirectory: ObjCBool = false
        let hint = "pass --\(input.name) \(input.type == .file ? "PATH" : "DIR")"
            + (input.environment.map { " or set \($0)" } ?? "")
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            var message = "input '\(input.name)' (\(origin)): '\(path)' does not exist (\(hint))"
            if case .specDefault = origin { message += "; `make dist` prepares the demo inputs" }
            throw SpecError(.input, at: location(input, origin), message)
        }
        if input.type == .directory && !isDirectory.boolValue {
            throw SpecError(.input, at: location(input, origin),
                            "input '\(input.name)' (\(origin)): '\(path)' is not a folder (\(hint))")
        }
        if input.type == .file && isDirectory.boolValue {
            throw SpecError(.input, at: location(input, origin),
                            "input '\(input.name)' (\(origin)): '\(path)' is a folder, not a file (\(hint))")
        }
    }

    static func location(_ input: InputDeclaration, _ origin: InputOrigin) -> SourceLocation {
        switch origin {
        case .flag(let name): SourceLocation(file: "--\(name)")
        case .environment(let name): SourceLocation(file: "$\(name)")
        default: input.location
        }
    }
}
