# falcopack: `make dist` builds the demo release, `make test` runs the tests. Both install what they need.
SWIFT ?= swift

.PHONY: all build release dist test bench benchmark clean

all: build

build:
	scripts/install-deps.sh build
	$(SWIFT) build

release:
	scripts/install-deps.sh build
	$(SWIFT) build -c release

# The demo release: Debian's scap driver sources and a stand-in falco (scripts/prepare-demo.sh), packaged by
# `falcopack all` into dist/.
dist:
	scripts/install-deps.sh dist
	scripts/prepare-demo.sh
	$(SWIFT) build -c release
	"$$($(SWIFT) build -c release --show-bin-path)/falcopack" all --out dist

test:
	scripts/install-deps.sh test
	scripts/prepare-demo.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

bench: release
	Benchmarks/codecs.sh

# falcopack against dpkg-deb, rpmbuild, nfpm and tar | gzip on a 100 MB payload (BENCH_LARGE=0 skips 1 GB).
benchmark:
	Benchmarks/run.sh

clean:
	rm -rf .build dist
