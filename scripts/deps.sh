#!/bin/bash
# deps.sh installs what booting the lab and building its SD-card image need
# and is missing: QEMU for x86_64, aarch64, 32-bit arm and riscv64 (the Pi
# 4's QEMU 10 comes from scripts/fetch-qemu.sh), xz, cpio, lz4, sfdisk,
# mkfs.vfat, mtools and fdtput (the SD card's core clock on the emulated
# Pi 4, qemu.sh); gcc, for the benchmark's C reference; xmllint and
# Chromium, which the diagram tests check ipclab diagram with; python3, for
# the lab sheet's programs (docs/course.md).
# It does nothing when all of them are present.
#
# Synopsis: scripts/deps.sh
set -euo pipefail

declare -A pkg_of=(
	[qemu-system-x86_64]=qemu-system-x86
	[qemu-system-aarch64]=qemu-system-arm
	[qemu-system-arm]=qemu-system-arm # the 32-bit Raspberry Pi boards
	[qemu-system-riscv64]=qemu-system-misc # riscv64's virt machine (OpenSBI bundled)
	[xz]=xz-utils
	[cpio]=cpio
	[unlz4]=lz4 # fetch-kernel.sh: the ELF kernel inside Debian's amd64 bzImage
	# mksdimage.sh: an MBR + FAT32 image without root or mounts
	[sfdisk]=fdisk
	[mkfs.vfat]=dosfstools
	[mcopy]=mtools
	[fdtput]=device-tree-compiler # qemu.sh: a card's core clock (CORE_FREQ)
)

missing=()
for tool in "${!pkg_of[@]}"; do
	command -v "$tool" >/dev/null || missing+=("${pkg_of[$tool]}")
done
# make bench and its test build the C reference, scripts/ref.c.
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
# The diagram tests (ipclab diagram) check the SVG with xmllint and render
# it in headless Chromium, with a font that has the labels' characters.
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v chromium >/dev/null || missing+=(chromium)
[[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]] || missing+=(fonts-dejavu-core)
# The course's demonstration of the lab sheet's queue program hanging
# (scripts/sheet-deadlock.sh, docs/course_test.go) runs the sheet's Python.
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]} == 0)); then
	exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt may hold the lock (a second engineer, unattended upgrades): wait.
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -q
apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}"
