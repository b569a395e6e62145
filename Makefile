# ipclab — see README.md. Everything is built static, without cgo.
GO      ?= go
export CGO_ENABLED := 0
BUILD   := $(GO) build -trimpath -ldflags='-s -w'
LABS    := pipelab mqlab shmlab ipclab
BIN     := out/bin
WASM    := out/wasm
WASI    := pipelab mqlab shmlab
# The C yardstick: scripts/ref.c is a copy of the course's bench/ref.c,
# unchanged; REFC=FILE picks another.
REFC    ?= scripts/ref.c

.PHONY: all build run wasm wasi-node wasi-deps test check clean cross image image-deps bench labspeed soak docs sizes diagrams course sheet-deadlock measure measure-boot FORCE

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

# The labs for WASI preview 1 (docs/wasi.md): pipelab's send and recv run
# there, mqlab and shmlab say why they cannot. Go rebuilds only what changed.
wasm: $(WASI:%=$(WASM)/%.wasm)
	@ls -l $^

$(WASM)/%.wasm: FORCE
	@mkdir -p $(WASM)
	GOOS=wasip1 GOARCH=wasm $(BUILD) -o $@ ./cmd/$*

# pipelab.wasm's two ends under Node.js (scripts/wasi-node.mjs), on the
# sample: send testdata/pipe.txt | recv.
wasi-node: $(WASM)/pipelab.wasm
	node scripts/wasi-node.mjs $< send testdata/pipe.txt | node scripts/wasi-node.mjs $< recv

# The WASI runtimes the tests use besides wazero, each only if missing:
# Debian's nodejs and npm, wasmer-js pinned in scripts/wasi (out/npm), and
# Debian 12's node 18 when the node on PATH is another (out/node18).
wasi-deps:
	scripts/wasi-deps.sh

test: wasi-deps

# The container image (docs/container.md) from the cross builds: out/image,
# an OCI layout with the multi-platform index tagged latest and each
# platform tagged latest-TARGET, and out/image-TARGET.tar for `docker load`.
# Reproducible: the version label comes from git, the rest from the sources.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

image: cross
	$(GO) run ./images -bin $(BIN) -out out -version $(VERSION)

# What the image tests run: skopeo, umoci, runc, qemu-user-static, and the
# engines docker.io, podman, containerd (Debian's; no service is started).
image-deps:
	sh scripts/install-image-deps.sh

# The C yardstick, as its README builds it (gcc from Debian if missing).
out/ref: $(REFC)
	@mkdir -p out
	@command -v gcc >/dev/null || scripts/deps.sh
	gcc -O2 -o $@ $<

# ipclab against C, interleaved runs, each row's ratio as min/median/max
# over its pairs: a table, its chart docs/measured/bench.svg, and every run in
# docs/measured/bench.json, from which make docs fills docs/benchmarks.md.
# About 5 minutes.
bench: build out/ref
	$(GO) run ./scripts/bench -bin $(BIN) -ref out/ref -svg docs/measured/bench.svg -json docs/measured/bench.json

# The labs against the lab sheet's Python programs (testdata/sheet), whole
# processes on the same input: a table, and the run added to
# docs/measured/labspeed.json (the last 4 kept), from which make docs fills
# the README's and docs/benchmarks.md's tables. About a minute.
labspeed: build
	@command -v python3 >/dev/null || scripts/deps.sh
	$(GO) run ./scripts/labspeed -bin $(BIN) -json docs/measured/labspeed.json

# Formatting, vet and every test (the README's test command; CI runs it).
# The image tests take the cross builds.
test: check image-deps sizes
	$(GO) test -count=1 -timeout 20m ./...

# What the documentation shows but a test cannot measure again, measured
# (scripts/measure.sh): a run of ipclab bench, into docs/measured/; make
# docs then puts it in docs/benchmarks.md. make soak keeps its summary
# there too.
measure: build
	scripts/measure.sh ipclab-bench $(BIN)/ipclab bench

# The reliability campaigns (internal/campaign) at full size: kill, flood,
# 16 labs at once; a summary table, also in out/soak.txt. `make test`
# runs them at a size for CI. About 15 minutes on two cores. The summary
# is kept in docs/measured/soak.txt too, for make docs.
soak:
	MEASURED_FROM=out/soak.txt MEASURED_ENV="TRIALS ITEMS FLOOD RUNS RUNITEMS SEED" \
		scripts/measure.sh soak sh scripts/soak.sh

check:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed: $$bad"; exit 1; fi
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./...
	GOARCH=arm GOARM=6 $(GO) vet ./...

clean:
	rm -rf out

# What the build makes, measured (scripts/sizes): the labs and ipclab,
# the image's layers, the boot images and the WASI build; out/sizes.json,
# from which make docs fills the documentation's size tables.
sizes: build image wasm out/initramfs-amd64.cpio.xz out/initramfs-arm64.cpio.xz
	$(GO) run ./scripts/sizes

# A trace and its diagram per lab, from a real run on the sheet's sample
# (the lab's -trace, drawn by ipclab diagram): docs/diagrams/LAB.trace and
# LAB.svg, which the README shows.
DIAGRAMS := pipelab:pipe mqlab:queue shmlab:shm
diagrams: build
	@mkdir -p docs/diagrams
	@set -e; for d in $(DIAGRAMS); do \
	  l=$${d%%:*}; f=testdata/$${d##*:}.txt; \
	  echo "$(BIN)/ipclab $$l -trace $$f 2> docs/diagrams/$$l.trace"; \
	  scripts/std-fds.sh $(BIN)/ipclab $$l -trace $$f 2> docs/diagrams/$$l.trace >/dev/null; \
	  $(BIN)/ipclab diagram docs/diagrams/$$l.trace > docs/diagrams/$$l.svg; \
	done

# The course's recorded runs (docs/course.md): a trace of each lab, and of
# some of their modes, from a real run on the sheet's sample
# (docs/course/NAME.trace, which make docs shows with the notes in
# NAME.notes and turns into tables of who holds which descriptor), and the
# sheet's queue program hanging (docs/course/sheet-deadlock.txt). The labs
# run with only descriptors 0-2 open (scripts/std-fds.sh), so the parent's
# descriptor numbers in a trace are a terminal's, wherever make runs.
COURSE_TRACES := pipelab:pipe pipelab-duplex:pipe:-duplex pipelab-writers:pipe:-writers=2 \
	mqlab:queue mqlab-sysv:queue:-sysv shmlab:shm shmlab-memfd:shm:-memfd
course: build
	@mkdir -p docs/course
	@set -e; for t in $(COURSE_TRACES); do \
	  n=$${t%%:*}; r=$${t#*:}; f=testdata/$${r%%:*}.txt; a=; \
	  case $$r in *:*) a=$${r#*:};; esac; \
	  echo "$(BIN)/$${n%%-*} -trace $$a $$f 2> docs/course/$$n.trace"; \
	  scripts/std-fds.sh $(BIN)/$${n%%-*} -trace $$a $$f 2> docs/course/$$n.trace >/dev/null; \
	done
	scripts/sheet-deadlock.sh $(BIN)/mqlab > docs/course/sheet-deadlock.txt

# Why the lab sheet's queue program hangs from about 5,000 items, shown
# from /proc, next to a fixed copy and mqlab (SHEET_ITEMS=N for another
# count; docs/course.md).
sheet-deadlock: build
	@command -v python3 >/dev/null || scripts/deps.sh
	scripts/sheet-deadlock.sh $(BIN)/mqlab

# The documentation's generated parts: each command's doc comment and the
# README's synopses from the command table, the size tables from make
# sizes, the firmware's version from the fetched package (scripts/docs;
# its test fails when they are stale).
docs: sizes out/firmware/trixie/raspi-firmware/version
	$(GO) run ./scripts/docs

# Booting the lab in QEMU (docs/boot.md) and on the Raspberry Pis (docs/pi.md).
# These rules read the module's sources, testdata/, initramfs/ and scripts/,
# and write only under out/.
#
#   make initramfs ARCH=amd64|arm64|armv7|riscv64
#                                         out/initramfs-$(ARCH).cpio.xz
#   make kernel ARCH=…                    the machine's Debian kernel, into out/kernel/
#   make boot ARCH=…                      boot it; passes on "ipclab: 3/3 labs passed"
#   make shell ARCH=…                     boot to the gosh shell (ipclab.shell=1), with
#                                         u-root's ls and cat; `exit` powers off,
#                                         Ctrl-A x quits QEMU
#   make boot BOARD=pi3|pi3a|zero2w|pi4|pi400|pi2|pi1|zero
#                                         the same on an emulated Pi (scripts/boards.txt;
#                                         pi4 and pi400 on QEMU 10, scripts/fetch-qemu.sh):
#                                         its Debian kernel and device tree, and
#                                         out/initramfs-$(BOARD).cpio.xz (with the
#                                         kernel's watchdog module); also initramfs,
#                                         kernel and shell with BOARD=
#   make firmware                         Debian 13's raspi-firmware, into out/firmware/trixie/
#   make sdimage                          out/ipclab-pi-sd.img (scripts/mksdimage.sh)
#   make test                             also installs QEMU and the SD tools and
#                                         fetches QEMU 10, every kernel and the firmware
#                                         for the boot tests (initramfs/)

ARCH ?= amd64
BOOT_ARCHES := amd64 arm64 armv7 riscv64

# QEMU's virt machines: Debian 12's cloud kernels, its armmp kernel for a
# Cortex-A15 (armv7), Debian 13's riscv64 kernel (riscv64 is official
# there first).
KERNEL_META_amd64 := linux-image-cloud-amd64
KERNEL_META_arm64 := linux-image-cloud-arm64
KERNEL_META_armv7 := linux-image-armmp
KERNEL_META_riscv64 := linux-image-riscv64
kernel_of = out/kernel/$(KERNEL_META_$(1))/vmlinuz

# The Pi boards: name, QEMU machine, memory, GOARCH, Debian arch, kernel
# package, device tree, kernel arguments (scripts/boards.txt).
BOARDS_TXT := scripts/boards.txt
BOARDS := $(shell awk '!/^\#/ && NF { print $$1 }' $(BOARDS_TXT))
board_field = $(word $(2),$(shell awk '$$1 == "$(1)"' $(BOARDS_TXT)))
board_kernel = out/kernel/$(call board_field,$(1),6)/vmlinuz
# "package:debian-arch" of each kernel the boards use.
PI_KERNELS := $(sort $(shell awk '!/^\#/ && NF { print $$6 ":" $$5 }' $(BOARDS_TXT)))

QEMU10 := out/qemu/bin/qemu-system-aarch64

ifdef BOARD
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD): not one of $(BOARDS) (scripts/boards.txt))
endif
TARGET := $(BOARD)
KERNEL := $(call board_kernel,$(BOARD))
QEMU_FOR := $(if $(filter raspi4b,$(call board_field,$(BOARD),2)),$(QEMU10))
else
TARGET := $(ARCH)
KERNEL := $(call kernel_of,$(ARCH))
endif
INITRAMFS := out/initramfs-$(TARGET).cpio.xz

# What goes into the image: the Go sources, the samples, the build script.
INITRAMFS_SRCS := go.mod go.sum initramfs/mkinitramfs.sh $(BOARDS_TXT) $(wildcard testdata/*.txt) \
	$(shell find . -path ./out -prune -o -name '*.go' ! -name '*_test.go' -print)

.PHONY: initramfs kernel boot shell boot-deps firmware sdimage test boot-times

initramfs: $(INITRAMFS)

out/initramfs-%.cpio.xz: $(INITRAMFS_SRCS)
	initramfs/mkinitramfs.sh $* $@

# A board's initramfs takes the watchdog module from the board's kernel.
$(foreach b,$(BOARDS),$(eval out/initramfs-$(b).cpio.xz: $(call board_kernel,$(b))))

kernel: $(KERNEL)

out/kernel/linux-image-cloud-%/vmlinuz:
	scripts/fetch-kernel.sh $* linux-image-cloud-$* out/kernel

out/kernel/linux-image-riscv64/vmlinuz:
	SUITE=trixie scripts/fetch-kernel.sh riscv64 linux-image-riscv64 out/kernel

define pi_kernel_rule
out/kernel/$(1)/vmlinuz:
	scripts/fetch-kernel.sh $(2) $(1) out/kernel
endef
$(foreach k,$(PI_KERNELS),$(eval $(call pi_kernel_rule,$(word 1,$(subst :, ,$(k))),$(word 2,$(subst :, ,$(k))))))

boot: boot-deps $(KERNEL) $(INITRAMFS) $(QEMU_FOR)
	scripts/boot.sh $(TARGET) $(INITRAMFS)

shell: boot-deps $(KERNEL) $(INITRAMFS) $(QEMU_FOR)
	scripts/qemu.sh $(TARGET) $(INITRAMFS) ipclab.shell=1

# QEMU 10 from bookworm-backports, for the Pi 4B and 400 (raspi4b), in its
# own directory beside Debian 12's QEMU 7.2.
$(QEMU10): scripts/fetch-qemu.sh
	scripts/fetch-qemu.sh out/qemu

# QEMU, xz, cpio, sfdisk, mkfs.vfat and mtools, installed only if missing.
boot-deps:
	scripts/deps.sh

# The Pi firmware (bootcode.bin, start*.elf, fixup*.dat) is in Debian's
# non-free-firmware component; Debian 13's is the newest reachable
# (1.20240424, Debian 12's 1.20220830).
FIRMWARE := out/firmware/trixie/raspi-firmware/version
firmware: $(FIRMWARE)

$(FIRMWARE):
	SUITE=trixie COMPONENTS=non-free-firmware scripts/fetch-kernel.sh arm64 raspi-firmware out/firmware/trixie

# The SD-card image for the 64-bit Pis: firmware, the arm64 kernel and its
# device trees, the Pi 3's initramfs (arm64, with the kernel's watchdog module).
SDIMAGE := out/ipclab-pi-sd.img
sdimage: $(SDIMAGE)

$(SDIMAGE): scripts/mksdimage.sh out/initramfs-pi3.cpio.xz $(call board_kernel,pi3) $(FIRMWARE) | boot-deps
	scripts/mksdimage.sh $@ out/initramfs-pi3.cpio.xz

# How long each boot target takes, medians of 5 boots one at a time
# (BenchmarkBoot): docs/measured/boot-times.txt, which make docs puts in
# docs/boot.md and docs/pi.md. About 10 minutes.
boot-times: boot-deps $(foreach a,$(BOOT_ARCHES),$(call kernel_of,$(a))) \
	$(foreach b,$(BOARDS),$(call board_kernel,$(b))) $(QEMU10)
	scripts/boot-times.sh

# The boot tests (initramfs/) need QEMU, the SD tools, every kernel and the
# firmware; the recipe is the test rule above.
test: boot-deps $(foreach a,$(BOOT_ARCHES),$(call kernel_of,$(a))) \
	$(foreach b,$(BOARDS),$(call board_kernel,$(b))) $(FIRMWARE) $(QEMU10)

# One boot's console, as make boot shows it, into
# docs/measured/boot-amd64.txt (make docs puts it in docs/boot.md).
measure-boot: boot-deps $(call kernel_of,amd64) out/initramfs-amd64.cpio.xz
	scripts/measure.sh boot-amd64 scripts/boot.sh amd64 out/initramfs-amd64.cpio.xz
