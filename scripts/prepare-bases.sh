#!/usr/bin/env bash
# Makes the bases of the demo release's container images in .cache/bases/, once: Debian 12 root file systems from
# Debian's packages (mmdebstrap), each turned into a one-layer OCI layout (umoci), tagged with its name. falcopack
# copies their layers byte for byte and reads their diff_ids from their configuration.
#   minimal    the least that runs falco (Debian's essential packages)           falco-no-driver
#   tester     dpkg and rpm, to install the release's packages                   falco-tester
#   toolchain  what falco-driver-loader needs (bash, kmod, dkms, gcc, make, curl)
#              and the toolchain (g++, cmake)                                    falco, falco-driver-loader, falco-builder
#   apt-arm64  an arm64 root with apt, made under qemu-user-static: where the tests install the arm64 packages
#
#   scripts/prepare-bases.sh [NAME...]      default: minimal, tester and toolchain
set -euo pipefail
cd "$(dirname "$0")/.."

bases=.cache/bases
mkdir -p "$bases"

# make_base NAME VARIANT PACKAGES [ARCH]
make_base() {
	local name="$1" variant="$2" packages="$3" arch="${4:-amd64}" work
	if [ -f "$bases/$name/index.json" ]; then return; fi
	work="$(mktemp -d "$bases/.$name.XXXXXX")"
	echo "base $name: mmdebstrap --arch=$arch --variant=$variant ${packages:+--include=$packages}"
	# Another architecture's maintainer scripts run under qemu-user-static.
	[ "$arch" = amd64 ] || scripts/enable-emulation.sh
	mmdebstrap --quiet --arch="$arch" --variant="$variant" ${packages:+--include="$packages"} bookworm "$work/rootfs.tar"
	umoci init --layout "$work/layout"
	umoci new --image "$work/layout:$name"
	# umoci records the host's architecture.
	[ "$arch" = amd64 ] || umoci config --image "$work/layout:$name" --architecture "$arch"
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
		apt-arm64) make_base apt-arm64 apt init-system-helpers arm64 ;;
		*) echo "prepare-bases: no base is named $name (minimal, tester, toolchain, apt-arm64)" >&2; exit 2 ;;
		esac
	done
done
echo "image bases: $(cd "$bases" && echo */ | tr -d /)"
