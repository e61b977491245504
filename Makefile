# falcopack: `make dist` builds the demo release, `make test` runs the tests. Both install what they need.
SWIFT ?= swift

.PHONY: all build release dist test bench clean

all: build

build:
	scripts/install-deps.sh build
	$(SWIFT) build

release:
	scripts/install-deps.sh build
	$(SWIFT) build -c release

# Until the Falco spec lands, the demo release is the release build of falcopack itself.
dist: release
	@echo "falcopack built: $$($(SWIFT) build -c release --show-bin-path)/falcopack"

test:
	scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

bench: release
	Benchmarks/codecs.sh

clean:
	rm -rf .build dist
