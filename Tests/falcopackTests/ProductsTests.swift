import Foundation
import Testing
import TestSupport

/// Several projects in one repository: Falco's release and the example projects' published side by side, each in
/// the indexes and on the page with its own install command, its releases kept and taken out by product.
@Suite(.serialized) struct ProductsTests {
    let key: SigningKey
    init() throws { key = try SigningKey.shared.get() }

    /// An example project's signed release without images, at `version`.
    func example(_ name: String, version: String? = nil, in work: TemporaryDirectory) throws -> String {
        let out = work.file(name + "-" + (version ?? "spec"))
        try falcopack(["all", "--no-images", "--spec", repositoryRoot() + "/Specs/examples/\(name).yaml", "--out", out]
                      + (version.map { ["--version", $0] } ?? []) + key.flags)
        return out
    }

    func publish(_ release: String, spec: String, into repository: String, _ extra: [String] = []) throws -> ToolResult {
        try runIn(repositoryRoot(), [falcopackExecutable(), "publish", release, "--repo", repository, "--spec", spec] + key.flags + extra)
    }

    /// A repository published before products were (its releases at files/VERSION, its record without products)
    /// keeps them there when another project joins it.
    @Test func aRepositoryPublishedBeforeKeepsItsFilesWhereTheyAre() throws {
        let falco = try Release.shared.get()
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        #expect(try publish(falco.dist, spec: repositoryRoot() + "/Specs/falco.yaml", into: repository).status == 0)
        // Made as an earlier falcopack made it: files/VERSION, hrefs to match, no products in the record.
        let version = falco.version
        try runChecked(["mv", repository + "/files/falco/" + version, repository + "/files/" + version])
        try runChecked(["rmdir", repository + "/files/falco"])
        try runChecked(["sed", "-i", "s|files/falco/|files/|g", repository + "/files/\(version)/release.json", repository + "/index.html"])
        let recordPath = repository + "/repository.json"
        var record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recordPath))) as! [String: Any]
        record["products"] = nil
        try JSONSerialization.data(withJSONObject: record).write(to: URL(fileURLWithPath: recordPath))
        let before = try run([falcopackExecutable(), "repo", "check", repository, "--public-key", key.publicKey])
        #expect(before.status == 0, "\(before.output) \(before.stderr)")

        let joined = try publish(try example("falcoctl", in: work), spec: repositoryRoot() + "/Specs/examples/falcoctl.yaml",
                                 into: repository)
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(joined.output.contains("added falcoctl/0.6.2; holds \(version), falcoctl/0.6.2"), "\(joined.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository + "/files").sorted() == [version, "falcoctl"])
        let products = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recordPath))) as! [String: Any])["products"]
            as? [[String: String]]
        #expect(products == [["name": "falco", "install": "falco"], ["name": "falcoctl", "install": "falcoctl", "folder": "falcoctl"]])
        let checked = try run([falcopackExecutable(), "repo", "check", repository, "--public-key", key.publicKey])
        #expect(checked.status == 0 && checked.output.contains("2 releases"), "\(checked.output) \(checked.stderr)")
        // The first product's releases are still taken out by version alone.
        let removed = try runIn(repositoryRoot(), [falcopackExecutable(), "repo", "remove", version, "--repo", repository] + key.flags)
        #expect(removed.status == 0 && removed.output.contains("took out \(version); holds falcoctl/0.6.2"), "\(removed.output) \(removed.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository + "/files") == ["falcoctl"])
    }

    @Test func falcoAndTheExamplesShareOneRepository() throws {
        let falco = try Release.shared.get()
        let work = try TemporaryDirectory()
        let repository = work.file("repo")
        let examples = ["falcoctl": "0.6.2", "falcosidekick": "2.28.0", "falco-exporter": "0.8.3"]
        #expect(try publish(falco.dist, spec: repositoryRoot() + "/Specs/falco.yaml", into: repository).status == 0)
        let recordPath = repository + "/repository.json"
        for name in examples.keys.sorted() {
            let published = try publish(try example(name, in: work), spec: repositoryRoot() + "/Specs/examples/\(name).yaml",
                                        into: repository)
            #expect(published.status == 0, "\(published.stderr)")
        }
        // The repository's names are the first publish's; each product's releases in a folder of its own.
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recordPath))) as! [String: Any]
        #expect(record["name"] as? String == "falco" && record["label"] as? String == "Falco" && record["keyFile"] as? String == "falco.asc")
        #expect((record["products"] as? [[String: String]])?.map { $0["name"]! } == ["falco", "falco-exporter", "falcoctl", "falcosidekick"])
        let files = try FileManager.default.contentsOfDirectory(atPath: repository + "/files").sorted()
        #expect(files == ["falco", "falco-exporter", "falcoctl", "falcosidekick"])
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falco/\(falco.version)/SHA256SUMS.asc"))
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falcoctl/0.6.2/release.json"))
        let top = try FileManager.default.contentsOfDirectory(atPath: repository).sorted()
        #expect(!top.contains("falcoctl.list") && !top.contains("falcoctl.asc"))
        let release = try String(contentsOfFile: repository + "/deb/dists/stable/Release", encoding: .utf8)
        #expect(release.contains("Origin: Falco\n") && release.contains("Label: Falco\n"))
        // The page: a heading per product with its own install commands, then its releases.
        let page = try String(contentsOfFile: repository + "/index.html", encoding: .utf8)
        for name in ["falco"] + examples.keys.sorted() {
            #expect(page.contains("<h2 id=\"product-\(name)\">\(name)</h2>\n<pre>sudo apt-get update &amp;&amp; sudo apt-get install -y \(name)\n"),
                    "\(name)")
        }
        #expect(page.contains("<h2 id=\"vfalcoctl-0-6-2\">falcoctl 0.6.2</h2>"))
        let checked = try run([falcopackExecutable(), "repo", "check", repository, "--public-key", key.publicKey])
        #expect(checked.status == 0 && checked.output.contains("4 releases"), "\(checked.output) \(checked.stderr)")

        // apt installs every product from the one repository, in a Debian root.
        let root = try DebianRoot()
        try root.use(repository, key: key.publicKey)
        #expect(try root.apt(["apt-get", "update"]).status == 0)
        let install = try root.apt(["apt-get", "install", "-y", "falco", "falcoctl", "falcosidekick", "falco-exporter"])
        #expect(install.status == 0, "\(install.output) \(install.stderr)")
        #expect(try root.installedVersion("falco") == falco.version)
        for (name, version) in examples {
            #expect(try root.installedVersion(name) == version)
            #expect(try root.apt(["/usr/bin/" + name, "--version"]).output == "\(name) version \(version) (stand-in)\n")
        }
        // dnf sees them all.
        let dnfWork = try TemporaryDirectory()
        let listed = try dnf(repository, ["list", "--available"], work: dnfWork, key: key.publicKey)
        #expect(listed.status == 0, "\(listed.stderr)")
        for name in ["falco", "falcoctl", "falcosidekick", "falco-exporter"] { #expect(listed.output.contains("\n\(name).x86_64 "), "\(name)") }

        // --keep counts the releases of the product published, and no other's.
        let next = try example("falcoctl", version: "0.6.3", in: work)
        #expect(try publish(next, spec: repositoryRoot() + "/Specs/examples/falcoctl.yaml", into: repository, ["--keep", "1"]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: repository + "/files/falcoctl") == ["0.6.3"])
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falco/" + falco.version + "/release.json"))
        // repo remove takes the product: falcosidekick's release goes, falco's stays; an unknown product is refused.
        let unknown = try runIn(repositoryRoot(), [falcopackExecutable(), "repo", "remove", "2.28.0", "--product", "nothing",
                                                   "--repo", repository] + key.flags)
        #expect(unknown.status == 66 && unknown.stderr.contains("holds no product nothing"), "\(unknown.stderr)")
        let removed = try runIn(repositoryRoot(), [falcopackExecutable(), "repo", "remove", "2.28.0", "--product", "falcosidekick",
                                                   "--repo", repository] + key.flags)
        #expect(removed.status == 0, "\(removed.stderr)")
        // Its last release gone, the product has no folder left, and publishing it again brings one back.
        #expect(!FileManager.default.fileExists(atPath: repository + "/files/falcosidekick"))
        try root.use(repository, key: key.publicKey)
        #expect(try root.apt(["apt-get", "update"]).status == 0)
        #expect(try root.apt(["dpkg", "-r", "falcosidekick"]).status == 0)
        let policy = try root.apt(["apt-cache", "policy", "falcosidekick"]).output
        #expect(policy.contains("Candidate: (none)"), "\(policy)")
        #expect(try root.apt(["apt-cache", "policy", "falcoctl"]).output.contains("Candidate: 0.6.3"))
        let check = try run([falcopackExecutable(), "repo", "check", repository, "--public-key", key.publicKey])
        #expect(check.status == 0, "\(check.output) \(check.stderr)")
        let again = try publish(try example("falcosidekick", version: "2.28.0", in: work), spec: repositoryRoot() + "/Specs/examples/falcosidekick.yaml",
                                into: repository)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: repository + "/files/falcosidekick/2.28.0/release.json"))
    }
}
