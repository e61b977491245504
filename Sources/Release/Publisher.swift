import ByteIO
import FormatSeam
import Foundation
import Glibc
import PackageModel
import Pipeline
import ReleaseLayout
import Signing
import SpecFile

/// Adds releases to a repository folder: each package format's repository under its folder (`deb/`, `rpm/`), the
/// other files of each release under `files/NAME/VERSION/`, the public key, client configuration, the repository's
/// record and `index.html` at the top. Everything is staged first; what clients read by name is renamed into place
/// last, so the repository is valid, old or new, at every moment, and a run killed half-way leaves the old one as
/// it was. Taking a release out and rotating the key (`RepositoryOperations`) go through the same commit.
public enum Publisher {
    public struct Request: Sendable {
        public var releases: [String]
        public var repository: String
        /// What the releases must be, and the spec's repository settings.
        public var convention: ReleaseConvention
        public var signer: Signer
        /// Keys that go on signing the indexes beside `signer` while a rotation to it is under way.
        public var previous: [Signer] = []
        public var keep: Int?
        public var replace: Bool
        /// Where clients reach the repository; `file://` and the absolute folder when not given.
        public var url: String?
        public var date: Int64
        /// The program that joins the halves of a release given together, as their bills of materials name it.
        public var tool = "falcopack"

        public init(releases: [String], repository: String, convention: ReleaseConvention, signer: Signer,
                    keep: Int? = nil, replace: Bool = false, url: String? = nil, date: Int64) {
            self.releases = releases
            self.repository = repository
            self.convention = convention
            self.signer = signer
            self.keep = keep
            self.replace = replace
            self.url = url
            self.date = date
        }
    }

    public struct Report: Sendable {
        /// Releases added, by version.
        public var added: [String]
        /// Every release the repository holds, newest first.
        public var releases: [String]
        /// What the run could not tidy once it had committed (an old file it could not remove).
        public var warnings: [String] = []
        /// Releases taken out.
        public var removed: [String] = []
        /// Packages signed again.
        public var resigned = 0
    }

    /// A release that does not verify against the publishing key: nothing is published. Every problem is kept,
    /// for `--json`; the line names the first.
    public struct Unverified: Error, CustomStringConvertible, Sendable {
        public var directory: String
        public var problems: [ReleaseProblem]
        public var description: String {
            "\(directory): does not verify, so it is not published: \(problems[0]) (falcopack verify \(directory) --public-key KEY shows every problem)"
        }
    }

    /// Another run holds the repository.
    public struct Busy: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var description: String {
            "\(path): another falcopack publish is writing this repository; run again once it has finished"
        }
    }

    static let filesFolder = "files"
    static let manifestName = "release.json"

    /// A release that verified, ready to place.
    struct VerifiedRelease: Sendable {
        var directory: String
        var version: String
        /// Its folder under `files/`: `VERSION` for the repository's first product, `PRODUCT/VERSION` for another.
        var slot: String
        /// The product, when it is not the repository's first.
        var product: String?
        var expected: [String: Verifier.Expectation]
        var digests: [String: Verifier.FileDigest]
        var listed: [String]
    }

    public static func publish(_ request: Request) throws -> Report {
        // The halves of one release built one architecture per machine, given together, are joined first, as
        // `merge` joins them, into a folder of their own that goes when the publish is done.
        var joining = request
        let joined = try joinHalves(&joining)
        defer { for folder in joined { try? FileManager.default.removeItem(atPath: folder) } }
        let request = joining
        var settings = try repositorySettings(request)
        // A repository already published keeps its own names, suite, component and key file, whichever project
        // publishes into it; a project it does not hold yet joins its products.
        let root = URL(fileURLWithPath: request.repository).standardizedFileURL.path
        let product = try request.convention.expand(request.convention.spec.package.name)
        var products: [RepositoryRecord.Product]
        if let recorded = try RepositoryRecord.read(root) {
            // A record without products holds one: the project whose repository name it has.
            let legacy = recorded.name == settings.name ? product : recorded.name
            var held = try recorded.settings(date: request.date)
            held.keep = settings.keep
            held.replace = settings.replace
            held.architectures = (held.architectures + settings.architectures.filter { !held.architectures.contains($0) }).sorted()
            settings = held
            products = recorded.products ?? [RepositoryRecord.Product(name: legacy, install: recorded.install, folder: nil)]
            if !products.contains(where: { $0.name == product }) {
                products.append(RepositoryRecord.Product(name: product, install: try installedPackage(request), folder: product))
            }
        } else {
            // A new repository gives every product a folder of its own; one published before records were keeps its
            // releases at files/VERSION, each with its manifest. A product folder a first publish made before it was
            // stopped does not make the repository an old one.
            let files = root + "/" + filesFolder
            let published = (try? FileManager.default.contentsOfDirectory(atPath: files))?.contains { name in
                !name.hasPrefix(".") && FileManager.default.fileExists(atPath: files + "/" + name + "/" + manifestName)
            } ?? false
            products = [RepositoryRecord.Product(name: product, install: settings.install, folder: published ? nil : product)]
        }
        let publishing = products.first { $0.name == product }!
        // The page titles a release by its version, and by its product too when that is not the repository's first.
        let ownProduct = products[0].name == product ? nil : product

        // Every release first: it must verify, signatures included, against the key that publishes it.
        var releases: [VerifiedRelease] = []
        let keyring = Keyring([request.signer.certificate])
        // Releases are independent: checked on as many cores as there are.
        let checks = try request.releases.concurrentMap { directory in
            Verifier.checkForPublishing(directory: directory, convention: request.convention, keyring: keyring)
        }
        for (directory, check) in zip(request.releases, checks) {
            guard check.problems.isEmpty, let version = check.version else {
                throw Unverified(directory: directory, problems: check.problems.isEmpty
                                 ? [ReleaseProblem(directory, .naming, "no release")] : check.problems)
            }
            releases.append(VerifiedRelease(directory: directory, version: version,
                                            slot: publishing.slot(version), product: ownProduct,
                                            expected: check.expected, digests: check.digests, listed: check.listed))
        }
        var run = Run(repository: request.repository, formats: request.convention.formats, settings: settings,
                      signer: request.signer, previous: request.previous, url: request.url, operation: .publish,
                      products: products)
        run.releases = releases
        return try commit(run)
    }

    /// One change to a repository, as `commit` carries it out.
    struct Run: Sendable {
        enum Operation: Sendable, Equatable {
            case publish, remove, rotate, retire
        }

        var repository: String
        var formats: [any ArtifactFormat]
        var settings: RepositorySettings
        var signer: Signer
        var previous: [Signer]
        var url: String?
        var operation: Operation
        /// The projects the repository holds, in the order they joined it, each with its folder under `files/`.
        var products: [RepositoryRecord.Product]
        var releases: [VerifiedRelease] = []
        /// Releases to take out, by their folder under `files/` (`VERSION`, `PRODUCT/VERSION`).
        var removing: [String] = []

        /// Every key that signs the indexes; the first signs packages and files.
        var signers: [Signer] { [signer] + previous }
    }

    /// Stages what `run` changes, then renames it into place in the order clients read safely, then removes what
    /// no served generation names.
    static func commit(_ run: Run) throws -> Report {
        let root = URL(fileURLWithPath: run.repository).standardizedFileURL.path
        let formats = run.formats
        let settings = run.settings
        if run.operation == .publish {
            try prepare(root, folders: formats.compactMap { $0.repository?.folder })
        } else {
            _ = try RepositoryRecord.require(root)
        }
        let lock: FolderLock
        do {
            lock = try FolderLock(folder: root, wait: false)
        } catch is FolderLock.Busy {
            throw Busy(path: root)
        }
        defer { lock.release() }
        StagingArea.sweep(root)
        removeEmptyFolders(root + "/" + filesFolder)
        try RepositoryRecord.checkKeys(root, run: run)
        // Whatever fails before the renames leaves temporary names and newly placed files behind, removed here;
        // the repository clients read is untouched.
        var areas: [StagingArea] = []
        do {
            // Every release already published, as its manifest says, and the page that lists them, read while the
            // indexes are staged.
            let files = root + "/" + filesFolder
            let existing = try Published.read(files: files, page: root + "/index.html")
            let removing = Set(run.removing)
            for slot in run.removing where existing.manifests[slot] == nil {
                let held = ordered(existing.manifests.keys, products: run.products).map { reported($0, products: run.products) }
                throw RepositoryError(path: root, reason: "holds no release \(reported(slot, products: run.products)) (it holds \(held.joined(separator: ", ")))")
            }
            if !removing.isEmpty && removing.isSuperset(of: existing.manifests.keys) {
                throw RepositoryError(path: root, reason: "would hold no release once \(run.removing.map { reported($0, products: run.products) }.joined(separator: ", ")) is taken out; a repository keeps at least one")
            }
            // Where the releases taken out have their packages, by format folder.
            var removedLocations: [String: Set<String>] = [:]
            for version in run.removing {
                let manifest = try ReleaseManifest.read(existing.manifests[version]!, file: files + "/" + version + "/" + manifestName)
                for artifact in manifest.artifacts where !artifact.href.hasPrefix(filesFolder + "/") {
                    let folder = String(artifact.href.prefix { $0 != "/" })
                    removedLocations[folder, default: []].insert(String(artifact.href.dropFirst(folder.count + 1)))
                }
            }

            var renames: [(from: String, to: String)] = []
            var removals: [String] = []
            var formatReleases: [String: [String]] = [:]
            var locations: [String: String] = [:]
            var resigned: [String: ResignedPackage] = [:]
            var jobs: [(format: String, repository: any PackageRepository, change: RepositoryChange)] = []
            for format in formats {
                guard let repository = format.repository else { continue }
                var packages: [PublishedPackage] = []
                for release in run.releases {
                    for (name, expectation) in release.expected.sorted(by: { $0.key < $1.key }) {
                        guard case .package = expectation.role, expectation.format.name == format.name else { continue }
                        packages.append(PublishedPackage(path: release.directory + "/" + name, release: release.version,
                                                         sha256: release.digests[name]?.sha256))
                    }
                }
                guard !packages.isEmpty || FileManager.default.fileExists(atPath: root + "/" + repository.folder) else { continue }
                jobs.append((format.name, repository,
                             RepositoryChange(packages: packages, removing: removedLocations[repository.folder] ?? [],
                                              resigner: run.operation == .rotate ? run.signer : nil, signers: run.signers)))
            }
            // Each format's repository is its own folder and indexes: staged at once, each on a thread of its own
            // (not nested in one concurrentMap, which would run the stages' own per-package work on one core).
            areas = jobs.map { _ in StagingArea() }
            let staging = zip(jobs, areas).map { job, area in
                Promise<StagedRepository>.start {
                    try job.repository.stage(job.change, at: root + "/" + job.repository.folder, settings: settings, staging: area)
                }
            }
            // Every stage finishes before any error is thrown, so none is left writing while the run cleans up.
            let outcomes = staging.map { promise in Result { try promise.wait() } }
            let stagedRepositories = try outcomes.map { try $0.get() }
            for (job, staged) in zip(jobs, stagedRepositories) {
                renames += staged.renames
                removals += staged.removals
                formatReleases[job.format] = staged.releases
                for (path, location) in staged.locations { locations[path] = job.repository.folder + "/" + location }
                for var package in staged.resigned {
                    package.location = job.repository.folder + "/" + package.location
                    resigned[OutputFile.basename(of: package.location)] = package
                }
            }

            // The other files of each release, with a manifest of the release for the page; releases on every core.
            try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
            for folder in Set(run.releases.map { OutputFile.directory(of: files + "/" + $0.slot) }) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            let placedAt = locations
            var placed = try run.releases.concurrentMap { release -> PlacedRelease in
                let target = files + "/" + release.slot
                let manifest = try ReleaseManifest.make(release.directory, version: release.version, slot: release.slot,
                                                        product: release.product, expected: release.expected,
                                                        locations: placedAt, digests: release.digests, listed: release.listed)
                let json = try manifest.json()
                // Its section of the page, drawn here on every core rather than after, one release at a time.
                var result = PlacedRelease(slot: release.slot, json: json,
                                           section: IndexPage.section(manifest, key: IndexPage.key(manifest: json)))
                let held = try existing.manifests[release.slot].map { json in
                    try ReleaseManifest.read(json, file: target + "/" + manifestName).sameArtifacts(as: manifest)
                }
                if try RepositoryPolicy.admit("version \(reported(release.slot, products: run.products))", held: held, from: release.directory,
                                              replace: settings.replace) == .unchanged {
                    return result
                }
                let staging = stagingFolder(for: target)
                // Under files/ (or a product's folder in it), made above: one mkdir.
                guard mkdir(staging, 0o755) == 0 else { throw IOError("mkdir", path: staging, errno: errno) }
                for file in manifest.filesBeside {
                    try StagingArea.fillNewFolder(staging + "/" + file, from: release.directory + "/" + file)
                }
                try StagingArea.fillNewFolder(staging + "/" + manifestName, with: result.json)
                result.replace(target, with: staging, under: files)
                result.added = true
                return result
            }
            // A rotation signs every release's files again, and rewrites what lists the packages' digests.
            if run.operation == .rotate {
                let resignedPackages = resigned
                let versions = existing.manifests.keys.filter { !removing.contains($0) }.sorted()
                placed += try versions.concurrentMap { version in
                    try ReleaseFiles.resign(version, files: files, manifest: existing.manifests[version]!,
                                            packages: resignedPackages, signer: run.signer)
                }
            }
            var added: [String] = []
            var fresh: [String: IndexPage.Section] = [:]
            var exchanges: [(from: String, to: String)] = []
            for release in placed {
                fresh[release.slot] = release.section
                renames += release.renames
                exchanges += release.exchanges
                removals += release.removals
                if release.added { added.append(release.slot) }
            }

            // Every release the repository will hold, by product, newest first; the oldest of a product published
            // now beyond --keep leave files/ too, as do the releases taken out.
            var slots = Set(existing.manifests.keys).subtracting(removing)
            slots.formUnion(run.releases.map(\.slot))
            for slot in removing { removals.append(files + "/" + slot) }
            if let keep = settings.keep {
                let first = run.products[0].name
                for product in Set(run.releases.map { Self.product(of: $0.slot, first: first) }) {
                    let held = ordered(slots.filter { Self.product(of: $0, first: first) == product }, products: run.products)
                    for slot in held.dropFirst(keep) {
                        removals.append(files + "/" + slot)
                        slots.remove(slot)
                    }
                }
            }
            let ordered = ordered(slots, products: run.products)

            // The key, how clients add the repository, the record and the page; last, since they describe the rest.
            let top = StagingArea()
            let recorded = try RepositoryRecord.read(root)
            let url = run.url ?? recorded?.url ?? "file://" + root
            try top.stage(Array(Certificate.armoredPublicKeys(run.signers.map(\.certificate)).utf8), as: root + "/" + settings.keyFile)
            var served: [String] = []
            for format in formats {
                guard let repository = format.repository,
                      formatReleases[format.name] != nil || FileManager.default.fileExists(atPath: root + "/" + repository.folder) else { continue }
                served.append(format.name)
                for (name, contents) in repository.clientFiles(url: url, settings: settings) {
                    try top.stage(Array(contents.utf8), as: root + "/" + name)
                }
            }
            // A release's section of the page is drawn again only when its manifest is new or changed. In a
            // repository of several products, each product's releases follow a heading with its install commands.
            let first = run.products[0].name
            let shown = Set(ordered.map { Self.product(of: $0, first: first) })
            var sections: [IndexPage.Section] = []
            var heading: String?
            for slot in ordered {
                let product = Self.product(of: slot, first: first)
                if shown.count > 1, product != heading, let named = run.products.first(where: { $0.name == product }) {
                    heading = product
                    var installing = settings
                    installing.install = named.install
                    sections.append(IndexPage.productHeading(product, commands: formats.compactMap { format in
                        served.contains(format.name) ? format.repository?.clientInstructions(url: url, settings: installing).commands.last : nil
                    }))
                }
                if let section = fresh[slot] {
                    sections.append(section)
                    continue
                }
                guard let json = existing.manifests[slot] else { continue }
                let key = IndexPage.key(manifest: json)
                if let html = existing.sections[key] {
                    sections.append(IndexPage.Section(key: key, html: html))
                } else {
                    sections.append(IndexPage.section(try ReleaseManifest.read(json, file: files + "/" + slot + "/" + manifestName), key: key))
                }
            }
            let clients = formats.compactMap { format in
                served.contains(format.name) ? format.repository?.clientInstructions(url: url, settings: settings) : nil
            }
            try top.stage(IndexPage.render(sections, settings: settings, clients: clients,
                                           fingerprint: run.signer.certificate.fingerprintHex),
                          as: root + "/index.html")
            try top.stage(RepositoryRecord(settings: settings, url: url, keys: run.signers.map(\.certificate.fingerprintHex),
                                           formats: served, products: run.products).json(), as: root + "/" + RepositoryRecord.fileName)

            // Committing: from here what was placed is what the new indexes name, never discarded.
            areas = []
            // FALCOPACK_KILL_AFTER_RENAMES=N kills the run after its Nth rename (those that retire what goes
            // included): how the tests stop it between every two.
            let killAfter = ProcessInfo.processInfo.environment["FALCOPACK_KILL_AFTER_RENAMES"].flatMap { Int($0) }
            var done = 0
            func step() {
                done += 1
                if done == killAfter { kill(getpid(), SIGKILL) }
            }
            for (from, to) in renames { try StagingArea.rename(from, to); step() }
            for (from, to) in exchanges { try StagingArea.exchange(from, to); step() }
            for (from, to) in top.renames { try StagingArea.rename(from, to); step() }
            // Committed: what goes leaves its name first, a step each (a run stopped after it leaves names the next
            // sweeps, never a release folder half removed), then its files; what cannot go is left behind, and said.
            var warnings: [String] = []
            var retired: [String] = []
            for path in removals {
                do {
                    retired.append(try StagingArea.retire(path))
                    step()
                } catch {
                    warnings.append("\(path): left behind, as it cannot be removed: \(error.localizedDescription)")
                }
            }
            for path in retired {
                do {
                    try FileManager.default.removeItem(atPath: path)
                } catch {
                    warnings.append("\(path): left behind, as it cannot be removed: \(error.localizedDescription)")
                }
            }
            // A product whose last release left has no folder.
            removeEmptyFolders(files)
            return Report(added: added.map { reported($0, products: run.products) },
                          releases: ordered.map { reported($0, products: run.products) }, warnings: warnings,
                          removed: run.removing.map { reported($0, products: run.products) },
                          resigned: resigned.values.filter { $0.previousSHA256 != $0.sha256 }.count)
        } catch {
            for area in areas { area.discardPlaced() }
            StagingArea.sweep(root)
            throw error
        }
    }

    /// Replaces each group of release folders of one version by the release they join into; returns the folders made.
    static func joinHalves(_ request: inout Request) throws -> [String] {
        var byVersion: [String: [String]] = [:]
        var order: [String] = []
        for directory in request.releases {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { !$0.hasPrefix(".") } ?? []
            let key = request.convention.version(explaining: names) ?? directory
            if byVersion[key] == nil { order.append(key) }
            byVersion[key, default: []].append(directory)
        }
        guard byVersion.values.contains(where: { $0.count > 1 }) else { return [] }
        var made: [String] = []
        var releases: [String] = []
        do {
            for key in order {
                let group = byVersion[key]!
                guard group.count > 1 else {
                    releases += group
                    continue
                }
                let folder = NSTemporaryDirectory() + "/falcopack-publish." + StagingArea.uniqueSuffix()
                made.append(folder)
                var context = BuildContext(sourceDateEpoch: request.date)
                context.tool = request.tool
                _ = try Merger.merge(Merger.Request(releases: group, output: folder, convention: request.convention,
                                                    signer: request.signer, context: context))
                releases.append(folder)
            }
        } catch {
            for folder in made { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
        request.releases = releases
        return made
    }

    /// One release staged under `files/`: its manifest, its section of the page, the renames that make it live.
    struct PlacedRelease: Sendable {
        /// Its folder under `files/`.
        var slot: String
        var json: [UInt8]
        var section: IndexPage.Section
        var renames: [(from: String, to: String)] = []
        var removals: [String] = []
        var added = false

        /// Folders swapped in one step, `staging` into `target`'s place.
        var exchanges: [(from: String, to: String)] = []

        /// `staging` becomes `target`; what `target` held goes once the run has committed.
        mutating func replace(_ target: String, with staging: String, under files: String) {
            if FileManager.default.fileExists(atPath: target) {
                exchanges.append((staging, target))
                removals.append(staging)
            } else {
                renames.append((staging, target))
            }
        }
    }

    /// What the repository already publishes: each release's manifest as bytes, by version, and the sections of
    /// the page that lists them, by key.
    struct Published: Sendable {
        var manifests: [String: [UInt8]] = [:]
        var sections: [String: ArraySlice<UInt8>] = [:]

        /// Every folder under `files/` is a release with its manifest: one without is an error, not a release the
        /// page would silently drop.
        static func read(files: String, page: String) throws -> Published {
            var published = Published()
            let versions = FileManager.default.fileExists(atPath: files)
                ? try FileManager.default.contentsOfDirectory(atPath: files) : []
            for version in versions where !version.hasPrefix(".") {
                let path = files + "/" + version + "/" + manifestName
                if let data = FileReader.contents(of: path) {
                    published.manifests[version] = data
                    continue
                }
                // A product's folder holds its releases' folders.
                let inside = (try? FileManager.default.contentsOfDirectory(atPath: files + "/" + version))?
                    .filter { !$0.hasPrefix(".") } ?? []
                let releases = inside.compactMap { name in
                    FileReader.contents(of: files + "/" + version + "/" + name + "/" + manifestName).map { (name, $0) }
                }
                guard !releases.isEmpty, releases.count == inside.count else {
                    let missing = inside.first { name in !releases.contains { $0.0 == name } }
                    throw IndexError(file: missing.map { files + "/" + version + "/" + $0 + "/" + manifestName } ?? path,
                                     field: "(document)", "missing or unreadable: every release folder holds its manifest")
                }
                for (name, data) in releases { published.manifests[version + "/" + name] = data }
            }
            if let data = FileReader.contents(of: page, limit: 1 << 30) { published.sections = IndexPage.sections(in: Array(data)) }
            return published
        }
    }

    /// Removes the folders under `files` that hold nothing: a product's folder made by a run stopped before its
    /// release reached it, or emptied when its last release left. A release folder is never empty, and `rmdir`
    /// takes only empty ones.
    static func removeEmptyFolders(_ files: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: files)) ?? [] where !name.hasPrefix(".") {
            _ = rmdir(files + "/" + name)
        }
    }

    /// The product a release folder under `files/` belongs to: `PRODUCT/VERSION`, or `VERSION` for the first
    /// product of a repository published before products were.
    static func product(of slot: String, first: String) -> String {
        slot.contains("/") ? String(slot.prefix { $0 != "/" }) : first
    }

    /// Release folders in the order the page lists them: by product, in the order they joined the repository, then
    /// newest first.
    static func ordered<S: Sequence<String>>(_ slots: S, products: [RepositoryRecord.Product]) -> [String] {
        let first = products.first?.name ?? ""
        var byProduct: [String: [String: String]] = [:]
        for slot in slots {
            byProduct[product(of: slot, first: first), default: [:]][String(slot.split(separator: "/").last ?? "")] = slot
        }
        let names = products.map(\.name).filter { byProduct[$0] != nil } + byProduct.keys.filter { name in
            !products.contains { $0.name == name }
        }.sorted()
        return names.flatMap { name in
            RepositoryPolicy.newestFirst(byProduct[name]!.keys, order: VersionOrder.order).map { byProduct[name]![$0]! }
        }
    }

    /// A release as publish and repo report it: the first product's by version, another's as PRODUCT/VERSION.
    static func reported(_ slot: String, products: [RepositoryRecord.Product]) -> String {
        let first = products.first?.name ?? ""
        return product(of: slot, first: first) == first ? String(slot.split(separator: "/").last ?? "") : slot
    }

    /// A temporary folder beside `target`, in the same folder so that one rename or exchange makes it `target`.
    static func stagingFolder(for target: String) -> String {
        OutputFile.directory(of: target) + "/" + StagingArea.temporaryPrefix + OutputFile.basename(of: target) + "."
            + StagingArea.uniqueSuffix()
    }

    /// The package the page tells users of the spec's product to install.
    static func installedPackage(_ request: Request) throws -> String {
        let spec = request.convention.spec
        let package = try request.convention.expand(spec.package.name)
        if let template = spec.repository?.install {
            let text = try request.convention.expand(template)
            if !text.isEmpty { return text }
        }
        return try spec.defaultVariant.map { try request.convention.expand($0.package) } ?? package
    }

    /// The spec's `repository` section; what it leaves out comes from the package: its name names the client and
    /// key files, capitalised it is the origin and label, and the default variant's package is the one to install.
    static func repositorySettings(_ request: Request) throws -> RepositorySettings {
        let spec = request.convention.spec
        let section = spec.repository
        let convention = request.convention
        func value(_ template: Template?, _ fallback: @autoclosure () throws -> String) throws -> String {
            guard let template else { return try fallback() }
            let text = try convention.expand(template)
            return text.isEmpty ? try fallback() : text
        }
        let package = try convention.expand(spec.package.name)
        let title = package.prefix(1).uppercased() + package.dropFirst()
        let name = try value(section?.name, package)
        return RepositorySettings(
            name: name, origin: try value(section?.origin, title), label: try value(section?.label, title),
            suite: try value(section?.suite, "stable"), codename: try value(section?.codename, "stable"),
            component: try value(section?.component, "main"),
            architectures: section?.architectures.isEmpty == false ? section!.architectures : spec.package.architectures,
            date: request.date, keep: request.keep, replace: request.replace,
            keyFile: ReleaseLayout.armoredName(name),
            install: try value(section?.install, try spec.defaultVariant.map { try convention.expand($0.package) } ?? package))
    }

    /// The folder exists and is a repository falcopack made, or empty.
    static func prepare(_ root: String, folders: [String]) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw RepositoryError(path: root, reason: "is a file, not a repository folder") }
            let entries = try FileManager.default.contentsOfDirectory(atPath: root).filter { !$0.hasPrefix(".") }
            let known = Set(folders + [filesFolder, "index.html"])
            if !entries.isEmpty && Set(entries).isDisjoint(with: known) {
                throw RepositoryError(path: root, reason: "is not a repository falcopack made (it holds \(entries.prefix(3).joined(separator: ", "))); publish into an empty or new folder")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            } catch {
                throw OutputFolderError(path: root, reason: "cannot be created", role: "repository", flag: "--repo")
            }
        }
    }
}

/// The order of release versions: runs of digits compared as numbers, other runs as text, `~` first; what orders
/// `files/` and the page, whatever format the packages are in.
enum VersionOrder {
    static func compare(_ a: String, _ b: String) -> Int {
        compare(runs: runs(a), runs(b))
    }

    /// The order as the release files use it: each version split into runs once.
    static let order = RepositoryPolicy.Order(parse: runs, compare: compare(runs:_:))

    static func compare(runs x: [String], _ y: [String]) -> Int {
        for (p, q) in zip(x, y) where p != q {
            if let m = Int(p), let n = Int(q) { return m < n ? -1 : 1 }
            if p.hasPrefix("~") != q.hasPrefix("~") { return p.hasPrefix("~") ? -1 : 1 }
            return p < q ? -1 : 1
        }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
    }

    static func runs(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var digits: Bool?
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            if digits != isDigit, !current.isEmpty {
                out.append(current)
                current = ""
            }
            digits = isDigit
            current.append(character)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
