import Foundation

/// Paths a spec, an input or an nfpm configuration names, made absolute the one way.
public enum SpecPath {
    /// `path` made absolute against `base`, itself taken from the working folder when relative (the working folder
    /// itself when empty).
    public static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        let cwd = FileManager.default.currentDirectoryPath
        let root = base.hasPrefix("/") ? base : (base.isEmpty ? cwd : cwd + "/" + base)
        return ((root + "/" + path) as NSString).standardizingPath
    }
}
