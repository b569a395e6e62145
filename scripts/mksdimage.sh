#!/bin/bash
# mksdimage.sh builds an SD-card image for 64-bit Raspberry Pis (3B, 3B+,
# 3A+, Zero 2 W, 4B, 400): an MBR with one bootable FAT32 partition holding
# Debian's Pi firmware (raspi-firmware), Debian's arm64 kernel with its Pi
# device trees, the lab's initramfs, config.txt and cmdline.txt. The Pi's
# firmware starts the kernel, the initramfs runs `ipclab -poweroff` and the
# summary appears on the serial console (GPIO 14/15, 115200 baud).
#
# Synopsis: scripts/mksdimage.sh OUTPUT.img INITRAMFS [KERNELDIR [FIRMWAREDIR]]
#
#   INITRAMFS    an arm64 initramfs with the kernel's watchdog module, e.g.
#                out/initramfs-pi3.cpio.xz (make initramfs BOARD=pi3)
#   KERNELDIR    fetch-kernel.sh's unpacked linux-image-arm64
#                (default out/kernel/linux-image-arm64)
#   FIRMWAREDIR  fetch-kernel.sh's unpacked raspi-firmware, Debian 13's
#                (default out/firmware/trixie/raspi-firmware; make firmware)
#
# No root and no mounts: truncate, sfdisk, mkfs.vfat --offset and mtools
# write the image file directly. Same inputs, same bytes: the volume id and
# the files' time stamps are fixed (SOURCE_DATE_EPOCH, default 2024-01-01).
set -euo pipefail

if (($# < 2 || $# > 4)); then
	echo "usage: $0 OUTPUT.img INITRAMFS [KERNELDIR [FIRMWAREDIR]]" >&2
	exit 2
fi
output=$1 initramfs=$2
kdir=${3:-out/kernel/linux-image-arm64}
fwdir=${4:-out/firmware/trixie/raspi-firmware}

for tool in sfdisk mkfs.vfat mcopy mmd truncate; do
	command -v "$tool" >/dev/null || {
		echo "$0: $tool missing (scripts/deps.sh installs it)" >&2
		exit 1
	}
done

kernel=$kdir/vmlinuz
firmware=$fwdir/root/usr/lib/raspi-firmware
dtbs=$(echo "$kdir"/root/usr/lib/linux-image-*/broadcom)
for f in "$initramfs" "$kernel" "$firmware/bootcode.bin" "$firmware/start.elf" "$dtbs/bcm2837-rpi-3-b.dtb"; do
	if [[ ! -r $f ]]; then
		echo "$0: $f missing (make kernel BOARD=pi3, make firmware, make initramfs BOARD=pi3)" >&2
		exit 1
	fi
done

# The boards the arm64 kernel runs on. The firmware picks the device tree
# by the board's name (upstream_kernel=1: the mainline names).
boards_dtbs=(bcm2837-rpi-3-b bcm2837-rpi-3-b-plus bcm2837-rpi-3-a-plus
	bcm2837-rpi-zero-2-w bcm2711-rpi-4-b bcm2711-rpi-400)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# config.txt for the firmware (Raspberry Pi documentation, "config.txt"):
# a 64-bit kernel, the serial console on GPIO 14/15, mainline device-tree
# names, the initramfs loaded right after the kernel. TestSDRules
# (initramfs/sdrules_test.go) holds the card to the firmware's rules, each
# with its source.
#
# [pi4] (the 4B, 400 and CM4: "Conditional filters") fixes the VPU core
# clock at 360 MHz. The mini UART on GPIO 14/15 takes its baud rate from
# that clock ("Mini UART and CPU core frequency"), and on the Pi 4
# enable_uart=1 alone does not keep it at a rate the console survives:
# raspberrypi/linux#4123 and raspberrypi/firmware#1618 (a garbled console
# or a wrong baud rate with enable_uart=1 and no core_freq); Debian's
# /etc/default/raspi-firmware (GPU_FREQ): "If you intend to use the serial
# console, you need to set GPU_FREQ to 360 ... Both 500 and 550 MHz also
# corrupt the serial console", which Debian writes as core_freq=360.
# core_freq_min=360 keeps the firmware's dynamic clocking from lowering it.
# The Pi 3s need nothing: there enable_uart=1 fixes the core clock at 250
# MHz ("Mini UART and CPU core frequency"). [all] ends the section.
cat >"$tmp/config.txt" <<'EOF'
# ipclab: Debian's arm64 kernel, its device trees and the lab's initramfs,
# which runs the three IPC labs and powers off. Serial console on GPIO 14/15.
arm_64bit=1
enable_uart=1
upstream_kernel=1
kernel=vmlinuz
initramfs initramfs.cpio.xz followkernel

# Pi 4B, 400: a fixed core clock, which the mini UART's baud rate follows.
[pi4]
core_freq=360
core_freq_min=360
[all]
EOF
# cmdline.txt: the last console= becomes /dev/console, where ipclab's
# summary goes, so the serial port comes last (ttyS1: the mini UART that
# enable_uart=1 puts on GPIO 14/15). Quoted like scripts/qemu.sh does:
# u-root's init then leaves the programs on /dev/console.
echo '"console=tty1" "console=ttyS1,115200" panic=-1' >"$tmp/cmdline.txt"

# Sizes: the files, plus 8 MiB for the file system and a margin, at least
# 64 MiB (FAT32 wants 65525 clusters); the partition starts at 1 MiB.
files=("$firmware"/bootcode.bin "$firmware"/*.elf "$firmware"/*.dat
	"$tmp/config.txt" "$tmp/cmdline.txt")
for d in "${boards_dtbs[@]}"; do
	files+=("$dtbs/$d.dtb")
done
bytes=$(du -cbL "${files[@]}" "$kernel" "$initramfs" | awk 'END { print $1 }')
mib=$(((bytes + (1 << 20) - 1) / (1 << 20) + 8))
((mib < 64)) && mib=64
img=$tmp/sd.img
truncate -s $((mib + 1))M "$img"
# One partition from 1 MiB to the end: W95 FAT32 (LBA), bootable.
echo 'label: dos
label-id: 0x1ab5d000
start=2048, type=c, bootable' | sfdisk -q "$img"
sectors=$((mib * 2048))
mkfs.vfat -F 32 -n IPCLAB --invariant --offset 2048 "$img" $((sectors / 2)) >/dev/null

# mtools writes into the partition (image@@offset); time stamps from
# SOURCE_DATE_EPOCH instead of now.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200} MTOOLS_SKIP_CHECK=1
part=$img@@1M
mcopy -i "$part" "${files[@]}" ::
mcopy -i "$part" "$kernel" ::vmlinuz
mcopy -i "$part" "$initramfs" ::initramfs.cpio.xz

mkdir -p "$(dirname "$output")"
mv "$img" "$output"
echo "$0: $output: $((mib + 1)) MiB" >&2
