#!/usr/bin/env bash
# Lets this machine run aarch64 programs: Debian's qemu-user-static registered through binfmt_misc (mounted here
# if it is not), so that arm64 roots (mmdebstrap --arch=arm64) and arm64 images run as they would on arm64.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  $sudo update-binfmts --enable qemu-aarch64
fi
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || { echo "qemu-aarch64 is registered but disabled" >&2; exit 1; }
