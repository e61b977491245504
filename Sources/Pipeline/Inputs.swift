import ByteIO
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
/// must exist once used. An input declared per architecture has a value for each of the spec's architectures:
/// `--NAME ARCH=PATH`, `NAME_ARCH` in the environment, or a bare ELF file given for the machine its header names.
public struct ResolvedInputs: Sendable {
    public var values: [String: InputValue]
    /// The inputs declared per architecture, by name and architecture.
    public var perArchitecture: [String: [Architecture: InputValue]] = [:]

    /// `flags` holds each flag's values in the order given; only an input declared per architecture takes several.
    public init(spec: Spec, flags: [String: [String]], environment: [String: String],
                workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        for name in flags.keys where !spec.inputs.contains(where: { $0.name == name }) {
            let known = spec.inputs.map { "--\($0.name)" }.joined(separator: ", ")
            throw SpecError(.usage, at: SourceLocation(file: "--\(name)"),
                            "unknown option; \(spec.file) declares the inputs \(known)")
        }
        var values: [String: InputValue] = [:]
        let specScope = Self.defaultsScope()
        for input in spec.inputs {
            let given = flags[input.name] ?? []
            if input.perArchitecture {
                let resolved = try Self.perArchitecture(input, spec: spec, flags: given, environment: environment,
                                                        workingDirectory: workingDirectory)
                perArchitecture[input.name] = resolved
                values[input.name] = resolved[spec.package.architectures[0]]
                continue
            }
            guard given.count <= 1 else {
                throw SpecError(.usage, at: SourceLocation(file: "--\(input.name)"), "is given twice; give it once")
            }
            var value: String
            var origin: InputOrigin
            var problem: SpecError?
            if let flag = given.first {
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
            if problem == nil {
                problem = Self.check(&value, input: input, origin: origin, spec: spec, workingDirectory: workingDirectory)
            }
            values[input.name] = InputValue(declaration: input, value: value, origin: origin, problem: problem)
        }
        self.values = values
    }

    /// `value` made absolute and checked as its type asks; the problem with it, if any.
    private static func check(_ value: inout String, input: InputDeclaration, origin: InputOrigin, spec: Spec,
                              workingDirectory: String, architecture: Architecture? = nil) -> SpecError? {
        let base: String
        if case .specDefault = origin { base = spec.directory } else { base = workingDirectory }
        do {
            switch input.type {
            case .string:
                break
            case .file, .directory:
                value = SpecPath.absolute(value, base: base)
                try Self.checkExists(value, input: input, origin: origin, architecture: architecture)
                if let architecture, input.type == .file {
                    try checkMachine(value, is: architecture, input: input, origin: origin)
                }
            case .image:
                value = try Self.baseImage(value, base: base, input: input, origin: origin)
            }
        } catch let error as SpecError {
            return error
        } catch {
            return SpecError(.input, at: location(input, origin), "input '\(input.name)' (\(origin)): \(error)")
        }
        return nil
    }

    /// The values of an input declared per architecture, one for each of the spec's architectures: flags first
    /// (`ARCH=PATH`, or a bare ELF file for the machine it names), then `VARIABLE_ARCH` in any spelling of the
    /// architecture, then a bare `VARIABLE`, then the default expanded with `{{ architecture }}`.
    private static func perArchitecture(_ input: InputDeclaration, spec: Spec, flags: [String],
                                        environment: [String: String],
                                        workingDirectory: String) throws -> [Architecture: InputValue] {
        let architectures = spec.package.architectures
        var chosen: [Architecture: (value: String, origin: InputOrigin)] = [:]
        func take(_ text: String, origin: InputOrigin, overriding: Bool) throws {
            var path = text
            var architecture: Architecture?
            if let equals = text.firstIndex(of: "="), let named = Architecture(spelling: String(text[..<equals])) {
                architecture = named
                path = String(text[text.index(after: equals)...])
            }
            let location = Self.location(input, origin)
            if architecture == nil {
                let absolute = SpecPath.absolute(path, base: workingDirectory)
                guard FileManager.default.fileExists(atPath: absolute) else {
                    throw SpecError(.input, at: location, "input '\(input.name)' (\(origin)): '\(absolute)' does not exist (pass --\(input.name) [ARCH=]PATH)")
                }
                // With one architecture a file that cannot be read is that one's, and its check says why; with
                // several its header must say which.
                var header: [UInt8] = []
                do {
                    header = try FileReader(path: absolute).prefix(20)
                } catch where architectures.count > 1 {
                    throw SpecError(.input, at: location, "input '\(input.name)' (\(origin)): '\(absolute)' cannot be read: \(error)")
                } catch {}
                if let machine = Architecture(elfHeader: header) {
                    architecture = machine
                } else if architectures.count == 1 {
                    architecture = architectures[0]
                } else {
                    throw SpecError(.usage, at: location,
                                    "cannot tell which architecture '\(path)' is for from its header; write ARCH=PATH (\(architectures.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            guard let architecture, architectures.contains(architecture) else {
                throw SpecError(.usage, at: location,
                                "'\(path)' is for \(architecture!.rawValue), which is not an architecture of \(spec.file) (\(architectures.map(\.rawValue).joined(separator: ", ")))")
            }
            if chosen[architecture] != nil && !overriding {
                guard case .flag = origin else { return }
                throw SpecError(.usage, at: location, "is given twice for \(architecture.rawValue); give it once")
            }
            chosen[architecture] = (path, origin)
        }
        for text in flags { try take(text, origin: .flag(input.name), overriding: false) }
        if let variable = input.environment {
            for architecture in architectures where chosen[architecture] == nil {
                for spelling in architecture.spelledAs {
                    let name = variable + "_" + spelling.uppercased()
                    if let text = environment[name] {
                        chosen[architecture] = (text, .environment(name))
                        break
                    }
                }
            }
            if let text = environment[variable] { try take(text, origin: .environment(variable), overriding: false) }
        }
        var values: [Architecture: InputValue] = [:]
        for architecture in architectures {
            var value: String
            var origin: InputOrigin
            var problem: SpecError?
            if let (text, from) = chosen[architecture] {
                (value, origin) = (text, from)
            } else if let fallback = input.defaultValue {
                let scope = Self.defaultsScope()
                scope.set("architecture", architecture.rawValue)
                (value, origin) = (try fallback.expand(in: scope), .specDefault(fallback.location))
            } else {
                (value, origin) = ("", .unset)
                if input.required {
                    let spelling = architectures.count == 1 ? "" : "\(architecture.rawValue)="
                    let variable = input.environment.map { " or set \($0)_\(architecture.rawValue.uppercased())" } ?? ""
                    problem = SpecError(.input, at: input.location,
                                        "input '\(input.name)' is not set for \(architecture.rawValue): \(input.help) (pass --\(input.name) \(spelling)PATH\(variable))")
                }
            }
            if problem == nil {
                problem = check(&value, input: input, origin: origin, spec: spec, workingDirectory: workingDirectory,
                                architecture: architecture)
            }
            values[architecture] = InputValue(declaration: input, value: value, origin: origin, problem: problem)
        }
        return values
    }

    /// What an input's default may use: `falcopack-executable`, the program running now, so that an installed
    /// falcopack packs itself where a checkout's spec named its build.
    static func defaultsScope() -> Scope {
        let scope = Scope()
        let running = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        scope.set("falcopack-executable", running)
        return scope
    }

    /// An ELF file must be for the machine it is given as; anything else (a script) is taken as it is.
    static func checkMachine(_ path: String, is architecture: Architecture, input: InputDeclaration,
                             origin: InputOrigin) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return }
        let header = try FileReader(path: path).prefix(20)
        guard let machine = Architecture.elfMachineName(header), Architecture(elfHeader: header) != architecture else { return }
        throw SpecError(.input, at: location(input, origin),
                        "input '\(input.name)' (\(origin)): '\(path)' is an ELF file for \(machine), not \(architecture.rawValue) (its header says so)")
    }

    public subscript(name: String) -> String? { values[name]?.value }

    /// A base image with its path made absolute and checked to exist; `scratch` as it is.
    static func baseImage(_ value: String, base: String, input: InputDeclaration, origin: InputOrigin) throws -> String {
        let image: BaseImage
        do {
            image = try BaseImage(parsing: value) { path in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: SpecPath.absolute(path, base: base), isDirectory: &isFolder)
                    && isFolder.boolValue
            }
        } catch let error as BaseImage.Invalid {
            throw SpecError(.input, at: location(input, origin), "input '\(input.name)' (\(origin)): \(error)")
        }
        guard let path = image.path else { return image.description }
        let resolved = SpecPath.absolute(path, base: base)
        guard FileManager.default.fileExists(atPath: resolved) else {
            var message = "input '\(input.name)' (\(origin)): base image '\(resolved)' does not exist (pass --\(input.name) IMAGE"
                + (input.environment.map { " or set \($0)" } ?? "") + ")"
            if case .specDefault = origin { message += "; `make dist` prepares the demo bases" }
            throw SpecError(.input, at: location(input, origin), message)
        }
        return image.at(resolved).description
    }

    static func checkExists(_ path: String, input: InputDeclaration, origin: InputOrigin,
                            architecture: Architecture? = nil) throws {
        var isDirectory: ObjCBool = false
        let qualifier: (flag: String, variable: String) = architecture.map { ("\($0.rawValue)=", "_\($0.rawValue.uppercased())") } ?? ("", "")
        let hint = "pass --\(input.name) \(qualifier.flag)\(input.type == .file ? "PATH" : "DIR")"
            + (input.environment.map { " or set \($0)\(qualifier.variable)" } ?? "")
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
