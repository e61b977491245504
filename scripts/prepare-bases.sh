#!/usr/bin/env bash
# Makes the bases of the demo release's container images in .cache/bases/, once: Debian 12 root file systems from
# Debian's packages (mmdebstrap), each turned into a one-layer OCI layout (umoci), tagged with its name. falcopack
# copies their layers byte for byte and reads their diff_ids from their configuration.
#   minimal    the least that runs falco (Debian's essential packages)           falco-no-driver
#   tester     dpkg and rpm, to install the release's packages                   falco-tester
#   toolchain  what falco-driver-loader needs (bash, kmod, dkms, gcc, make, curl)
#              and the toolchain (g++, cmake)                                    falco, falco-driver-loader, falco-builder
#
#   scripts/prepare-bases.sh [NAME...]      default: all three
set -euo pipefail
cd "$(dirname "$0")/.."

bases=.cache/bases
mkdir -p "$bases"

# make_base NAME VARIANT PACKAGES
make_base() {
	local name="$1" variant="$2" packages="$3" work
	if [ -f "$bases/$name/index.json" ]; then return; fi
	work="$(mktemp -d "$bases/.$name.XXXXXX")"
	echo "base $name: mmdebstrap --variant=$variant ${packages:+--include=$packages}"
	mmdebstrap --quiet --variant="$variant" ${packages:+--include="$packages"} bookworm "$work/rootfs.tar"
	umoci init --layout "$work/layout"
	umoci new --image "$work/layout:$name"
	umoci raw add-layer --image "$work/layout:$name" "$work/rootfs.tar"
	mv "$work/layout" "$bases/$name"
	rm -rf "$work"
}

for name in "${@:-minimal tester toolchain}"; do
	for name in $name; do
		case "$name" in
		minimal) make_base minimal essential libgcc-s1 ;;
		tester) make_base tester essential rpm,xz-utils,zstd ;;
		toolchain) make_base toolchain apt bash,kmod,dkms,gcc,g++,make,cmake,curl,ca-certificates,libelf-dev,libarchive13 ;;
		*) echo "prepare-bases: no base is named $name (minimal, tester, toolchain)" >&2; exit 2 ;;
		esac
	done
done
echo "image bases: $(cd "$bases" && echo */ | tr -d /)"
