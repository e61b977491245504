#!/usr/bin/env bash
# Makes the bases of the demo release's container images in .cache/bases/, once: Debian 12 root file systems from
# Debian's packages (mmdebstrap), for linux/amd64 and linux/arm64 (made under qemu-user-static), each turned into a
# one-layer image (umoci) and the two joined under one tag by an image index. falcopack copies each platform's
# layers byte for byte and reads their diff_ids from their configuration.
#   minimal    the least that runs falco (Debian's essential packages)           falco-no-driver
#   tester     dpkg, apt and rpm, to install the release's packages              falco-tester
#   toolchain  what falco-driver-loader needs (bash, kmod, dkms, gcc, make, curl)
#              and the toolchain (g++, cmake)                                    falco, falco-driver-loader, falco-builder
#
#   scripts/prepare-bases.sh [NAME[:PLATFORM,...]...]   default: all three, amd64 and arm64
#   (toolchain:amd64 makes that platform only; a base is made again when it lacks a platform asked for)
set -euo pipefail
cd "$(dirname "$0")/.."

bases=.cache/bases
mkdir -p "$bases"

# The platforms the layout's index for NAME holds, one per line.
platforms_of() {
	python3 - "$1" <<'EOF'
import json, sys
layout = sys.argv[1]
try:
    index = json.load(open(layout + "/index.json"))
    for entry in index["manifests"]:
        if entry.get("mediaType") == "application/vnd.oci.image.index.v1+json":
            inner = json.load(open(layout + "/blobs/sha256/" + entry["digest"][7:]))
            for manifest in inner["manifests"]:
                print(manifest["platform"]["architecture"])
except (OSError, KeyError, ValueError):
    pass
EOF
}

# Joins the images NAME-PLATFORM of the layout into one image index tagged NAME, as umoci 0.4 cannot.
join_platforms() {
	python3 - "$1" "$2" <<'EOF'
import hashlib, json, sys
layout, name = sys.argv[1], sys.argv[2]
index = json.load(open(layout + "/index.json"))
manifests = []
for entry in index["manifests"]:
    tag = entry.get("annotations", {}).get("org.opencontainers.image.ref.name", "")
    if tag.startswith(name + "-"):
        manifest = {k: entry[k] for k in ("mediaType", "digest", "size")}
        manifest["platform"] = {"architecture": tag[len(name) + 1:], "os": "linux"}
        manifests.append(manifest)
manifests.sort(key=lambda m: m["platform"]["architecture"])
body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": manifests}, sort_keys=True, separators=(",", ":")).encode()
digest = hashlib.sha256(body).hexdigest()
open(layout + "/blobs/sha256/" + digest, "wb").write(body)
index["manifests"] = [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest,
                       "size": len(body), "annotations": {"org.opencontainers.image.ref.name": name}}]
json.dump(index, open(layout + "/index.json", "w"), sort_keys=True, separators=(",", ":"))
EOF
}

# make_base NAME VARIANT PACKAGES PLATFORMS
make_base() {
	local name="$1" variant="$2" packages="$3" platforms="$4" work arch missing=""
	if [ -f "$bases/$name/index.json" ]; then
		for arch in $platforms; do
			platforms_of "$bases/$name" | grep -qx "$arch" || missing="$missing $arch"
		done
		[ -n "$missing" ] || return 0
		echo "base $name: lacks$missing; made again"
		rm -rf "${bases:?}/$name"
	fi
	work="$(mktemp -d "$bases/.$name.XXXXXX")"
	umoci init --layout "$work/layout"
	# The platforms' root file systems at once: one waits on downloads and emulation while the other runs.
	local pids=()
	for arch in $platforms; do
		echo "base $name ($arch): mmdebstrap --variant=$variant ${packages:+--include=$packages}"
		# Another architecture's maintainer scripts run under qemu-user-static.
		[ "$arch" = amd64 ] || scripts/enable-emulation.sh
		mmdebstrap --quiet --arch="$arch" --variant="$variant" ${packages:+--include="$packages"} bookworm "$work/rootfs-$arch.tar" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid"; done
	for arch in $platforms; do
		umoci new --image "$work/layout:$name-$arch"
		# umoci records the host's architecture.
		umoci config --image "$work/layout:$name-$arch" --architecture "$arch"
		umoci raw add-layer --image "$work/layout:$name-$arch" "$work/rootfs-$arch.tar"
		rm "$work/rootfs-$arch.tar"
	done
	join_platforms "$work/layout" "$name"
	mv "$work/layout" "$bases/$name"
	rm -rf "$work"
}

requests=("$@")
[ ${#requests[@]} -gt 0 ] || requests=(minimal tester toolchain)
for request in "${requests[@]}"; do
	name="${request%%:*}"
	platforms="amd64 arm64"
	[ "$request" = "$name" ] || platforms="$(echo "${request#*:}" | tr , ' ')"
	case "$name" in
	minimal) make_base minimal essential libgcc-s1 "$platforms" ;;
	tester) make_base tester apt rpm,xz-utils,zstd,init-system-helpers "$platforms" ;;
	toolchain) make_base toolchain apt bash,kmod,dkms,gcc,g++,make,cmake,curl,ca-certificates,libelf-dev,libarchive13 "$platforms" ;;
	*) echo "prepare-bases: no base is named $name (minimal, tester, toolchain)" >&2; exit 2 ;;
	esac
done
echo "image bases: $(cd "$bases" && echo */ | tr -d /)"
