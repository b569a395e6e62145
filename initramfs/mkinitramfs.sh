#!/bin/bash
# mkinitramfs.sh builds the lab's boot image: a u-root busybox initramfs with
# u-root's init, the gosh shell, u-root's ls and cat, the three labs and
# ipclab, and the lab sheet's samples under /data. init runs
# `ipclab -poweroff` as uinit.
#
# Synopsis: initramfs/mkinitramfs.sh ARCH|BOARD OUTPUT.cpio.xz
#
#   ARCH    amd64, arm64, arm (32-bit, GOARM=6 unless GOARM is set),
#           armv7 (GOARM=7) or riscv64
#   BOARD   a Raspberry Pi from scripts/boards.txt (pi3, pi2, zero, …): its
#           architecture, plus the watchdog driver of the board's kernel,
#           bcm2835_wdt.ko, in /lib/modules/ when the kernel has it as a
#           module. u-root's init loads /lib/modules/*.ko before uinit, and
#           without the driver power-off leaves the Pi (and QEMU) running.
#           The kernel must be fetched first (make kernel BOARD=…).
#
# Environment (for tests that need a variant image):
#   DATA     directory whose *.txt files go to /data (default testdata/)
#   UINIT    the uinit command line (default "ipclab -poweroff")
#   KERNELS  where fetch-kernel.sh put the kernels (default out/kernel)
#
# Same sources, same bytes: u-root writes reproducible archives and xz runs
# single-threaded with fixed settings.
set -euo pipefail

if (($# != 2)); then
	echo "usage: $0 ARCH|BOARD OUTPUT.cpio.xz" >&2
	exit 2
fi
arch=$1 output=$2
data=${DATA:-}
uinit=${UINIT:-ipclab -poweroff}
root=$(cd "$(dirname "$0")/.." && pwd)
kernels=${KERNELS:-$root/out/kernel}

# A board: its architecture and its kernel's watchdog module.
files=()
read -r board _ _ goarch _ kpkg _ < <(awk -v b="$arch" '$1 == b' "$root/scripts/boards.txt") || true
if [[ -n ${board:-} ]]; then
	arch=$goarch
	modules=$kernels/$kpkg/root/lib/modules
	if [[ ! -d $modules ]]; then
		echo "$0: $board: kernel $kpkg missing in $kernels (make kernel BOARD=$board)" >&2
		exit 1
	fi
	wdt=$(find "$modules" -name bcm2835_wdt.ko)
	if [[ -n $wdt ]]; then
		files+=(-files "$wdt:lib/modules/bcm2835_wdt.ko")
	elif ! grep -qs /bcm2835_wdt.ko "$modules"/*/modules.builtin; then
		echo "$0: $board: kernel $kpkg has no watchdog driver (bcm2835_wdt): power-off would hang" >&2
		exit 1
	fi
fi

# The xz BCJ filter for the arch's code, where the kernel can decode it
# (CONFIG_XZ_DEC_*: Debian 12's armmp and rpi kernels decode ARM).
goarch=$arch
case $arch in
amd64) bcj=--x86 ;; # the amd64 kernel decodes the x86 BCJ filter
arm64) bcj= ;;      # Debian 12's kernels lack an ARM64 BCJ decoder
arm)
	bcj=--arm
	# ARMv6 runs on every Raspberry Pi; GOARM=7 dies on the Pi Zero and 1.
	export GOARM=${GOARM:-6}
	;;
armv7)
	# QEMU's virt machine with a Cortex-A15 and Debian's armmp kernel.
	goarch=arm bcj=--arm
	export GOARM=7
	;;
riscv64) bcj= ;; # Debian 12's xz has no RISC-V BCJ filter
*)
	echo "$0: unsupported ARCH $arch (amd64, arm64, arm, armv7, riscv64, or a board in scripts/boards.txt)" >&2
	exit 2
	;;
esac

mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
data=$(cd "${data:-$root/testdata}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$data"/*.txt; do
	files+=(-files "$f:data/${f##*/}")
done

# u-root must run for the host: `GOARCH=arm64 go tool u-root` would build the
# tool itself for arm64. So build it for the host and run its path.
uroot=$(cd "$root" && go tool -n u-root)

# u-root's busybox builder (gobusybox) copies a command's dependencies into a
# GOPATH only if the first element of their import path has a dot: its "poor
# man's standard library test" (gobusybox src/pkg/bb/bb.go, collectDeps).
# Module ipclab's own packages would pass for the standard library and the
# build fails. So build from a copy of the module renamed to ipclab.localhost,
# its import lines rewritten to match (gofmt-formatted import specs only;
# `make check` keeps the sources gofmt-clean). Only package paths change: the
# commands, their names and what they print stay the same.
module=ipclab.localhost
src=$tmp/src
mkdir "$src"
tar -C "$root" --exclude=./out --exclude=./.git -cf - . | tar -C "$src" -xf -
(cd "$src" && go mod edit -module "$module")
find "$src" -name '*.go' -exec sed -E -i \
	-e 's#^(import[[:space:]]+|[[:space:]]+)([A-Za-z_.][A-Za-z0-9_]*[[:space:]]+)?"ipclab(/[^"]*)?"[[:space:]]*$#\1\2"'"$module"'\3"#' {} +

# goshsmall: gosh without its bubbletea line editor (a third of the image);
# the tty's own line editing is enough for a lab shell on a serial console.
cd "$src"
GOOS=linux GOARCH=$goarch CGO_ENABLED=0 "$uroot" \
	-o "$tmp/initramfs.cpio" \
	-tmp-dir "$tmp" \
	-go-build-tags goshsmall \
	-defaultsh gosh \
	-uinitcmd "$uinit" \
	"${files[@]}" \
	github.com/u-root/u-root/cmds/core/init \
	github.com/u-root/u-root/cmds/core/gosh \
	github.com/u-root/u-root/cmds/core/ls \
	github.com/u-root/u-root/cmds/core/cat \
	./cmd/pipelab ./cmd/mqlab ./cmd/shmlab ./cmd/ipclab \
	2>&1 | awk '
		# u-root v0.16.0 warns about any Go newer than 1.22; it builds fine.
		/WARN You are not using one of the recommended Go versions/ { skip = 1; next }
		skip && /^\t/ { next }
		{ skip = 0; print }' >&2

# The kernel's xz decoder wants crc32 (not crc64) checks; -T1 keeps the
# output independent of the number of cores.
xz --check=crc32 -T1 $bcj --lzma2=preset=9e,dict=16MiB -c "$tmp/initramfs.cpio" >"$tmp/out.xz"
mv "$tmp/out.xz" "$output"
