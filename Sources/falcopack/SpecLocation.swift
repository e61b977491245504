import Foundation

/// Where the spec is when none is named: `Specs/falco.yaml` in the working folder (a checkout), else the one
/// installed beside the executable, `../share/falcopack/Specs/falco.yaml` (`/usr/share/falcopack` for the packages).
enum SpecLocation {
    static let relative = "Specs/falco.yaml"

    static func resolve(_ given: String?) -> String {
        if let given { return given }
        if FileManager.default.fileExists(atPath: relative) { return relative }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let installed = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/falcopack/" + relative).path
        return FileManager.default.fileExists(atPath: installed) ? installed : relative
    }
}
