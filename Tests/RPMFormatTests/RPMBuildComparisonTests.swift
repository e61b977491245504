import ByteIO
import Codecs
import Foundation
import PackageModel
import RPMFormat
import Testing
import TestSupport

/// The same tree packed by rpmbuild (a spec installing prebuilt files, no stripping) and by falcopack.
@Suite struct RPMBuildComparisonTests {
    @Test func dumpRowsMatchRpmbuild() throws {
        let fixture = try RPMFixture()
        let ours = try fixture.build(try fixture.package())

        let tree = fixture.dir.file("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        try runChecked(["sh", "-c", "rpm2cpio '\(ours)' | cpio -idm --quiet"], in: tree)
        try runChecked(["find", tree, "-exec", "touch", "-h", "-d", "@\(RPMFixture.epoch)", "{}", "+"])
        let spec = """
            Name: falcopack-test
            Version: 1.0.0
            Release: 1
            Summary: Test package for the falcopack rpm writer
            License: Apache-2.0
            Group: Applications/System
            URL: https://falco.org
            Vendor: Falco
            Packager: Falcopack Maintainers <maintainers@example.org>
            BuildArch: x86_64
            AutoReqProv: no
            %global __os_install_post %{nil}
            %global _build_id_links none

            %description
            This package exercises the parts of an rpm that falcopack writes.

            %install
            cp -a \(tree)/. %{buildroot}/

            %files
            %dir /etc/falcopack-test
            %config(noreplace) /etc/falcopack-test/config.yaml
            /usr/bin/falcopack-test
            /usr/bin/falcopack-test-alias
            %dir /usr/share/doc/falcopack-test
            %doc /usr/share/doc/falcopack-test/README
            %dir /usr/share/falcopack-test
            /usr/share/falcopack-test/data.bin

            """
        let specPath = try fixture.dir.write("falcopack-test.spec", Array(spec.utf8))
        let top = fixture.dir.file("rpmbuild")
        let build = try run(["rpmbuild", "-bb", "--nodeps", "--define", "_topdir \(top)",
                             "--define", "use_source_date_epoch_as_buildtime 1",
                             "--define", "clamp_mtime_to_source_date_epoch 1", specPath],
                            environment: ["SOURCE_DATE_EPOCH": "\(RPMFixture.epoch)"])
        #expect(build.status == 0, "rpmbuild: \(build.stderr)")
        let reference = top + "/RPMS/x86_64/falcopack-test-1.0.0-1.x86_64.rpm"

        func dump(_ rpm: String) throws -> [String] {
            try runChecked(["rpm", "-qp", "--dump", rpm]).output.split(separator: "\n").map(String.init)
        }
        #expect(try dump(ours) == dump(reference))
        func query(_ rpm: String, _ format: String) throws -> String {
            try runChecked(["rpm", "-qp", "--qf", format, rpm]).output
        }
        let fields = "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{OS} %{LICENSE} %{GROUP} %{URL} %{VENDOR} %{PACKAGER} %{SIZE} %{FILEDIGESTALGO} %{SOURCERPM}\\n"
        #expect(try query(ours, fields) == query(reference, fields))
    }
}
