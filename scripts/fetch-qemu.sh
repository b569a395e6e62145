#!/bin/bash
# fetch-qemu.sh puts QEMU 10 from Debian's bookworm-backports into a
# directory of its own, beside Debian 12's QEMU 7.2 (which the other boot
# targets keep using), for the machine 7.2 lacks: raspi4b, the Pi 4B and
# 400. Nothing is installed: scripts/fetch-kernel.sh downloads and unpacks
# qemu-system-arm, qemu-system-common (its modules) and qemu-system-data
# (its ROMs and device trees) with a private apt state.
#
# Synopsis: scripts/fetch-qemu.sh [OUTDIR]
#
# OUTDIR (default out/qemu) then holds bin/qemu-system-aarch64, which runs
# the unpacked QEMU with its own modules (QEMU_MODULE_DIR) and data (-L).
# It needs no library beyond Debian 12's QEMU's (scripts/deps.sh).
set -euo pipefail

out=${1:-out/qemu}
here=$(dirname "$0")
for p in qemu-system-arm qemu-system-common qemu-system-data; do
	SUITE=bookworm-backports "$here/fetch-kernel.sh" amd64 "$p" "$out"
done
out=$(cd "$out" && pwd)
modules=$(echo "$out"/qemu-system-common/root/usr/lib/*-linux-gnu/qemu)
mkdir -p "$out/bin"
cat >"$out/bin/qemu-system-aarch64.tmp" <<WRAPPER
#!/bin/sh
# QEMU $(cut -d' ' -f2 "$out/qemu-system-arm/version") from bookworm-backports (scripts/fetch-qemu.sh).
QEMU_MODULE_DIR=$modules exec $out/qemu-system-arm/root/usr/bin/qemu-system-aarch64 \\
	-L $out/qemu-system-data/root/usr/share/qemu "\$@"
WRAPPER
chmod +x "$out/bin/qemu-system-aarch64.tmp"
mv "$out/bin/qemu-system-aarch64.tmp" "$out/bin/qemu-system-aarch64"
"$out/bin/qemu-system-aarch64" -version | head -1 >&2
