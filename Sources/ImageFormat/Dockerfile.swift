import Foundation
import PackageModel

/// The Dockerfile that documents an image: what it is built from, its layers, its configuration and how to run
/// it. Equivalent to what falcopack wrote: the build context holds `layers/NAME/`, each with one layer's files.
enum Dockerfile {
    static func text(for written: ImageSetWriter.WrittenImage) -> String {
        let image = written.image
        var lines = [
            "# \(image.references.joined(separator: ", "))",
            "#",
            "# Written by falcopack with the image, and equivalent to it: the build context holds layers/NAME/, one folder",
            "# per layer below with that layer's files, as the image's own layers hold them.",
            "#",
            "# Usage:",
        ]
        lines += image.usage.split(separator: "\n").map { "#   " + $0 }
        lines.append("")
        switch image.base {
        case .scratch:
            lines.append("FROM scratch")
        case .rootfs:
            lines.append("# The base is a root file system tarball, \(written.base.name), whose bytes are the first layer.")
            lines.append("FROM scratch")
            lines.append("ADD \(written.base.name) /")
        default:
            lines.append("FROM \(written.base.name)" + (written.base.digest.map { "@\($0)" } ?? ""))
        }
        for name in image.layers {
            lines.append("COPY layers/\(name)/ /")
        }
        for variable in image.config.environment {
            lines.append("ENV \(variable.name)=\(quoted(variable.value))")
        }
        if let directory = image.config.workingDirectory { lines.append("WORKDIR \(quoted(directory))") }
        for (name, value) in image.config.labels.sorted(by: { $0.key < $1.key }) {
            lines.append("LABEL \(quoted(name))=\(quoted(value))")
        }
        if let entrypoint = image.config.entrypoint { lines.append("ENTRYPOINT \(execForm(entrypoint))") }
        if let command = image.config.command { lines.append("CMD \(execForm(command))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A double-quoted word, with the characters the Dockerfile parser would otherwise read as syntax (`"`, `\`,
    /// `$`) escaped, so that a value stays data. Labels and variables hold no line breaks (a Dockerfile cannot).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            switch character {
            case "\"", "\\", "$": out += "\\" + String(character)
            case "\n": out += " "
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// The JSON array form of ENTRYPOINT and CMD: no shell.
    static func execForm(_ words: [String]) -> String {
        "[" + words.map { word in
            var out = "\""
            for scalar in word.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }.joined(separator: ", ") + "]"
    }
}
