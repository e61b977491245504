import Foundation
import Testing
import TestSupport

/// Package.swift tells the truth: every module a source file imports is a declared dependency of its target, and
/// every declared dependency is imported.
@Suite struct ManifestTests {
    static let system: Set<String> = ["Foundation", "FoundationNetworking", "Glibc", "Dispatch", "Testing"]

    @Test func everyImportIsDeclaredAndEveryDependencyImported() throws {
        // A scratch path of its own: the running `swift test` holds the lock on .build.
        let scratch = try TemporaryDirectory()
        let manifest = try runChecked(["swift", "package", "--scratch-path", scratch.path, "dump-package"],
                                      in: repositoryRoot())
        let package = try JSONSerialization.jsonObject(with: manifest.stdout) as? [String: Any]
        let targets = package?["targets"] as? [[String: Any]] ?? []
        #expect(targets.count > 20)
        for target in targets {
            let name = target["name"] as? String ?? ""
            var declared: Set<String> = []
            for dependency in target["dependencies"] as? [[String: [Any]]] ?? [] {
                for value in dependency.values { if let first = value.first as? String { declared.insert(first) } }
            }
            let folder = repositoryRoot() + "/" + ((target["path"] as? String)
                ?? ((target["type"] as? String == "test" ? "Tests/" : "Sources/") + name))
            var imported: Set<String> = []
            let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
                // Imports start their line; an indented "import" is text inside a string.
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    imported.insert(String(line.split(separator: " ").last!))
                }
            }
            let undeclared = imported.subtracting(Self.system).subtracting(declared)
            #expect(undeclared.isEmpty, "\(name) imports \(undeclared.sorted()) without declaring them")
            let unused = declared.subtracting(imported)
            #expect(unused.isEmpty, "\(name) declares \(unused.sorted()) and never imports them")
        }
    }
}
