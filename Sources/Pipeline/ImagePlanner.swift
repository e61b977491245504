import Codecs
import FormatSeam
import Foundation
import PackageModel
import ReleaseLayout
import SpecFile

/// Plans the spec's images as one image set: each layer by component resolved to files (from a variant's files,
/// files of its own, a package manager's record, or this build's artifacts), each image's base read and checked,
/// its tags chosen by channel.
extension Planner {
    /// The image set: each image once per platform it has among the selected architectures. A layer whose files
    /// are the same on every platform (a script, the driver sources) is one layer; one that differs (the binary)
    /// is one per platform. Nil when no image has a selected platform.
    func imageJob(_ entry: ReleaseLayout.Entry, names: [String], others: [Job],
                  architectures selected: Set<Architecture>, imagesOnly: Bool) throws -> Job? {
        let section = spec.images!, format = entry.format!, scope = entry.scope
        let channel = try section.channel?.expand(in: scope) ?? section.tags.first?.channel ?? ""
        guard let tags = entry.channels.first(where: { $0.name == channel })?.tags else {
            let (location, category) = section.channel.map(origin(of:)) ?? (section.location, .spec)
            throw SpecError(category, at: location,
                            "channel '\(channel)' has no tags (channels: \(section.tags.map(\.channel).joined(separator: ", ")))")
        }
        guard let firstTag = tags.first else {
            throw SpecError(at: section.location, "channel '\(channel)' lists no tags")
        }
        let repository = try section.repository.expand(in: scope)
        var provenance = Provenance(spec: spec)
        let codec = try section.compression.map { try parseCodec($0, in: scope) } ?? format.defaultCodec
        provenance.codec = section.compression.map { ($0.location, .spec) }

        var layers: [String: ImageLayer] = [:]
        var layerCompression: [String: LayerCompression] = [:]
        /// Each layer's key on each platform.
        var keys: [Architecture: [String: String]] = [:]
        var needs: [String] = []
        var images: [ContainerImage] = []
        /// The key a layer of these files has: the one of another platform with the same files, else its own.
        func key(for layer: ImageLayer, named name: String, on platform: Architecture) -> String {
            if let shared = ([name] + layers.keys.filter { $0.hasPrefix(name + "@") }.sorted()).first(where: { layers[$0] == layer }) {
                return shared
            }
            return layers[name] == nil ? name : name + "@" + platform.rawValue
        }
        for name in names {
            guard let imageEntry = section.images.first(where: { $0.name == name }) else {
                throw SpecError(.usage, at: SourceLocation(file: "--name"),
                                "'\(name)' is not an image of \(spec.file) (images: \(section.images.map(\.name).joined(separator: ", ")))")
            }
            let platforms = (imageEntry.architectures ?? spec.package.architectures).filter(selected.contains)
            if platforms.isEmpty && imagesOnly {
                throw SpecError(.usage, at: SourceLocation(file: "--arch"),
                                "the image '\(name)' has none of the architectures chosen (it has \((imageEntry.architectures ?? spec.package.architectures).map(\.rawValue).joined(separator: ", ")))")
            }
            for platform in platforms {
                let imageScope = ArtifactScope.architecture(scope, spec: spec, platform)
                imageScope.set("arch", format.architectureName(platform))
                imageScope.set("image", name)
                imageScope.set("tag", firstTag)
                imageScope.set("reference", "\(repository)/\(name):\(firstTag)")
                var imageFiles: [PackageFile] = []
                var layerKeys: [String] = []
                for (layerName, location) in imageEntry.layers {
                    guard let layerEntry = section.layers.first(where: { $0.name == layerName }) else {
                        throw SpecError(at: location, "no image-layers entry is named '\(layerName)'")
                    }
                    var layer = try imageLayer(layerEntry, format: format, architecture: platform, scope: imageScope,
                                               others: others, needs: &needs)
                    let compression = try compression(of: layerEntry, scope: imageScope, default: codec)
                    if let resolved = layerCompression[layerName], resolved != compression {
                        throw SpecError(at: location, "layer '\(layerName)' would be compressed otherwise in image '\(name)' than in another image; give it a name of its own here")
                    }
                    if let installed = layerEntry.installed {
                        // The record covers the package's files this image holds below it.
                        layer.installedRecord = try installedRecord(installed, architecture: platform,
                                                                    holding: Set(imageFiles.map(\.path)))
                    }
                    let layerKey: String
                    if let known = keys[platform]?[layerName] {
                        guard layers[known] == layer else {
                            throw SpecError(at: location, "layer '\(layerName)' would hold other files in image '\(name)' than in another image; give it a name of its own here")
                        }
                        layerKey = known
                    } else {
                        layerKey = key(for: layer, named: layerName, on: platform)
                        keys[platform, default: [:]][layerName] = layerKey
                    }
                    layerCompression[layerKey] = compression
                    layerCompression[layerName] = compression
                    provenance.layers[layerKey] = layerEntry.compression.map { ($0.location, .spec) }
                    layers[layerKey] = layer
                    imageFiles += layer.files
                    layerKeys.append(layerKey)
                }
                let usage = try imageEntry.usage.expand(in: imageScope)
                // Every image answers `usage`: the text and a command that prints it.
                let usageLayer = ImageLayer(name: "usage-\(name)", files: [
                    PackageFile(path: "/usr/share/falcopack/usage", type: .generated(Array(usage.utf8)), permissions: 0o644),
                    PackageFile(path: "/usr/local/bin/usage",
                                type: .generated(Array("#!/bin/sh\n# Prints how to run this image.\nexec cat /usr/share/falcopack/usage\n".utf8)),
                                permissions: 0o755),
                ])
                let usageKey = key(for: usageLayer, named: usageLayer.name, on: platform)
                layerCompression[usageKey] = .compressed(codec)
                layers[usageKey] = usageLayer
                layerKeys.append(usageKey)

                let baseText = try imageEntry.base.expand(in: imageScope)
                let baseOrigin = origin(of: imageEntry.base)
                let baseImage: BaseImage
                do {
                    baseImage = try BaseImage(parsing: baseText) { path in
                        var isFolder: ObjCBool = false
                        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                    }
                } catch let error as BaseImage.Invalid {
                    throw SpecError(baseOrigin.1 == .spec ? .input : baseOrigin.1, at: baseOrigin.0, error.description)
                }
                // A base that cannot be used is an input's fault, wherever its name was written.
                provenance.images[name] = (baseOrigin.0, .input)

                var labels: [String: String] = [:]
                for (label, value) in section.labels + imageEntry.labels { labels[label] = try value.expand(in: imageScope) }
                labels["usage"] = usage.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }.joined(separator: " ")
                let config = ImageConfig(
                    entrypoint: try imageEntry.entrypoint?.map { try $0.expand(in: imageScope) },
                    command: try imageEntry.command?.map { try $0.expand(in: imageScope) },
                    environment: try imageEntry.environment.map { EnvironmentVariable(name: $0.name, value: try $0.value.expand(in: imageScope)) },
                    workingDirectory: try imageEntry.workingDirectory?.expand(in: imageScope),
                    labels: labels)
                var references = tags.map { "\(repository)/\(name):\($0)" }
                for alias in imageEntry.aliases {
                    for tag in tags {
                        let aliasScope = imageScope.child()
                        aliasScope.set("tag", tag)
                        references.append("\(repository)/\(try alias.expand(in: aliasScope))")
                    }
                }
                images.append(ContainerImage(name: name, platform: platform, references: references,
                                             base: baseImage, layers: layerKeys, config: config, usage: usage))
            }
        }
        guard !images.isEmpty else { return nil }

        let metadata = try packageMetadata(format, name: try scope.value(of: "package", at: spec.package.name.location),
                                           summary: spec.package.summary, release: nil,
                                           architecture: spec.package.architectures[0], scope: scope,
                                           provenance: &provenance)
        let artifact = Artifact(package: Package(metadata: metadata, files: []), codec: codec,
                                images: ImageSet(images: images, layers: layers, platforms: spec.package.architectures),
                                layerCompression: layerCompression)
        try provenance.reporting { try format.validate(artifact) }
        return Job(name: entry.name, role: entry.role, format: format, artifact: artifact, folder: entry.folder,
                   needs: needs, signature: entry.signature)
    }

    /// The files of one layer by component.
    private func imageLayer(_ entry: LayerEntry, format: any ArtifactFormat, architecture: Architecture, scope: Scope,
                            others: [Job],
                            needs: inout [String]) throws -> ImageLayer {
        var files: [PlannedFile] = []
        if let from = entry.from {
            guard let variant = spec.variants.first(where: { $0.name == from.variant }) else {
                throw SpecError(at: from.location, "'\(from.variant)' is not a variant (variants: \(spec.variants.map(\.name).joined(separator: ", ")))")
            }
            let variantScope = try ArtifactScope.package(base, spec: spec, format: format, variant: variant,
                                                         architecture: architecture)
            let installed = try ContentResolver(root: .installPaths, scope: variantScope).resolve(spec.contents + variant.contents)
            for template in from.paths {
                var path = try template.expand(in: variantScope)
                while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
                let taken = installed.filter { $0.file.path == path || $0.file.path.hasPrefix(path + "/") }
                guard !taken.isEmpty else {
                    throw SpecError(at: template.location, "variant \(variant.name) installs nothing at '\(path)'")
                }
                files += taken.filter { planned in !files.contains { $0.file.path == planned.file.path } }
            }
        }
        files += try ContentResolver(root: .installPaths, scope: scope).resolve(entry.contents)
        if let artifacts = entry.artifacts {
            let destination = try artifacts.destination.expand(in: scope)
            for name in artifacts.formats where request.formats.named(name) == nil {
                throw SpecError(at: artifacts.location, "no format is named '\(name)'")
            }
            let names = releaseArtifacts(formats: Set(artifacts.formats), architecture: architecture)
            guard !names.isEmpty else {
                throw SpecError(at: artifacts.location, "the spec has no artifacts in the formats \(artifacts.formats.joined(separator: ", "))")
            }
            for name in names {
                let path = request.outputDirectory + "/" + name
                if others.contains(where: { $0.name == name }) {
                    needs.append(name)
                } else if !FileManager.default.fileExists(atPath: path) {
                    throw SpecError(.usage, at: artifacts.location,
                                    "the image layer '\(entry.name)' holds \(name), which is neither built now nor in \(request.outputDirectory); build it with `falcopack all`")
                }
                let destinationPath = destination.hasSuffix("/") ? destination + name : destination + "/" + name
                files.append(PlannedFile(file: PackageFile(path: destinationPath, type: .regular(source: path), permissions: 0o644),
                                         origin: artifacts.location))
            }
        }
        return ImageLayer(name: entry.name, files: files.map(\.file))
    }

    /// A layer's own compression (`codec[:level]` or `none`), else the set's.
    private func compression(of entry: LayerEntry, scope: Scope, default codec: Codec) throws -> LayerCompression {
        guard let template = entry.compression else { return .compressed(codec) }
        return try template.expand(in: scope) == "none" ? .uncompressed : .compressed(try parseCodec(template, in: scope))
    }

    /// The names this spec gives its packages and tarballs in `formats` for `architecture` (and those every
    /// architecture shares), whether or not this build writes them.
    private func releaseArtifacts(formats: Set<String>, architecture: Architecture) -> [String] {
        layout.entries.filter { entry in
            guard entry.architecture == nil || entry.architecture == architecture else { return false }
            return switch entry.role {
            case .package(let format, _), .tarball(_, let format): formats.contains(format)
            default: false
            }
        }.map(\.name)
    }

    /// What a format's package manager records of a variant's package, for the files of it an image holds.
    private func installedRecord(_ installed: LayerEntry.Installed, architecture: Architecture,
                                 holding paths: Set<String>) throws -> InstalledRecord {
        guard let format = request.formats.named(installed.format), let section = spec.formats[format.name] else {
            throw SpecError(at: installed.location, "'\(installed.format)' is not a package format of \(spec.file)")
        }
        guard let variant = spec.variants.first(where: { $0.name == installed.variant }) else {
            throw SpecError(at: installed.location, "'\(installed.variant)' is not a variant")
        }
        let scope = try ArtifactScope.package(base, spec: spec, format: format, variant: variant,
                                              architecture: architecture)
        let (artifact, provenance) = try packageArtifact(format, section: section, variant: variant,
                                                         architecture: architecture, scope: scope, codecOverride: nil)
        var package = artifact.package
        package.files = package.files.filter { file in
            paths.contains(file.path) || (file.type == .directory && paths.contains { $0.hasPrefix(file.path + "/") })
        }
        guard let record = try provenance.reporting({ try format.installedRecord(of: package) }) else {
            throw SpecError(at: installed.location, "falcopack cannot write \(format.name)'s record of an installed package")
        }
        return record
    }
}
