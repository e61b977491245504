#!/usr/bin/env bash
# Times falcopack's xz, gzip and zstd encoders against the xz, gzip and zstd CLIs at the same levels, on the
# same ~100 MB ELF file, pinned to one core, and prints throughput ratios (CLI time / our time) and sizes.
#   Benchmarks/codecs.sh [INPUT]     (default: a copy of the toolchain's lld)
#   CODECS="xz:6 zstd:19" Benchmarks/codecs.sh     (a subset)
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product codec-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/codec-bench"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
input="${1:-}"
if [ -z "$input" ]; then
  input="$work/lld"
  cp "$(dirname "$(readlink -f "$(command -v swift)")")/lld" "$input"
fi
size=$(stat -c %s "$input")
cat "$input" >/dev/null   # warm the page cache for every contender alike

# seconds of wall time for a command, pinned to CPU 0
timed() {
  local start end
  start=$(date +%s.%N)
  taskset -c 0 "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

printf 'input: %s (%d bytes), one core\n\n' "$input" "$size"
printf '%-9s %10s %10s %10s %9s %9s %12s %12s %12s\n' codec "cli s" "ours s" "units s" "ours/cli" "units/cli" "cli bytes" "ours bytes" "units bytes"
for spec in ${CODECS:-gzip:6 gzip:9 xz:6 zstd:3 zstd:19}; do
  codec=${spec%%:*} level=${spec##*:}
  case $codec in
    gzip) cli=(gzip "-$level" -n -c) ext=gz ;;
    xz) cli=(xz "-$level" -T1 -c) ext=xz ;;
    zstd) cli=(zstd "-$level" -T1 -q -c) ext=zst ;;
  esac
  t_cli=$(timed sh -c '"$@" > "$0"' "$work/cli.$ext" "${cli[@]}" "$input")
  t_ours=$(timed "$bench" "$spec" "$input" "$work/ours.$ext")
  t_units=$(timed "$bench" --units "$spec" "$input" "$work/units.$ext")
  for f in "$work/ours.$ext" "$work/units.$ext"; do
    "$codec" -d -c "$f" | cmp -s - "$input" || { echo "MISMATCH: $f does not decompress to the input" >&2; exit 1; }
  done
  printf '%-9s %10.2f %10.2f %10.2f %9.3f %9.3f %12d %12d %12d\n' "$spec" "$t_cli" "$t_ours" "$t_units" \
    "$(echo "$t_cli / $t_ours" | bc -l)" "$(echo "$t_cli / $t_units" | bc -l)" \
    "$(stat -c %s "$work/cli.$ext")" "$(stat -c %s "$work/ours.$ext")" "$(stat -c %s "$work/units.$ext")"
done
echo
echo "ours/cli and units/cli are throughput ratios: above 1.0 means falcopack is faster than the CLI."
