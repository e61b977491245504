import Foundation

/// The directory holding the products of this build (the test runner lives beside them).
public func productsDirectory() -> String {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = (runner as NSString).deletingLastPathComponent
    // On Linux the runner is `<products>/falcopackPackageTests.xctest`; on other layouts, walk up to it.
    while !directory.isEmpty && directory != "/" && !FileManager.default.fileExists(atPath: directory + "/falcopack") {
        directory = (directory as NSString).deletingLastPathComponent
    }
    return directory
}

/// Path of the built `falcopack` executable.
public func falcopackExecutable() -> String {
    productsDirectory() + "/falcopack"
}

/// The repository's root folder (where Package.swift is), found from this file's path.
public func repositoryRoot(_ file: String = #filePath) -> String {
    var directory = (file as NSString).deletingLastPathComponent
    while directory != "/" && !FileManager.default.fileExists(atPath: directory + "/Package.swift") {
        directory = (directory as NSString).deletingLastPathComponent
    }
    return directory
}
