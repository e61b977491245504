import Foundation
import TestSupport

/// dnf as a client of a published repository's `rpm/` folder (or of the server at `url`), signed by `key`, in an install root and cache of its
/// own under `work`; `options` go before the command (`--forcearch=aarch64`).
func dnf(_ repository: String, _ arguments: [String], work: TemporaryDirectory, key: String,
         options: [String] = [], url: String? = nil, cache: String? = nil) throws -> ToolResult {
    let repos = work.file("repos"), cache = cache ?? work.file("cache-\(UUID().uuidString.prefix(6))"), root = work.file("dnfroot")
    try FileManager.default.createDirectory(atPath: repos, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    try """
        [falco]
        name=Falco
        baseurl=\(url ?? "file://" + repository)/rpm
        enabled=1
        gpgcheck=1
        repo_gpgcheck=1
        gpgkey=file://\(key)

        """.write(toFile: repos + "/falco.repo", atomically: true, encoding: .utf8)
    return try run(["dnf", "-y"] + options + ["--installroot=\(root)", "--releasever=12", "--setopt=reposdir=\(repos)",
                    "--setopt=cachedir=\(cache)", "--setopt=skip_if_unavailable=False", "--disablerepo=*",
                    "--enablerepo=falco"] + arguments)
}
