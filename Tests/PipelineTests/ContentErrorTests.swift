import FormatSeam
import Foundation
import Pipeline
import SpecFile
import Testing
import TestSupport

/// Inputs that cannot be read as the spec says are errors naming them and the spec line, never skipped.
@Suite struct ContentErrorTests {
    func plan(contents: String, in work: TemporaryDirectory) throws -> Plan {
        let text = """
            spec-version: 1
            package: {name: toy, version: "1", architecture: all, maintainer: T <t@example.org>, summary: s, description: d}
            variants: {plain: {package: toy}}
            toy: {file: toy-1.toy}
            contents:
            \(contents)
            """
        let spec = try Spec.parse(text, file: work.file("toy.yaml"), formats: ["toy"])
        let request = BuildRequest(spec: spec, inputs: try ResolvedInputs(spec: spec, flags: [:], environment: [:]),
                                   selection: .everything(in: spec), formats: [ToyFormat()],
                                   outputDirectory: work.file("dist"), jobs: 1, context: .init(sourceDateEpoch: 0))
        return try Planner.plan(request)
    }

    @Test func aFifoInATreeIsNamed() throws {
        let work = try TemporaryDirectory()
        try work.write("tree/a.c", Array("int a;\n".utf8))
        try runChecked(["mkfifo", work.file("tree/pipe")])
        let error = #expect(throws: SpecError.self) {
            try plan(contents: "  - {src: \(work.file("tree")), dst: /usr/src/tree}", in: work)
        }
        #expect(error?.description.contains("toy.yaml:6: contents[0]: '\(work.file("tree/pipe"))' is neither a file") == true,
                "\(String(describing: error))")
        #expect(error?.category == .input)
    }

    @Test func aTemplateThatIsNotTextIsNamed() throws {
        let work = try TemporaryDirectory()
        let binary = try work.write("config.yaml", [0xFF, 0xFE, 0x00, 0x80])
        let error = #expect(throws: SpecError.self) {
            try plan(contents: "  - {src: \(binary), dst: /etc/toy.yaml, template: true}", in: work)
        }
        #expect(error?.description == "\(work.file("toy.yaml")):6: contents[0]: cannot read '\(binary)' as UTF-8 text")
    }
}
