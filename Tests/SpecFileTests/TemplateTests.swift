import SpecFile
import Testing

@Suite struct TemplateTests {
    let here = SourceLocation(file: "spec.yaml", line: 7, key: "deb.file")

    @Test func expandsVariablesThatReferToOthers() throws {
        let scope = Scope()
        scope.set("version", "0.28.1")
        scope.set("name", template: Template("falco-{{ version }}", at: here))
        #expect(try Template("{{name}}-{{ version }}.deb", at: here).expand(in: scope) == "falco-0.28.1-0.28.1.deb")
    }

    @Test func undefinedVariableNamesTheLineAndKey() {
        let scope = Scope()
        scope.set("version", "1")
        #expect {
            try Template("a\n{{ nope }}", at: here).expand(in: scope)
        } throws: { error in
            "\(error)" == "spec.yaml:8: deb.file: undefined variable 'nope' (defined: version)"
        }
    }

    @Test func cyclesAndUnclosedBracesAreErrors() {
        let scope = Scope()
        scope.set("a", template: Template("{{ b }}", at: here))
        scope.set("b", template: Template("{{ a }}", at: here))
        #expect(throws: SpecError.self) { try Template("{{ a }}", at: here).expand(in: scope) }
        #expect(throws: SpecError.self) { try Template("x {{ a", at: here).expand(in: scope) }
        #expect(throws: SpecError.self) { try Template("{{ a b }}", at: here).expand(in: scope) }
    }

    @Test func childScopesSeeParentVariablesAndExpandThemWithTheirOwn() throws {
        let scope = Scope()
        scope.set("file", template: Template("falco-{{ variant }}", at: here))
        let child = scope.child()
        child.set("variant", "bpf")
        #expect(try child.value(of: "file", at: here) == "falco-bpf")
        #expect(throws: SpecError.self) { try scope.value(of: "file", at: here) }
    }
}
