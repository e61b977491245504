import ArgumentParser
import FalcoArtifacts
import FormatSeam
import Foundation
import Signing

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the metadata, files and signatures of a deb, rpm, tarball or image layout, read natively.")

    @Argument(help: "The artifact to read.") var file: String
    @Option(help: ArgumentHelp("Also check the artifact's signatures against this OpenPGP public key.", valueName: "file"))
    var publicKey: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let inspection: Inspection
        let signatures: [SignatureReport]
        do {
            inspection = try FalcoBuild.inspect(path: file)
            signatures = try FalcoBuild.signatures(of: file, publicKey: publicKey)
        } catch {
            throw Failure.exit(for: error)
        }
        if json {
            try JSONOutput.print([
                "path": inspection.path, "format": inspection.format,
                "signatures": signatures.map { report -> [String: Any] in
                    var entry: [String: Any] = ["subject": report.subject, "key_id": report.keyID,
                                                "algorithm": report.algorithm]
                    if let fingerprint = report.fingerprint { entry["fingerprint"] = fingerprint }
                    if let created = report.created { entry["created"] = Self.date(created) }
                    if let signer = report.signer { entry["signer"] = signer }
                    if let verdict = report.verdict { entry["verified"] = Self.describe(verdict) }
                    return entry
                },
                "fields": Dictionary(inspection.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                "images": inspection.images.map { image -> [String: Any] in
                    var entry: [String: Any] = ["reference": image.reference, "manifest": image.manifest, "config": image.config,
                                                "layers": image.layers]
                    if let platform = image.platform { entry["platform"] = platform }
                    return entry
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
        if signatures.isEmpty { print("Signature: none") }
        for report in signatures {
            var line = "Signature: \(report.subject): \(report.algorithm), key \(report.fingerprint ?? report.keyID)"
            if let signer = report.signer { line += " (\(signer))" }
            if let created = report.created { line += ", made \(Self.date(created))" }
            if let verdict = report.verdict { line += ": \(Self.describe(verdict))" }
            print(line)
        }
        for image in inspection.images {
            print("image \(image.reference)\(image.platform.map { " " + $0 } ?? "") \(image.manifest)")
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

extension InspectCommand {
    static func date(_ seconds: UInt32) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func describe(_ verdict: Keyring.Verdict) -> String {
        switch verdict {
        case .good: "good"
        case .bad(let reason): "BAD (\(reason))"
        case .unknownKey(let id): "made by key \(id), not the key given"
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
