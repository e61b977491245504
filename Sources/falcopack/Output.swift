import ArgumentParser
import ByteIO
import FormatSeam
import Foundation
import FalcoArtifacts
import Release
import Pipeline
import Signing
import SpecFile

/// The one place errors become a line on stderr and an exit code.
enum Failure {
    static func exit(for error: Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        FileHandle.standardError.write(Data("falcopack: error: \(error)\n".utf8))
        return ExitCode(code(for: error))
    }

    static func code(for error: Error) -> Int32 {
        switch error {
        case let error as SpecError:
            switch error.category {
            case .spec: 65
            case .input: 66
            case .usage: 64
            }
        case is OutputFolderError: 73
        case is ValidationError: 64
        case is MalformedArtifact: 66
        case is SigningKeyError: 66
        case is RepositoryError: 66
        case is IndexError: 65
        case is Publisher.Unverified: 66
        case is Merger.Refused: 66
        case is Publisher.Busy: 75
        case let error as IOError: error.writing ? 73 : 66
        case let error as ArtifactFailure: code(for: error.underlying)
        default: 1
        }
    }
}

/// The one JSON encoder of the command line: sorted keys, two-space indents, slashes as they are.
enum JSONOutput {
    static func print(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object,
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    static func print(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
