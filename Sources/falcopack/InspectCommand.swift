import ArgumentParser
import FalcoArtifacts
import FormatSeam

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show the metadata and files of a deb, rpm or tarball, read natively.")

    @Argument(help: "The artifact to read.") var file: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let inspection: Inspection
        do {
            inspection = try FalcoBuild.inspect(path: file)
        } catch {
            throw Failure.exit(for: error)
        }
        if json {
            try JSONOutput.print([
                "path": inspection.path, "format": inspection.format,
                "fields": Dictionary(inspection.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                "images": inspection.images.map { image -> [String: Any] in
                    ["reference": image.reference, "manifest": image.manifest, "config": image.config, "layers": image.layers]
                },
                "files": inspection.files.map { file -> [String: Any] in
                    var entry: [String: Any] = ["path": file.path, "type": file.type,
                                                "mode": String(file.permissions, radix: 8), "size": file.size]
                    if let target = file.linkTarget { entry["target"] = target }
                    return entry
                },
            ] as [String: Any])
            return
        }
        print("\(inspection.path): \(inspection.format)")
        for (name, value) in inspection.fields { print("\(name): \(value)") }
        for image in inspection.images {
            print("image \(image.reference) \(image.manifest)")
            for (name, value) in image.config.sorted(by: { $0.key < $1.key }) { print("  \(name): \(value)") }
            for layer in image.layers { print("  layer \(layer)") }
        }
        if inspection.images.isEmpty { print("files: \(inspection.files.count)") }
        for file in inspection.files {
            let mode = String(file.permissions, radix: 8)
            let link = file.linkTarget.map { " -> \($0)" } ?? ""
            print("  \(String(repeating: "0", count: max(0, 4 - mode.count)) + mode) \(String(file.size).leftPadded(10)) \(file.path)\(link)")
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
