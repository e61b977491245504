#!/usr/bin/env bash
# Fuzzes every reader of outside bytes with libFuzzer and AddressSanitizer (Sources/FuzzHarness, Fuzz/Entry):
#   scripts/fuzz.sh                    # each target for FUZZ_SECONDS (default 60)
#   FUZZ_SECONDS=10 scripts/fuzz.sh deb openpgp
# Seeds are real artifacts falcopack makes here. A crash, a leak, a hang (-timeout=1), more than 512 MB of memory
# or a single allocation past it (an allocation driven by a length field) fails the run; the input is copied to
# Tests/FuzzRegressions/TARGET/, which the ordinary tests replay. Prints executions per target and the total.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(deb rpm tar oci-archive openpgp apt-index yum-index compressed-index spec nfpm publish sbom)
work="$root/.build/fuzz-work"
corpus="$root/.cache/fuzz-corpus"
regressions="$root/Tests/FuzzRegressions"

FALCOPACK_FUZZ=1 swift build --build-path .build/fuzz --product falcopack-fuzz \
	-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null
fuzzer="$(FALCOPACK_FUZZ=1 swift build --build-path .build/fuzz --show-bin-path)/falcopack-fuzz"

# Seeds: small artifacts of each kind, made once.
if [ ! -f "$corpus/.made" ]; then
	swift build --product falcopack >/dev/null
	falcopack="$(swift build --show-bin-path)/falcopack"
	seeds="$work/seeds"
	rm -rf "$seeds" "$corpus"
	mkdir -p "$seeds" "$corpus"/{deb,rpm,tar,oci-archive,openpgp,apt-index,yum-index,compressed-index,spec}
	"$falcopack" key generate --user-id "Fuzz <fuzz@falco.example>" --algorithm ed25519 --out "$seeds/key.asc" \
		--public-out "$seeds/public.asc" >/dev/null
	"$falcopack" deb --driver bpf --compression gzip:1 --signing-key "$seeds/key.asc" --out "$seeds/dist" >/dev/null
	"$falcopack" rpm --driver bpf --compression gzip:1 --signing-key "$seeds/key.asc" --out "$seeds/dist" >/dev/null
	"$falcopack" tar --bpf-src --signing-key "$seeds/key.asc" --out "$seeds/dist" >/dev/null
	cp "$seeds"/dist/*bpf-amd64.deb "$corpus/deb/"
	cp "$seeds"/dist/*bpf-x86_64.rpm "$corpus/rpm/"
	cp "$seeds"/dist/*.tar.gz "$corpus/tar/"
	cp "$seeds/key.asc" "$seeds/public.asc" "$seeds"/dist/*.asc "$corpus/openpgp/"
	(cd "$seeds/dist" && apt-ftparchive packages . >"$corpus/apt-index/Packages" 2>/dev/null)
	mkdir -p "$seeds/yum" && cp "$seeds"/dist/*.rpm "$seeds/yum/" && createrepo_c --quiet --no-database "$seeds/yum"
	cp "$seeds/yum/repodata/repomd.xml" "$corpus/yum-index/"
	for file in "$seeds"/yum/repodata/*.xml.gz; do gzip -dc "$file" >"$corpus/yum-index/$(basename "$file" .gz)"; done
	cp Specs/*.yaml Tests/falcopackTests/Fixtures/*.yaml "$corpus/spec/"
	# A small image archive: one file in one layer, as umoci and skopeo write it.
	mkdir -p "$seeds/tree" && echo seed >"$seeds/tree/seed.txt"
	umoci init --layout "$seeds/layout" && umoci new --image "$seeds/layout:seed"
	umoci insert --image "$seeds/layout:seed" "$seeds/tree" /seed >/dev/null
	skopeo copy --quiet "oci:$seeds/layout:seed" "docker-archive:$corpus/oci-archive/seed.tar:seed:latest"
	touch "$corpus/.made"
fi

# nfpm configurations: the fixtures the comparison with nfpm builds.
if [ ! -f "$corpus/nfpm/.made" ]; then
	mkdir -p "$corpus/nfpm"
	cp Tests/falcopackTests/Fixtures/nfpm/*.yaml "$corpus/nfpm/"
	touch "$corpus/nfpm/.made"
fi

# Compressed indexes as publish writes them (gzip members, xz blocks) and as the CLIs do; made once.
if [ ! -f "$corpus/compressed-index/.made" ]; then
	mkdir -p "$corpus/compressed-index"
	packages="$corpus/apt-index/Packages"
	gzip -9nc "$packages" >"$corpus/compressed-index/Packages.gz"
	xz -6c "$packages" >"$corpus/compressed-index/Packages.xz"
	{ head -c 2000 "$packages" | gzip -9nc; tail -c +2001 "$packages" | gzip -9nc; } >"$corpus/compressed-index/members.gz"
	xz -T2 --block-size=2000 -c "$packages" >"$corpus/compressed-index/blocks.xz"
	touch "$corpus/compressed-index/.made"
fi

# The publish target makes its own repository to fuzz, its seed that repository's indexes as published; the sbom
# target's seed is a bill of materials as falcopack writes them. Each made once, by the harness.
for target in publish sbom; do
	[ -f "$corpus/$target/.made" ] && continue
	mkdir -p "$corpus/$target" "$work/empty"
	FALCOPACK_FUZZ_TARGET="$target" FALCOPACK_FUZZ_SEED_OUT="$corpus/$target/seed" ASAN_OPTIONS=detect_leaks=0 \
		"$fuzzer" -runs=0 "$work/empty" >"$work/$target-seed.log" 2>&1
	[ -s "$corpus/$target/seed" ] || { echo "fuzz $target: no seed made (see $work/$target-seed.log)" >&2; exit 1; }
	touch "$corpus/$target/.made"
done

total=0
failed=0
for target in "${targets[@]}"; do
	mkdir -p "$work/$target" "$corpus/$target"
	log="$work/$target.log"
	set +e
	FALCOPACK_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 LSAN_OPTIONS="suppressions=$root/Fuzz/lsan.supp" \
		"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=1 -max_len=262144 \
		-print_final_stats=1 -artifact_prefix="$work/$target/" "$corpus/$target" >"$log" 2>&1
	status=$?
	set -e
	runs="$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)"
	runs="${runs:-0}"
	total=$((total + runs))
	if [ "$status" -ne 0 ]; then
		failed=1
		mkdir -p "$regressions/$target"
		for artifact in "$work/$target"/crash-* "$work/$target"/leak-* "$work/$target"/timeout-* "$work/$target"/oom-* \
			"$work/$target"/slow-unit-*; do
			[ -f "$artifact" ] && cp "$artifact" "$regressions/$target/"
		done
		echo "fuzz $target: FAILED after $runs executions (exit $status); input kept in Tests/FuzzRegressions/$target/" >&2
		grep -m5 -E "ERROR|SUMMARY|==[0-9]+==" "$log" >&2 || true
	else
		printf 'fuzz %-16s %10d executions in %ss\n' "$target" "$runs" "$seconds"
	fi
done
printf 'fuzz total            %10d executions\n' "$total"
exit "$failed"
