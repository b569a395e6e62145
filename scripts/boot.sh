#!/bin/bash
# boot.sh boots the lab's initramfs under QEMU, shows the console, and passes
# only if the console shows ipclab's summary `ipclab: 3/3 labs passed`.
# QEMU's own exit status says nothing about the guest, so it is not used.
#
# Synopsis: scripts/boot.sh ARCH|BOARD INITRAMFS [KERNEL-ARG...]
#
# Environment: BOOT_TIMEOUT seconds before QEMU is killed (default 60);
# KERNEL, DTB and CMDLINE as for qemu.sh.
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 ARCH|BOARD INITRAMFS [KERNEL-ARG...]" >&2
	exit 2
fi
here=$(dirname "$0")
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$(date +%s%N)
# QEMU's status (and timeout's 124) is deliberately ignored: the console
# decides. A board that cannot power off (the Pi 400, scripts/boards.txt)
# halts and leaves QEMU running: end QEMU when the kernel says so.
timeout "${BOOT_TIMEOUT:-60}" "$here/qemu.sh" "$@" </dev/null > >(tee "$log") &
qemu=$!
while kill -0 "$qemu" 2>/dev/null; do
	if grep -qs 'reboot: System halted' "$log"; then
		kill "$qemu" 2>/dev/null || true
		break
	fi
	sleep 0.1
done
wait "$qemu" || true
ms=$((($(date +%s%N) - start) / 1000000))

if tr -d '\r' <"$log" | grep -qx 'ipclab: 3/3 labs passed'; then
	printf '\nboot.sh: %s passed in %d.%03d s\n' "$1" $((ms / 1000)) $((ms % 1000)) >&2
	exit 0
fi
printf '\nboot.sh: %s FAILED: no "ipclab: 3/3 labs passed" on the console (%d.%03d s)\n' \
	"$1" $((ms / 1000)) $((ms % 1000)) >&2
exit 1
