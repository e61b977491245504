# falcopack: `make dist` builds the demo release, `make test` runs the tests. Both install what they need.
SWIFT ?= swift

.PHONY: all build release dist test bench benchmark clean

all: build

build:
	scripts/install-deps.sh build
	$(SWIFT) build

release:
	scripts/install-deps.sh build
	$(SWIFT) build -c release --static-swift-stdlib --product falcopack

# The demo release: Debian's scap driver sources and a stand-in falco (scripts/prepare-demo.sh), the images' Debian
# bases (scripts/prepare-bases.sh, made while falcopack compiles), packaged by `falcopack all` into dist/. falcopack
# links the Swift runtime statically, so the falco-builder image can run it.
dist:
	scripts/install-deps.sh dist
	scripts/prepare-demo.sh
	scripts/prepare-bases.sh & bases=$$!; \
		$(SWIFT) build -c release --static-swift-stdlib --product falcopack; built=$$?; \
		wait $$bases && exit $$built
	"$$($(SWIFT) build -c release --show-bin-path)/falcopack" all --out dist

# The tests build images on small bases of their own and the tester image on the real Debian one; apt installs
# from a published repository in the toolchain base (it has apt and dkms). The bases are made while the tests compile.
test:
	scripts/install-deps.sh test
	scripts/prepare-demo.sh
	scripts/prepare-bases.sh tester toolchain & bases=$$!; \
		$(SWIFT) build --build-tests; built=$$?; \
		wait $$bases && exit $$built
	$(SWIFT) test --skip-build --disable-xctest

bench: release
	Benchmarks/codecs.sh

# falcopack against dpkg-deb, rpmbuild, nfpm and tar | gzip on a 100 MB payload (BENCH_LARGE=0 skips 1 GB).
benchmark:
	Benchmarks/run.sh

clean:
	rm -rf .build dist
