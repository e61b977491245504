import ByteIO
import FormatSeam
import Foundation

/// How a repository folder goes to object storage or any static server so that a client reading at any moment
/// sees the old repository or the new one, whole: first the files no served index names yet (packages, by-hash
/// indexes, metadata named by digest), then each format's indexes in its order, then the release files and the
/// top files, each of those under a temporary name moved into place; last, once a CDN's cache time has passed,
/// the removal of what neither the new nor the previous generation names (the folder holds exactly those two).
public struct UploadPlan: Sendable {
    /// A file whose bytes go under a name clients read, which may hold other bytes now.
    public struct Step: Sendable, Equatable {
        public var source: String
        public var target: String
    }

    /// Phase 1: files whose names never change bytes; copied when the remote lacks them.
    public var content: [String]
    /// Phase 2: the key and each format's indexes, in order.
    public var indexes: [Step]
    /// Phase 3: each release's signed lists and signatures, then the client files, the record and the page.
    public var top: [Step]
    /// Phase 4: everything the remote may keep; the rest goes.
    public var keep: [String]

    /// The plan for the repository folder `repository`.
    public static func make(_ repository: String, formats: [any ArtifactFormat]) throws -> UploadPlan {
        let root = URL(fileURLWithPath: repository).standardizedFileURL.path
        let record = try RepositoryRecord.require(root)
        let settings = try record.settings(date: 0)
        var all: [String] = []
        func walk(_ relative: String) {
            for (name, isFolder) in FolderEntries.list(relative.isEmpty ? root : root + "/" + relative, followingLinks: false) ?? []
                where !name.hasPrefix(".") {
                let path = relative.isEmpty ? name : relative + "/" + name
                if isFolder { walk(path) } else { all.append(path) }
            }
        }
        walk("")
        all.sort()
        let present = Set(all)

        var indexes = [Step(source: record.keyFile, target: record.keyFile)]
        for format in formats where record.formats.contains(format.name) {
            guard let repository = format.repository else { continue }
            for (source, target) in repository.uploadOrder(settings: settings) {
                let step = Step(source: repository.folder + "/" + source, target: repository.folder + "/" + target)
                if present.contains(step.source) { indexes.append(step) }
            }
        }
        // A release's files that change with a rotation: what lists digests, and the signatures, those last.
        let releaseFiles = all.filter { $0.hasPrefix(Publisher.filesFolder + "/") }
        func isListing(_ path: String) -> Bool {
            let name = OutputFile.basename(of: path)
            return name == "SHA256SUMS" || name.hasSuffix(".json")
        }
        var top = releaseFiles.filter(isListing).map { Step(source: $0, target: $0) }
        top += releaseFiles.filter { $0.hasSuffix(".asc") }.map { Step(source: $0, target: $0) }
        let last = [RepositoryRecord.fileName, "index.html"]
        top += all.filter { !$0.contains("/") && $0 != record.keyFile && !last.contains($0) }.map { Step(source: $0, target: $0) }
        top += last.filter(present.contains).map { Step(source: $0, target: $0) }

        let named = Set(indexes.flatMap { [$0.source, $0.target] } + top.map(\.target))
        let content = all.filter { !named.contains($0) }
        let sources = Set(indexes.map(\.source)).subtracting(indexes.map(\.target))
        return UploadPlan(content: content, indexes: indexes, top: top, keep: all.filter { !sources.contains($0) })
    }

    /// The plan as lines: `copy PATH`, `move PATH` (or `move TARGET from SOURCE`), `keep PATH`, a heading per phase.
    public var text: String {
        var lines = ["# 1. files no served index names yet: copy those the remote lacks"]
        lines += content.map { "copy \($0)" }
        lines.append("# 2. the key and the indexes, each uploaded under a temporary name; then, with phase 3's, moved into place in this order, back to back")
        lines += indexes.map(Self.line)
        lines.append("# 3. the releases' sums, bills of materials and signatures, the client files, the record, the page")
        lines += top.map(Self.line)
        lines.append("# 4. after the CDN's cache time: remove whatever else the remote holds")
        lines += keep.map { "keep \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ step: Step) -> String {
        step.source == step.target ? "move \(step.target)" : "move \(step.target) from \(step.source)"
    }

    /// A POSIX shell script that carries the plan out with rclone: `sh upload.sh REMOTE:PATH` for phases 1 to 3,
    /// `sh upload.sh REMOTE:PATH prune` for phase 4. rclone 1.60 writes a file in place, so every named file goes up
    /// under a temporary name first; then one `rclone rcd` moves them into place in order, back to back (curl
    /// calls, not an rclone start each), so a pair of files that must change together (repomd.xml and its
    /// signature) is apart for the time of one server-side move.
    public func rclone(local: String) -> String {
        func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
        // rclone filter patterns: these characters are special, and a leading / anchors at the top.
        func pattern(_ path: String) -> String {
            "/" + path.map { #"*?[]{}\"#.contains($0) ? #"\"# + String($0) : String($0) }.joined()
        }
        func json(_ text: String) -> String {
            text.replacingOccurrences(of: #"\"#, with: #"\\"#).replacingOccurrences(of: #"""#, with: #"\""#)
        }
        var script = #"""
            #!/bin/sh
            # falcopack repo upload-plan: the repository folder to an rclone remote, in the order that keeps what is
            # served whole. Usage: sh upload.sh REMOTE:PATH [prune]. Needs rclone and curl.
            set -eu
            remote="${1:?usage: sh upload.sh REMOTE:PATH [prune]}"
            remote="${remote%/}"

            """#
        script += "local=" + quote(URL(fileURLWithPath: local).standardizedFileURL.path) + "\n"
        script += #"""
            lists=$(mktemp -d)
            rcd=""
            trap 'rm -rf "$lists"; [ -z "$rcd" ] || kill "$rcd" 2>/dev/null || true' EXIT
            suffix=".falcopack-upload.$$"
            if [ "${2:-}" = prune ]; then
              cat > "$lists/keep" <<'FALCOPACK_KEEP'

            """#
        script += keep.map(pattern).joined(separator: "\n") + "\nFALCOPACK_KEEP\n"
        script += #"""
              rclone delete "$remote" --exclude-from "$lists/keep"
              rclone rmdirs --leave-root "$remote"
              exit 0
            fi
            # 1. New files under names no served index gives yet.
            cat > "$lists/content" <<'FALCOPACK_CONTENT'

            """#
        script += content.joined(separator: "\n") + "\nFALCOPACK_CONTENT\n"
        script += #"""
            rclone copy --ignore-existing --no-traverse --files-from-raw "$lists/content" "$local" "$remote"
            # 2 and 3, first: every named file up under a temporary name of its own (--ignore-times: a changed index
            # can have the size of the one it replaces, and rclone would skip it).

            """#
        let steps = indexes + top
        for (number, step) in steps.enumerated() {
            script += #"rclone copyto --ignore-times "$local"/"# + quote(step.source) + #" "$remote"/"#
                + quote(step.target) + #""$suffix.\#(number)""# + "\n"
        }
        script += #"""
            # Then each moved into place, in order, back to back, through one rclone rcd.
            port=$((20000 + $$ % 20000))
            rclone rcd --rc-no-auth --rc-addr "127.0.0.1:$port" >/dev/null 2>&1 &
            rcd=$!
            tries=0
            until curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/rc/noop" 2>/dev/null; do
              tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "upload.sh: rclone rcd did not start" >&2; exit 1; }
              sleep 0.1
            done
            fs=$(printf '%s' "$remote" | sed 's/\\/\\\\/g; s/"/\\"/g')
            move() {
              curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/operations/movefile" \
                --data "{\"srcFs\": \"$fs\", \"srcRemote\": \"$1$suffix.$3\", \"dstFs\": \"$fs\", \"dstRemote\": \"$2\", \"_config\": {\"IgnoreTimes\": true}}"
            }

            """#
        for (number, step) in steps.enumerated() {
            let target = json(step.target)
            script += "move " + quote(target) + " " + quote(target) + " \(number)\n"
        }
        return script
    }
}
