#!/bin/bash
# qemu.sh starts the lab's initramfs under QEMU (software emulation) with the
# serial console on stdin/stdout. It becomes QEMU (exec), so a caller's timeout
# or kill reaches QEMU itself. It neither waits for nor judges the boot: see
# boot.sh, and judge by the console, never by QEMU's exit status.
#
# Synopsis: scripts/qemu.sh ARCH INITRAMFS [KERNEL-ARG...]
#
#   ARCH        amd64 or arm64
#   INITRAMFS   e.g. out/initramfs-amd64.cpio.xz
#   KERNEL-ARG  appended to the kernel command line, e.g. ipclab.shell=1
#
# Environment: KERNEL (default out/kernel/linux-image-cloud-ARCH/vmlinux if
# there is one, else …/vmlinuz).
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 ARCH INITRAMFS [KERNEL-ARG...]" >&2
	exit 2
fi
arch=$1 initramfs=$2
shift 2
kernel=${KERNEL:-}
if [[ -z $kernel ]]; then
	kernel=out/kernel/linux-image-cloud-$arch/vmlinuz
	# The ELF kernel that fetch-kernel.sh unpacks for amd64 boots 0.4 s faster.
	if [[ -r ${kernel%/*}/vmlinux ]]; then
		kernel=${kernel%/*}/vmlinux
	fi
fi

# console= is quoted: the kernel strips the quotes, u-root's init does not
# see it. For each console= it sees, u-root v0.16.0's init hands uinit and the
# shell a pipe to /dev/<console>, all opened at start-up. When uinit (the
# tty's session leader) exits, the kernel hangs that tty up, the pipe's reader
# fails and gosh dies on its first prompt (u-root/u-root#3645). Not seeing
# console=, init leaves them on /dev/console, which survives the hang-up, and
# the shell keeps the tty as its controlling terminal (Ctrl-C works).
# panic=-1 with -no-reboot: if init dies, QEMU ends instead of hanging.
# cryptomgr.notests: the kernel's crypto self-tests cost 0.3 s under
# emulation, for algorithms the lab never uses.
append="quiet panic=-1 cryptomgr.notests $*"
case $arch in
amd64)
	qemu=(qemu-system-x86_64)
	append="\"console=ttyS0\" $append"
	;;
arm64)
	# cortex-a57: -cpu max is several times slower under emulation.
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57)
	append="\"console=ttyAMA0\" $append"
	;;
*)
	echo "$0: unsupported ARCH $arch (amd64, arm64)" >&2
	exit 2
	;;
esac
for f in "$kernel" "$initramfs"; do
	if [[ ! -r $f ]]; then
		echo "$0: $f missing (make kernel / make initramfs ARCH=$arch)" >&2
		exit 1
	fi
done
command -v "${qemu[0]}" >/dev/null || {
	echo "$0: ${qemu[0]} missing (scripts/deps.sh installs it)" >&2
	exit 1
}

# Always tcg: a /dev/kvm may exist here but hangs.
exec "${qemu[@]}" -accel tcg -m 256 -smp 1 -nographic -nic none -no-reboot \
	-kernel "$kernel" -initrd "$initramfs" -append "$append"
