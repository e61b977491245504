# falcopack: `make dist` builds the demo release, `make test` runs the tests. Both install what they need.
SWIFT ?= swift

.PHONY: all build release dist check test package fuzz bench benchmark clean

all: build

build:
	scripts/install-deps.sh build
	$(SWIFT) build

release:
	scripts/install-deps.sh build
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --product falcopack

# The demo release: Debian's scap driver sources and a stand-in falco (scripts/prepare-demo.sh), the images' Debian
# bases (scripts/prepare-bases.sh, made while falcopack compiles), packaged by `falcopack all` into dist/. falcopack
# links the Swift runtime statically, so the falco-builder image can run it.
dist:
	scripts/install-deps.sh dist
	scripts/prepare-demo.sh
	scripts/prepare-bases.sh & bases=$$!; \
		$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath --product falcopack; built=$$?; \
		wait $$bases && exit $$built
	"$$($(SWIFT) build -c release --show-bin-path)/falcopack" all --out dist

# The fast tier, for the edit-build-test loop: every suite but those that install into package roots, build or
# run images on Debian bases, publish into repositories clients install from, kill, or write 5 GiB. `make test`
# runs those too.
SLOW_SUITES = DebInstallTests|RepositoryLifeTests|RPMLifecycleTests|RPMLargeFileTests|InstallTests|TarballInstallTests|ScriptTests|LoaderTests|\
	FalcopackPackageTests|GuideTests|ImageTests|ImageInputTests|falcopackTests\.ReleaseTests|SignedReleaseTests|BillOfMaterialsTests|\
	VerifyTests|UnitReuseTests|SigningCommandTests|BadInputTests|RobustnessTests|PublishTests|HugeFileTests|ArchitectureInstallTests|PlatformImageTests|MigrationTests|MergeTests|ExampleTests|ProductsTests
check:
	scripts/install-deps.sh test
	scripts/prepare-demo.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest --skip '$(subst $(eval) ,,$(SLOW_SUITES))'

# The tests build images on small bases of their own and the tester image on the real Debian one; apt installs
# from a published repository in the toolchain base (it has apt and dkms). The bases are made while the tests compile.
test:
	scripts/install-deps.sh test
	scripts/prepare-demo.sh
	scripts/prepare-bases.sh tester toolchain:amd64 & bases=$$!; \
		$(SWIFT) build --build-tests && $(MAKE) package PACKAGE_OUT=.build/package/dist; built=$$?; \
		wait $$bases && exit $$built
	$(SWIFT) test --skip-build --disable-xctest

# falcopack's own deb, rpm and tarball (Specs/falcopack.yaml) into $(PACKAGE_OUT), signed when FALCOPACK_SIGNING_KEY
# names a key: the stripped static executable, its manual page generated from the command definitions (dated by
# SOURCE_DATE_EPOCH, else the last commit), its bash, zsh and fish completions.
PACKAGE_OUT ?= dist-falcopack
package: release
	mkdir -p .build/package/man
	$(SWIFT) build -c release --product generate-manual
	bin="$$($(SWIFT) build -c release --show-bin-path)"; \
		strip --strip-all -o .build/package/falcopack "$$bin/falcopack" && \
		"$$bin/generate-manual" "$$bin/falcopack" --date "$$(date -u -d @$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct)} +%F)" \
			--authors "The Falco Authors<cncf-falco-dev@lists.cncf.io>" --output-directory .build/package/man && \
		sed 's/^$$/.Pp/' .build/package/man/falcopack.1 >.build/package/falcopack.1 && \
		"$$bin/falcopack" --generate-completion-script bash | sed '1{/^#!/d}' >.build/package/falcopack.bash && \
		"$$bin/falcopack" --generate-completion-script zsh >.build/package/_falcopack && \
		"$$bin/falcopack" --generate-completion-script fish >.build/package/falcopack.fish && \
		.build/package/falcopack all --spec Specs/falcopack.yaml --falcopack-bin .build/package/falcopack --out $(PACKAGE_OUT)

# Every reader of outside bytes under libFuzzer and AddressSanitizer, FUZZ_SECONDS each (default 60).
fuzz:
	scripts/install-deps.sh test
	scripts/fuzz.sh

bench: release
	Benchmarks/codecs.sh

# falcopack against dpkg-deb, rpmbuild, nfpm and tar | gzip on a 100 MB payload (BENCH_LARGE=0 skips 1 GB).
benchmark:
	Benchmarks/run.sh

clean:
	rm -rf .build dist
