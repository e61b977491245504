import FormatSeam
import Foundation
import PackageModel
import Pipeline
import ReleaseLayout
import SpecFile
import Testing
import TestSupport

/// A release built with a format registered only here: the pipeline holds no format of its own.
@Suite struct ToyReleaseTests {
    static let formats: [any ArtifactFormat] = [ToyFormat()]

    struct Workspace {
        let dir: TemporaryDirectory
        let spec: Spec

        init(summary: String = "a toy", architecture: String = "x86_64", alias: String = "toy_{{ version }}.toy",
             extra: String = "") throws {
            dir = try TemporaryDirectory()
            let payload = try dir.write("payload.txt", Array("toy payload\n".utf8))
            let text = """
                spec-version: 1
                inputs:
                  version: {help: version, default: "2.0.1"}
                package:
                  name: toy
                  version: "{{ version }}"
                  architecture: \(architecture)
                  maintainer: Toy Maker <toy@example.org>
                  summary: \(summary)
                  description: A toy package.
                contents:
                  - src: \(payload)
                    dst: /usr/share/toy/payload.txt
                variants:
                  plain: {package: toy, default: true}
                  fancy:
                    package: toy-fancy
                    toy:
                      contents: [{dst: /usr/share/toy/fancy, type: directory}]
                toy:
                  file: "{{ package }}_{{ version }}_{{ arch }}.{{ format }}"
                  alias: "\(alias)"
                  release: "7"
                """ + extra
            let path = try dir.write("toy.yaml", Array(text.utf8))
            spec = try Spec.load(path: path, formats: ToyReleaseTests.formats.map(\.name))
        }

        func request(_ selection: Selection, flags: [String: [String]] = [:]) throws -> BuildRequest {
            let inputs = try ResolvedInputs(spec: spec, flags: flags, environment: [:])
            return BuildRequest(spec: spec, inputs: inputs, selection: selection, formats: ToyReleaseTests.formats,
                                outputDirectory: dir.file("dist"), jobs: 2,
                                context: BuildContext(sourceDateEpoch: spec.sourceDateEpoch))
        }
    }

    @Test func thePipelineWritesAFormatItDoesNotKnow() throws {
        let work = try Workspace()
        let plan = try Planner.plan(try work.request(Selection.everything(in: work.spec)))
        #expect(plan.artifactNames == ["toy_2.0.1_toy-x86_64.toy", "toy-fancy_2.0.1_toy-x86_64.toy", "toy_2.0.1.toy",
                                       "SHA256SUMS"])
        let results = try Executor.run(plan)
        #expect(results.map(\.role) == [.package(format: "toy", variant: "plain"), .package(format: "toy", variant: "fancy"),
                                        .alias(of: "toy_2.0.1_toy-x86_64.toy"), .checksums])
        let fancy = try String(contentsOfFile: work.dir.file("dist/toy-fancy_2.0.1_toy-x86_64.toy"), encoding: .utf8)
        let payloadDigest = try runChecked(["sha256sum", work.dir.file("payload.txt")]).output.prefix(64)
        #expect(fancy == """
            toy-fancy 2.0.1-7 toy-x86_64 gzip:1
            usr/
            usr/share/
            usr/share/toy/
            usr/share/toy/fancy/
            usr/share/toy/payload.txt \(payloadDigest)

            """)
        let check = try runChecked(["sha256sum", "-c", "SHA256SUMS"], in: work.dir.file("dist"))
        #expect(check.output.split(separator: "\n").count == 3 && !check.output.contains("FAILED"))
        let alias = try run(["cmp", work.dir.file("dist/toy_2.0.1.toy"), work.dir.file("dist/toy_2.0.1_toy-x86_64.toy")])
        #expect(alias.status == 0)
        let inspected = try Inspector.inspect(path: work.dir.file("dist/toy_2.0.1.toy"), formats: ToyReleaseTests.formats)
        #expect(inspected.identity == Inspection.Identity(name: "toy", version: "2.0.1-7", architecture: "toy-x86_64"))
    }

    /// The architectures a spec declares, as a format the pipeline does not know spells them: a package of each
    /// variant per architecture, an alias per architecture, and an input per architecture in each one's scope.
    @Test func everyArchitectureAsTheFormatSpellsIt() throws {
        // An alias template that names no architecture would be two files of one name: the layout's rules say so.
        let clashing = try Workspace(architecture: "[amd64, aarch64]")
        let error = #expect(throws: SpecError.self) { try Planner.plan(try clashing.request(Selection.everything(in: clashing.spec))) }
        #expect(error?.description.contains("toy_2.0.1.toy") == true, "\(String(describing: error))")

        let work = try Workspace(architecture: "[amd64, aarch64]", alias: "toy_{{ version }}-{{ arch }}.toy")
        var plan = try Planner.plan(try work.request(Selection.everything(in: work.spec)))
        #expect(plan.artifactNames == ["toy_2.0.1_toy-x86_64.toy", "toy-fancy_2.0.1_toy-x86_64.toy",
                                       "toy_2.0.1_toy-aarch64.toy", "toy-fancy_2.0.1_toy-aarch64.toy",
                                       "toy_2.0.1-toy-x86_64.toy", "toy_2.0.1-toy-aarch64.toy", "SHA256SUMS"])
        _ = try Executor.run(plan)
        let arm = try String(contentsOfFile: work.dir.file("dist/toy_2.0.1_toy-aarch64.toy"), encoding: .utf8)
        #expect(arm.hasPrefix("toy 2.0.1-7 toy-aarch64 "))
        #expect(try runChecked(["cmp", work.dir.file("dist/toy_2.0.1-toy-aarch64.toy"), work.dir.file("dist/toy_2.0.1_toy-aarch64.toy")]).status == 0)

        var selection = Selection.everything(in: work.spec)
        selection.architectures = ["arm64"]
        plan = try Planner.plan(try work.request(selection))
        #expect(plan.artifactNames == ["toy_2.0.1_toy-aarch64.toy", "toy-fancy_2.0.1_toy-aarch64.toy",
                                       "toy_2.0.1-toy-aarch64.toy", "SHA256SUMS"])
    }

    @Test func aFormatsObjectionIsReportedAtItsSpecLineBeforeAnythingIsWritten() throws {
        let work = try Workspace(summary: "a forbidden toy")
        let error = #expect(throws: SpecError.self) {
            try Executor.run(try Planner.plan(try work.request(Selection.everything(in: work.spec))))
        }
        #expect(error?.category == .spec)
        #expect(error?.description == "\(work.spec.file):9: package.summary: toy field Summary 'a forbidden toy': toys refuse this word")
        #expect(!FileManager.default.fileExists(atPath: work.dir.file("dist")))
    }

    @Test func aTarballNamedForNoFormatIsASpecError() throws {
        let work = try Workspace(extra: """

            tarballs:
              kinds:
                bin:
                  file: toy.zip
                  contents: []
            """)
        let error = #expect(throws: SpecError.self) { try Planner.plan(try work.request(Selection(tarballs: ["bin"]))) }
        #expect(error?.description == "\(work.spec.file):27: tarballs.kinds.bin.file: 'toy.zip' must end in one of .toy")
    }
}
