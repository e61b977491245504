@testable import FalcoArtifacts
@testable import Release
import ReleaseLayout
import FormatSeam
import Foundation
import PackageModel
import Pipeline
import SpecFile
import Testing
import TestSupport

/// The parts of the convention that are more than data: the driver's identity from its sources, and binaries found
/// by content.
@Suite struct DriverIdentityTests {
    func sources(dkms: String?, config: String?) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        if let dkms { try dir.write("dkms.conf", Array(dkms.utf8)) }
        if let config { try dir.write("driver_config.h", Array(config.utf8)) }
        return dir
    }

    @Test func theSourcesDeclareNameAndVersionAndMustAgree() throws {
        let agreeing = try sources(dkms: "PACKAGE_NAME=\"scap\"\nPACKAGE_VERSION=\"7.0.0+driver\"\n",
                                   config: "#define DRIVER_NAME \"scap\"\n#define DRIVER_VERSION \"7.0.0+driver\"\n")
        #expect(try DriverIdentity.read(sources: agreeing.path, name: nil, version: nil)
                == DriverIdentity(name: "scap", version: "7.0.0+driver"))
        let disagreeing = try sources(dkms: "PACKAGE_NAME=scap\nPACKAGE_VERSION=1\n", config: "#define DRIVER_VERSION \"2\"\n")
        let error = #expect(throws: SpecError.self) { try DriverIdentity.read(sources: disagreeing.path, name: nil, version: nil) }
        #expect(error?.description.contains("DRIVER_VERSION is '2' but") == true)
        #expect(error?.category == .input)
    }

    @Test func aDeclarationThatCannotBeReadIsAnErrorNotAnAbsence() throws {
        let dir = try sources(dkms: nil, config: nil)
        try FileManager.default.createDirectory(atPath: dir.file("dkms.conf"), withIntermediateDirectories: false)
        let error = #expect(throws: SpecError.self) { try DriverIdentity.read(sources: dir.path, name: "scap", version: "1") }
        #expect(error?.description.contains("dkms.conf: cannot read the file as UTF-8 text") == true)
    }
}

@Suite struct BinaryDetectorTests {
    @Test func elfAndArAreFoundByContent() throws {
        #expect(try BinaryDetector.binaryType(ofFileAt: "/bin/true") == "ELF shared object or executable")
        #expect(BinaryDetector.binaryType(of: Array("!<arch>\n".utf8), name: "x.txt") == "ar archive")
        #expect(BinaryDetector.binaryType(of: Array("int main;".utf8), name: "x.o") == nil)
    }

    @Test func aFileThatCannotBeReadIsAnErrorNotASource() throws {
        let file = PackageFile(path: "/x", type: .regular(source: "/nonexistent/probe.o"), permissions: 0o644)
        #expect(throws: (any Error).self) { _ = try BinaryDetector.binaryType(of: file) }
    }
}

@Suite struct TarballCheckTests {
    @Test(arguments: [("xz", "-J"), ("zst", "--zstd")])
    func tarballsAreCheckedWhateverTheirCodec(suffix: String, flag: String) throws {
        let dir = try TemporaryDirectory()
        let top = "falco-1.0.0-src-x86"
        try dir.write("\(top)/driver/main.c", Array("int x;\n".utf8))
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: dir.file("\(top)/driver/tool"))
        try dir.write("stray/file", Array("x".utf8))
        let name = "\(top).tar.\(suffix)"
        try runChecked(["tar", flag, "-cf", dir.file(name), "-C", dir.path, top, "stray"])
        let expectation = Verifier.Expectation(role: .tarball(name: "src", format: "tar"),
                                               format: FalcoBuild.formats.claiming(name)!, sourcesOnly: true)
        let problems = Verifier.checkTarball(dir.file(name), name: name, expectation: expectation,
                                             binaryType: BinaryDetector.binaryType(of:name:))
        #expect(problems.contains(ReleaseProblem(name, .tarball, "'stray/' is outside the top folder '\(top)/'")), "\(problems)")
        #expect(problems.contains { $0.kind == .tarball && $0.description.hasPrefix("\(name): a source tarball holds binaries: \(top)/driver/tool (ELF") },
                "\(problems)")
    }
}
