# ipclab — see README.md. Everything is built static, without cgo.
GO      ?= go
export CGO_ENABLED := 0
BUILD   := $(GO) build -trimpath -ldflags='-s -w'
LABS    := pipelab mqlab shmlab ipclab
BIN     := out/bin
WASM    := out/wasm
WASI    := pipelab mqlab shmlab
BENCHBIN:= out/bench/bin
REFC    ?= ../shared/bench/ref.c

.PHONY: all build run wasm test check clean cross image image-deps bench bench-build FORCE

all: build

# The three labs, static and stripped, for this machine.
build:
	@mkdir -p $(BIN)
	$(BUILD) -o $(BIN)/ $(addprefix ./cmd/,$(LABS))

# Static builds for other boards: out/bin/<target>/. armv6 runs on every
# Raspberry Pi (Zero and 1 included); armv7 needs a Pi 2 or newer.
CROSS := arm64:arm64: armv6:arm:6 armv7:arm:7 riscv64:riscv64: amd64:amd64:
cross:
	@set -e; for t in $(CROSS); do \
	  n=$${t%%:*}; r=$${t#*:}; a=$${r%%:*}; v=$${r#*:}; \
	  mkdir -p $(BIN)/$$n; echo "$$n: GOARCH=$$a GOARM=$$v"; \
	  GOOS=linux GOARCH=$$a GOARM=$$v $(BUILD) -o $(BIN)/$$n/ $(addprefix ./cmd/,$(LABS)); \
	done
	@ls -l $(BIN)/*/

# Each lab on the lab sheet's sample data.
run: build
	@set -e; for l in pipe:pipelab queue:mqlab shm:shmlab; do \
	  f=testdata/$${l%%:*}.txt; b=$(BIN)/$${l##*:}; \
	  echo "\$$ $$b $$f"; $$b $$f; echo; \
	done
	@echo "\$$ $(BIN)/mqlab -sysv testdata/queue.txt"; $(BIN)/mqlab -sysv testdata/queue.txt
	@ls -l $(addprefix $(BIN)/,$(LABS))

# The labs for WASI preview 1 (README, "WASI"): pipelab's send and recv run
# there, mqlab and shmlab say why they cannot. Go rebuilds only what changed.
wasm: $(WASI:%=$(WASM)/%.wasm)
	@ls -l $^

$(WASM)/%.wasm: FORCE
	@mkdir -p $(WASM)
	GOOS=wasip1 GOARCH=wasm $(BUILD) -o $@ ./cmd/$*

# The container image (images/README.md) from the cross builds: out/image,
# an OCI layout with the multi-platform index tagged latest and each
# platform tagged latest-TARGET, and out/image-TARGET.tar for `docker load`.
# Reproducible: the version label comes from git, the rest from the sources.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

image: cross
	$(GO) run ./images -bin $(BIN) -out out -version $(VERSION)

# What the image tests run: skopeo, umoci, runc, qemu-user-static.
image-deps:
	sh scripts/install-image-deps.sh

# The labs with their benchmark mode built in (-tags bench: it does not fit
# the 1.6 MB budget), next to ipclab, which runs them all with "ipclab bench".
bench-build:
	@mkdir -p $(BENCHBIN)
	$(BUILD) -tags bench -o $(BENCHBIN)/ $(addprefix ./cmd/,$(LABS))
	@ls -l $(addprefix $(BENCHBIN)/,$(LABS))

# The C yardstick, as its README builds it.
out/ref: $(REFC)
	@mkdir -p out
	gcc -O2 -o $@ $<

# ipclab against C, interleaved runs, medians: a table and out/bench.svg.
bench: bench-build out/ref
	$(GO) run ./scripts/bench -bin $(BENCHBIN) -ref out/ref -svg out/bench.svg -json out/bench.json

# Formatting, vet and every test (the README's test command; CI runs it).
# The image tests take the cross builds.
test: check image-deps cross
	$(GO) test -count=1 -timeout 20m ./...

check:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./...
	$(GO) vet -tags bench ./...

clean:
	rm -rf out

# Booting the lab in QEMU (issue 5). These rules read the module's sources,
# testdata/ and initramfs/, and write only under out/.
#
#   make initramfs ARCH=amd64|arm64   out/initramfs-$(ARCH).cpio.xz
#   make kernel ARCH=…                the Debian cloud kernel, into out/kernel/
#   make boot ARCH=…                  boot it; passes on "ipclab: 3/3 labs passed"
#   make shell ARCH=…                 boot to the gosh shell (ipclab.shell=1);
#                                     `exit` twice, or Ctrl-A x, ends QEMU
#   make test                         also installs QEMU and fetches both kernels
#                                     for the boot tests (initramfs/boot_test.go)

ARCH ?= amd64
BOOT_ARCHES := amd64 arm64

KERNEL_META_amd64 := linux-image-cloud-amd64
KERNEL_META_arm64 := linux-image-cloud-arm64
kernel_of = out/kernel/$(KERNEL_META_$(1))/vmlinuz
KERNEL := $(call kernel_of,$(ARCH))
INITRAMFS := out/initramfs-$(ARCH).cpio.xz

# What goes into the image: the Go sources, the samples, the build script.
INITRAMFS_SRCS := go.mod go.sum initramfs/mkinitramfs.sh $(wildcard testdata/*.txt) \
	$(shell find . -path ./out -prune -o -name '*.go' ! -name '*_test.go' -print)

.PHONY: initramfs kernel boot shell boot-deps test

initramfs: $(INITRAMFS)

out/initramfs-%.cpio.xz: $(INITRAMFS_SRCS)
	initramfs/mkinitramfs.sh $* $@

kernel: $(KERNEL)

out/kernel/linux-image-cloud-%/vmlinuz:
	scripts/fetch-kernel.sh $* linux-image-cloud-$* out/kernel

boot: boot-deps $(KERNEL) $(INITRAMFS)
	scripts/boot.sh $(ARCH) $(INITRAMFS)

shell: boot-deps $(KERNEL) $(INITRAMFS)
	scripts/qemu.sh $(ARCH) $(INITRAMFS) ipclab.shell=1

# QEMU, xz and cpio, installed only if missing.
boot-deps:
	scripts/deps.sh

# The boot tests (initramfs/boot_test.go) need QEMU and both kernels; the
# recipe is the test rule above.
test: boot-deps $(foreach a,$(BOOT_ARCHES),$(call kernel_of,$(a)))
