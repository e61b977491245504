#!/usr/bin/env bash
# The repository case of Benchmarks/run.sh (sourced from it: measure, median, field, $falcopack, $run, $repeat).
# 250 signed releases of 4 packages each (1,000 packages, small payloads), then:
#   - indexing all of them from scratch: falcopack publish, against createrepo_c + apt-ftparchive packages and
#     release (+ gpg for InRelease, Release.gpg and repomd.xml.asc) over the same packages;
#   - adding one release to that repository: falcopack publish, against createrepo_c --update + apt-ftparchive
#     packages and release (+ gpg) after the new packages are copied in.

echo "== Repositories: 1,000 packages from scratch, then one release added"
releases="$run/releases"
mkdir -p "$releases"
# Falco's convention without images, for x86_64 alone, a tiny falco, the real driver sources.
# The spec's inputs default to folders beside Specs/ (../Payloads, ../.cache), so it sits in a tree that links them.
mkdir -p "$run/repo-tree/Specs"
ln -sfn "$root/Payloads" "$run/repo-tree/Payloads"
ln -sfn "$root/.cache" "$run/repo-tree/.cache"
spec="$run/repo-tree/Specs/falco.yaml"
# x86_64 alone: 250 releases of four packages.
sed -e '/^# The container images/,/^# Signed as it is written/{/^# Signed as it is written/!d}' \
	-e 's/^  architecture: \[x86_64, aarch64\]$/  architecture: x86_64/' Specs/falco.yaml >"$spec"
gnupg="$run/repo-gnupg"
rm -rf "$gnupg" && mkdir -m 700 "$gnupg"
gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key "falcopack repository benchmark <repo@falco.example>" rsa3072 sign never 2>/dev/null
fingerprint="$(gpg --homedir "$gnupg" --list-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')"
gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$fingerprint" \
	>"$run/repo-key.asc"
count="${BENCH_RELEASES:-250}"
for i in $(seq "$((count + 1))"); do
	[ -f "$releases/$i/SHA256SUMS.asc" ] && continue
	"$falcopack" all --spec "$spec" --version "1.$((i / 100)).$((i % 100))" --falco-bin .cache/demo/falco \
		--signing-key "$run/repo-key.asc" --out "$releases/$i" >/dev/null
done
scratch=()
for i in $(seq "$count"); do scratch+=("$releases/$i"); done
last="$releases/$((count + 1))"

# The peers' trees: the same packages, laid out as their tools index them.
peer="$run/repo-peer"
rm -rf "$peer" && mkdir -p "$peer/deb/pool" "$peer/rpm" "$peer/deb/dists/stable/main/binary-amd64"
for dir in "${scratch[@]}"; do
	cp "$dir"/*-module-amd64.deb "$dir"/*-bpf-amd64.deb "$peer/deb/pool/"
	cp "$dir"/*-module-x86_64.rpm "$dir"/*-bpf-x86_64.rpm "$peer/rpm/"
done
cat >"$run/peer-index.sh" <<INDEX
set -e
cd "$peer/deb"
apt-ftparchive packages pool >dists/stable/main/binary-amd64/Packages
gzip -9nk -f dists/stable/main/binary-amd64/Packages
xz -6k -f dists/stable/main/binary-amd64/Packages
apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Codename=stable \
	-o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
	release dists/stable >dists/stable/Release.new && mv dists/stable/Release.new dists/stable/Release
gpg --homedir "$gnupg" --batch --yes -u "$fingerprint" --clearsign -o dists/stable/InRelease dists/stable/Release
gpg --homedir "$gnupg" --batch --yes -u "$fingerprint" -abs -o dists/stable/Release.gpg dists/stable/Release
createrepo_c --no-database --quiet \${UPDATE:-} "$peer/rpm"
gpg --homedir "$gnupg" --batch --yes -u "$fingerprint" -ab -o "$peer/rpm/repodata/repomd.xml.asc" "$peer/rpm/repodata/repomd.xml"
INDEX

# Each from-scratch publish goes into a new folder; the earlier ones are removed after the case. Removing a
# repository of 5,000 files just before publishing another would time the file system instead: ext4 without a
# journal (as on the machine these figures come from) scans past inodes deleted in the last few seconds whenever
# it allocates one, and a publish makes 250 release folders where the peers make a few files.
rm -rf "$run"/repo-fp*
for r in $(seq "$repeat"); do
	rm -rf "$peer/rpm/repodata" "$peer/deb/dists/stable"/*Release*
	sync
	measure "falcopack publish, 1,000 packages from scratch #$r" "$run/repo-fp-$r/index.html" -- \
		"$falcopack" publish "${scratch[@]}" --repo "$run/repo-fp-$r" --spec "$spec" --signing-key "$run/repo-key.asc"
	measure "createrepo_c + apt-ftparchive, 1,000 from scratch #$r" "$peer/rpm/repodata/repomd.xml" -- bash "$run/peer-index.sh"
done
mv "$run/repo-fp-1" "$run/repo-fp"
rm -rf "$run"/repo-fp-[0-9]*
median "falcopack publish, 1,000 packages from scratch"
median "createrepo_c + apt-ftparchive, 1,000 from scratch"

for r in $(seq "$repeat"); do
	rm -rf "$run/repo-fp-add" && cp -a "$run/repo-fp" "$run/repo-fp-add"
	sync
	measure "falcopack publish, one release added #$r" "$run/repo-fp-add/index.html" -- \
		"$falcopack" publish "$last" --repo "$run/repo-fp-add" --spec "$spec" --signing-key "$run/repo-key.asc"
	cp "$last"/*-module-amd64.deb "$last"/*-bpf-amd64.deb "$peer/deb/pool/"
	cp "$last"/*-module-x86_64.rpm "$last"/*-bpf-x86_64.rpm "$peer/rpm/"
	sync
	measure "createrepo_c --update + apt-ftparchive, one added #$r" "$peer/rpm/repodata/repomd.xml" -- \
		env UPDATE=--update bash "$run/peer-index.sh"
	rm -f "$peer/rpm/$(basename "$(ls "$last"/*-module-x86_64.rpm)")" "$peer/rpm/$(basename "$(ls "$last"/*-bpf-x86_64.rpm)")"
	rm -f "$peer/deb/pool/$(basename "$(ls "$last"/*-module-amd64.deb)")" "$peer/deb/pool/$(basename "$(ls "$last"/*-bpf-amd64.deb)")"
	bash "$run/peer-index.sh" >/dev/null
done
median "falcopack publish, one release added"
median "createrepo_c --update + apt-ftparchive, one added"

echo "== Repositories: rotating the key of 1,000 packages, checking them, taking a release out"
# The new key, in the same keyring for the peers (gpg, rpmsign, debsigs) and exported for falcopack.
gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' \
	--quick-gen-key "falcopack repository benchmark, new <new@falco.example>" rsa3072 sign never 2>/dev/null
newfpr="$(gpg --homedir "$gnupg" --list-keys --with-colons | awk -F: '/^fpr/ { print $10 }' | grep -vx "$fingerprint" | head -1)"
gpg --homedir "$gnupg" --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$newfpr" >"$run/repo-new-key.asc"
gpg --homedir "$gnupg" --armor --export "$fingerprint" >"$run/repo-key.pub"
# The peers' rotation: every rpm signed again (rpmsign --resign), every deb (debsigs), every detached signature
# of every release (gpg), then the indexes (createrepo_c --update, apt-ftparchive, gpg), as the peer index does.
peerfiles="$run/repo-peer-files"
rm -rf "$peerfiles" && mkdir -p "$peerfiles"
for dir in "${scratch[@]}"; do
	mkdir -p "$peerfiles/$(basename "$dir")"
	cp "$dir"/SHA256SUMS "$dir"/*.tar.gz "$dir"/*.json "$peerfiles/$(basename "$dir")/"
done
sed -e "s/$fingerprint/$newfpr/g" "$run/peer-index.sh" >"$run/peer-index-new.sh"
cat >"$run/peer-rotate.sh" <<ROTATE
set -e
export GNUPGHOME="$gnupg"
rpmsign --resign --define "_gpg_name $newfpr" --define "_gpg_path $gnupg" --define "__gpg /usr/bin/gpg" "$peer"/rpm/*.rpm >/dev/null
for deb in "$peer"/deb/pool/*.deb; do debsigs --sign=origin -k "$newfpr" "\$deb"; done
for file in "$peerfiles"/*/*; do
	case "\$file" in *.asc) continue ;; esac
	gpg --batch --yes -u "$newfpr" -ab -o "\$file.asc" "\$file"
done
UPDATE=--update bash "$run/peer-index-new.sh"
ROTATE
for r in $(seq "$repeat"); do
	rm -rf "$run/repo-fp-rotate" && cp -a "$run/repo-fp" "$run/repo-fp-rotate"
	sync
	measure "falcopack repo rotate, 1,000 packages #$r" "$run/repo-fp-rotate/index.html" -- \
		"$falcopack" repo rotate --repo "$run/repo-fp-rotate" --signing-key "$run/repo-new-key.asc" --previous-key "$run/repo-key.asc"
	rm -rf "$run/repo-peer-rotate" && cp -a "$peer" "$run/repo-peer-rotate"
	sync
	measure "rpmsign + debsigs + gpg + createrepo_c + apt-ftparchive, rotate #$r" "$peer/rpm/repodata/repomd.xml" -- bash "$run/peer-rotate.sh"
	rm -rf "$peer" && mv "$run/repo-peer-rotate" "$peer"
done
median "falcopack repo rotate, 1,000 packages"
median "rpmsign + debsigs + gpg + createrepo_c + apt-ftparchive, rotate"

# Checking: every index signature, digest and package signature, against sha256sum of every file plus rpmkeys -K of
# every rpm (which reads each rpm again).
rpmdb="$run/repo-rpmdb"
rm -rf "$rpmdb" && mkdir -p "$rpmdb"
rpmkeys --root "$rpmdb" --import "$run/repo-key.pub"
cat >"$run/peer-check.sh" <<CHECK
set -e
cd "$run/repo-fp"
find . -type f -print0 | xargs -0 sha256sum >/dev/null
rpmkeys --root "$rpmdb" -K rpm/packages/*.rpm >/dev/null
CHECK
for r in $(seq "$repeat"); do
	measure "falcopack repo check, 1,000 packages #$r" "$run/repo-fp/index.html" -- \
		"$falcopack" repo check "$run/repo-fp" --public-key "$run/repo-key.pub"
	measure "sha256sum + rpmkeys -K, every file #$r" "$run/repo-fp/index.html" -- bash "$run/peer-check.sh"
done
median "falcopack repo check, 1,000 packages"
median "sha256sum + rpmkeys -K, every file"

# Taking a release out, against adding one (above).
for r in $(seq "$repeat"); do
	rm -rf "$run/repo-fp-remove" && cp -a "$run/repo-fp" "$run/repo-fp-remove"
	sync
	measure "falcopack repo remove, one release #$r" "$run/repo-fp-remove/index.html" -- \
		"$falcopack" repo remove "1.0.1" --repo "$run/repo-fp-remove" --signing-key "$run/repo-key.asc"
done
median "falcopack repo remove, one release"
