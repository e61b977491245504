import Foundation
import SpecFile
import Testing

@Suite struct SchemaTests {
    /// The package formats a spec may have sections for; the reader takes them from the build's formats.
    static let formats = ["deb", "rpm"]

    @Test func jsonSchemaIsValidJSONAndClosedLikeTheReader() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(SpecSchema.jsonSchema(formats: Self.formats).utf8))
            as? [String: Any]
        #expect(schema?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema?["additionalProperties"] as? Bool == false)
        #expect(Set(schema?["required"] as? [String] ?? []) == ["package"])
        let properties = schema?["properties"] as? [String: Any]
        let package = properties?["package"] as? [String: Any]
        #expect((package?["required"] as? [String])?.contains("maintainer") == true)
        // A section per format, at the top and in every variant.
        #expect(properties?["deb"] != nil && properties?["rpm"] != nil && properties?["apk"] == nil)
        let variant = ((properties?["variants"] as? [String: Any])?["additionalProperties"] as? [String: Any])?["properties"]
            as? [String: Any]
        #expect(variant?["rpm"] != nil)
    }

    @Test func aSectionForAFormatTheBuildDoesNotKnowIsAnError() {
        let text = """
            spec-version: 1
            package: {name: a, version: "1", architecture: x86_64, maintainer: m, summary: s, description: d}
            variants: {module: {package: a}}
            apk: {file: a.apk}
            """
        #expect {
            try Spec.parse(text, file: "t.yaml", formats: Self.formats)
        } throws: { error in
            "\(error)".hasPrefix("t.yaml:4: apk: unknown key 'apk'")
        }
        #expect(throws: Never.self) { try Spec.parse(text, file: "t.yaml", formats: Self.formats + ["apk"]) }
    }

    @Test func theFalcoSpecLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let spec = try Spec.load(path: root + "/Specs/falco.yaml", formats: Self.formats)
        #expect(spec.variants.map(\.name) == ["module", "bpf"])
        #expect(spec.defaultVariant?.name == "module")
        #expect(spec.tarballs?.kinds.map(\.name) == ["bin", "src", "module-src", "bpf-src"])
        #expect(spec.inputs.map(\.name).contains("falco-bin"))
    }

    @Test func readerRejectsWhatTheSchemaForbids() {
        let text = """
            spec-version: 1
            package: {name: a, version: "1", architecture: x86_64, maintainer: m, summary: s, description: d}
            variants: {module: {package: a, colour: blue}}
            deb: {file: a.deb}
            rpm: {file: a.rpm}
            """
        #expect {
            try Spec.parse(text, file: "t.yaml", formats: Self.formats)
        } throws: { error in
            "\(error)".hasPrefix("t.yaml:3: variants.module.colour: unknown key 'colour'")
        }
    }

    @Test func duplicateKeysAndTwoDefaultsAreErrors() {
        let base = """
            spec-version: 1
            package: {name: a, version: "1", architecture: x86_64, maintainer: m, summary: s, description: d}
            deb: {file: a.deb}
            rpm: {file: a.rpm}
            """
        #expect(throws: SpecError.self) {
            try Spec.parse(base + "\nvariants: {m: {package: a, default: true}, b: {package: b, default: true}}", file: "t",
                           formats: Self.formats)
        }
        #expect(throws: SpecError.self) { try Spec.parse(base + "\nspec-version: 1\nvariants: {}", file: "t", formats: Self.formats) }
    }
}
