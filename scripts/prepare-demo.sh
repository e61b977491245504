#!/usr/bin/env bash
# Prepares the demo release's default inputs in .cache/ (ignored by git):
#   .cache/scap/driver  the real driver sources of Debian's falcosecurity-scap-dkms package (kernel module, bpf/)
#   .cache/demo/ARCH/falco  a stand-in for the falco binary of x86_64 and aarch64 (cross-compiled), built from
#                       Payloads/demo/falco.c, that prints the Falco version and the driver version compiled into it
#   .cache/demo/falco   the x86_64 one again, for specs of one architecture
#   .cache/demo/examples/ARCH/NAME  statically linked stand-ins of falcoctl, falcosidekick and falco-exporter (as Go
#                       links them), for the specs in Specs/examples, built from Payloads/demo/tool.c
# Set FALCO_VERSION to build the stand-in for another version (default: the spec's).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=.cache
scap="$cache/scap"
if [ ! -f "$scap/driver/dkms.conf" ]; then
  rm -rf "$scap" && mkdir -p "$scap/download"
  if ! (cd "$scap/download" && apt-get download falcosecurity-scap-dkms >/dev/null 2>&1); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    (cd "$scap/download" && apt-get download falcosecurity-scap-dkms >/dev/null)
  fi
  # Unpacking an input is set-up, not packaging: falcopack itself never calls dpkg-deb.
  dpkg-deb -x "$scap"/download/falcosecurity-scap-dkms_*.deb "$scap/root"
  mv "$scap"/root/usr/src/scap-* "$scap/driver"
  rm -rf "$scap/root"
fi

version="${FALCO_VERSION:-$(sed -n '/^  version:/,/default:/s/^ *default: *"\(.*\)"/\1/p' Specs/falco.yaml)}"
driver_version="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$scap/driver/dkms.conf")"
mkdir -p "$cache/demo"
stamp="$cache/demo/falco.build"
wanted="$version $driver_version $(sha256sum Payloads/demo/falco.c | cut -c1-64)"
if [ ! -x "$cache/demo/falco" ] || [ ! -x "$cache/demo/aarch64/falco" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  for arch in x86_64 aarch64; do
    compiler=gcc
    [ "$arch" = aarch64 ] && compiler=aarch64-linux-gnu-gcc
    mkdir -p "$cache/demo/$arch"
    "$compiler" -O2 -s -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wl,-z,relro,-z,now -pie -fPIE -o "$cache/demo/$arch/falco" \
      -DFALCO_VERSION="\"$version\"" -DDRIVER_VERSION="\"$driver_version\"" Payloads/demo/falco.c
  done
  cp "$cache/demo/x86_64/falco" "$cache/demo/falco"
  echo "$wanted" > "$stamp"
fi
# The example projects' stand-ins, at the versions their specs give.
for spec in Specs/examples/*.yaml; do
  name="$(basename "$spec" .yaml)"
  tool_version="$(sed -n 's/^  version: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$spec" | head -1)"
  wanted="$tool_version $(sha256sum Payloads/demo/tool.c | cut -c1-64)"
  [ -x "$cache/demo/examples/aarch64/$name" ] && [ "$(cat "$cache/demo/examples/$name.build" 2>/dev/null)" = "$wanted" ] && continue
  for arch in x86_64 aarch64; do
    compiler=gcc
    [ "$arch" = aarch64 ] && compiler=aarch64-linux-gnu-gcc
    mkdir -p "$cache/demo/examples/$arch"
    "$compiler" -O2 -s -static -o "$cache/demo/examples/$arch/$name" \
      -DTOOL_NAME="\"$name\"" -DTOOL_VERSION="\"$tool_version\"" Payloads/demo/tool.c
  done
  echo "$wanted" > "$cache/demo/examples/$name.build"
done
echo "demo inputs: $scap/driver (scap $driver_version), $cache/demo/{x86_64,aarch64}/falco (stand-ins, falco $version)"
