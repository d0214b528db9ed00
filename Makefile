# racksmith — the two set-up commands are `make demo` and `make test`; both install
# what they need first (apt packages, the Pulumi CLI into bin/).
SHELL := /bin/bash
export PATH := $(CURDIR)/bin:$(PATH)
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true
GO ?= go
GOTEST_TIMEOUT ?= 75m

.PHONY: all setup build images test test-short demo bench fmt vet clean

all: build

setup:
	@scripts/setup.sh

build:
	@mkdir -p bin
	$(GO) build -o bin/ ./cmd/...

images: build
	@images/build.sh

# The whole suite: unit, golden, fuzz seeds, real sockets in namespaces, real
# daemons' config checkers, QEMU VMs and the end-to-end lab. Needs root.
test: setup build images
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -count=1 -timeout $(GOTEST_TIMEOUT) ./...

# Only the tests that need no root, no QEMU and no daemons.
test-short: build
	$(GO) test -short -count=1 ./...

demo: setup build images
	@scripts/demo.sh

bench: setup build
	@scripts/bench.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...

clean:
	rm -rf bin/racksmith bin/pulumi-resource-racksmith bin/racksmith-installer images/.build
