import Foundation
import SpecFile

/// The driver's name and version, as its sources declare them in `dkms.conf` (PACKAGE_NAME, PACKAGE_VERSION) and
/// `driver_config.h` (DRIVER_NAME, DRIVER_VERSION). Values given by the user win, but every file present must
/// agree with them: a package whose dkms.conf and compiled-in version disagree would build a module the loader
/// cannot find.
public struct DriverIdentity: Hashable, Sendable {
    public var name: String
    public var version: String

    public static func read(sources: String, name givenName: String?, version givenVersion: String?) throws -> DriverIdentity {
        var claims: [(field: String, file: String, name: String?, version: String?)] = []
        let dkms = sources + "/dkms.conf"
        if let text = try optionalText(dkms) {
            claims.append(("PACKAGE", dkms, shellValue("PACKAGE_NAME", in: text), shellValue("PACKAGE_VERSION", in: text)))
        }
        let config = sources + "/driver_config.h"
        if let text = try optionalText(config) {
            claims.append(("DRIVER", config, defineValue("DRIVER_NAME", in: text), defineValue("DRIVER_VERSION", in: text)))
        }

        func settle(_ what: String, given: String?, _ value: (String, String?, String?) -> String?, flag: String) throws -> String {
            var chosen = given.flatMap { $0.isEmpty ? nil : $0 }
            var source = "--\(flag)"
            for claim in claims {
                guard let claimed = value(claim.field, claim.name, claim.version) else { continue }
                if let current = chosen, current != claimed {
                    throw SpecError(.input, at: SourceLocation(file: claim.file),
                                    "\(claim.field)_\(what.uppercased()) is '\(claimed)' but \(source) says '\(current)'; the driver sources must agree with themselves and with --\(flag)")
                }
                if chosen == nil { source = claim.file }
                chosen = claimed
            }
            guard let chosen, !chosen.isEmpty else {
                throw SpecError(.input, at: SourceLocation(file: sources),
                                "cannot tell the driver \(what): no dkms.conf or driver_config.h declares it (pass --\(flag))")
            }
            return chosen
        }
        let name = try settle("name", given: givenName, { _, name, _ in name }, flag: "driver-name")
        let version = try settle("version", given: givenVersion, { _, _, version in version }, flag: "driver-version")
        for (text, what) in [(name, "name"), (version, "version")] {
            guard text.range(of: #"^[A-Za-z0-9][A-Za-z0-9.+~_-]*$"#, options: .regularExpression) != nil else {
                throw SpecError(.input, at: SourceLocation(file: sources),
                                "driver \(what) '\(text)' must hold only letters, digits and . + ~ _ -")
            }
        }
        return DriverIdentity(name: name, version: version)
    }

    /// The text of a file the sources may lack; one they have but that cannot be read is an error.
    static func optionalText(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SpecError(.input, at: SourceLocation(file: path), "cannot read the file as UTF-8 text")
        }
        return text
    }

    /// `KEY="value"` or `KEY=value` in a shell-style file.
    static func shellValue(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key + "=") else { continue }
            return String(trimmed.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
        return nil
    }

    /// `#define KEY "value"` in a C header.
    static func defineValue(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 3, parts[0] == "#define", parts[1] == key else { continue }
            return parts[2...].joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
