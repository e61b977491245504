#!/usr/bin/env bash
# Times falcopack's xz, gzip and zstd encoders against the xz, gzip and zstd CLIs at the same levels, on the
# same ~100 MB ELF file, pinned to one core, and prints throughput ratios (CLI time / our time) and sizes.
#   Benchmarks/codecs.sh [INPUT]     (default: a copy of the toolchain's lld)
#   CODECS="xz:6 zstd:19" REPEAT=3 Benchmarks/codecs.sh     (a subset, best of three runs)
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

# "wall cpu" seconds of the best of $REPEAT runs of a command pinned to CPU 0. CPU time (user + sys) is the
# throughput measure: on a shared machine, time stolen by other guests inflates wall time, not CPU time.
repeat=${REPEAT:-1}
timed() {
  local best_wall="" best_cpu="" i out wall cpu
  for ((i = 0; i < repeat; i++)); do
    out=$( { TIMEFORMAT='%R %U %S'; time taskset -c 0 "$@" >/dev/null; } 2>&1 | tail -1 )
    wall=$(echo "$out" | awk '{ print $1 }')
    cpu=$(echo "$out" | awk '{ print $2 + $3 }')
    if [ -z "$best_cpu" ] || (( $(echo "$cpu < $best_cpu" | bc -l) )); then best_cpu=$cpu best_wall=$wall; fi
  done
  echo "$best_wall $best_cpu"
}

printf 'input: %s (%d bytes), one core, best of %d\n\n' "$input" "$size" "$repeat"
printf '%-8s %16s %16s %16s %9s %9s %11s %11s %11s\n' codec "cli wall/cpu s" "ours wall/cpu s" "units wall/cpu s" \
  "ours/cli" "units/cli" "cli bytes" "ours bytes" "units bytes"
for spec in ${CODECS:-gzip:6 gzip:9 xz:6 zstd:3 zstd:19}; do
  codec=${spec%%:*} level=${spec##*:}
  case $codec in
    gzip) cli=(gzip "-$level" -n -c) ext=gz ;;
    xz) cli=(xz "-$level" -T1 -c) ext=xz ;;
    zstd) cli=(zstd "-$level" -T1 -q -c) ext=zst ;;
  esac
  read -r w_cli c_cli < <(timed sh -c '"$@" > "$0"' "$work/cli.$ext" "${cli[@]}" "$input")
  read -r w_ours c_ours < <(timed "$bench" "$spec" "$input" "$work/ours.$ext")
  read -r w_units c_units < <(timed "$bench" --units "$spec" "$input" "$work/units.$ext")
  for f in "$work/ours.$ext" "$work/units.$ext"; do
    "$codec" -d -c "$f" | cmp -s - "$input" || { echo "MISMATCH: $f does not decompress to the input" >&2; exit 1; }
  done
  printf '%-8s %7.2f/%-8.2f %7.2f/%-8.2f %7.2f/%-8.2f %9.3f %9.3f %11d %11d %11d\n' "$spec" \
    "$w_cli" "$c_cli" "$w_ours" "$c_ours" "$w_units" "$c_units" \
    "$(echo "$c_cli / $c_ours" | bc -l)" "$(echo "$c_cli / $c_units" | bc -l)" \
    "$(stat -c %s "$work/cli.$ext")" "$(stat -c %s "$work/ours.$ext")" "$(stat -c %s "$work/units.$ext")"
done
echo
echo "ours/cli and units/cli are CPU-time throughput ratios: above 1.0 means falcopack is faster than the CLI."
