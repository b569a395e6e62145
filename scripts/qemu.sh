#!/bin/bash
# qemu.sh starts the lab's initramfs under QEMU (software emulation) with the
# serial console on stdin/stdout. It becomes QEMU (exec), so a caller's timeout
# or kill reaches QEMU itself. It neither waits for nor judges the boot: see
# boot.sh, and judge by the console, never by QEMU's exit status.
#
# Synopsis: scripts/qemu.sh ARCH|BOARD INITRAMFS [KERNEL-ARG...]
#
#   ARCH        QEMU's virt machine: amd64 or arm64 with Debian 12's cloud
#               kernel, armv7 (Cortex-A15) with Debian 12's armmp kernel,
#               riscv64 with Debian 13's riscv64 kernel
#   BOARD       a Raspberry Pi from scripts/boards.txt (pi3, pi3a, zero2w,
#               pi4, pi400, pi2, pi1, zero): its QEMU machine, Debian kernel,
#               the kernel's own device tree for the board and its console
#   INITRAMFS   e.g. out/initramfs-amd64.cpio.xz, out/initramfs-pi3.cpio.xz
#   KERNEL-ARG  appended to the kernel command line, e.g. ipclab.shell=1
#
# Environment: KERNEL (default out/kernel/linux-image-cloud-ARCH/vmlinux if
# there is one, else …/vmlinuz; for armv7 and riscv64 and a board
# out/kernel/PACKAGE/vmlinuz); QEMU10, the QEMU for raspi4b (default
# out/qemu/bin/qemu-system-aarch64, from scripts/fetch-qemu.sh);
# DTB, a board's device tree (default the one in the kernel's package);
# CMDLINE, for a board, the kernel command line instead of qemu.sh's
# console and defaults, e.g. an SD image's cmdline.txt (the board's own
# arguments and KERNEL-ARG are still added). If it names console=ttyS1, the
# mini UART on a real Pi's GPIO pins, QEMU's second serial port (which
# raspi machines connect to the mini UART) is the one on stdin/stdout;
# CORE_FREQ, for a board, the VPU core clock in MHz that an SD card's
# config.txt fixes (core_freq=; the Pi 4's card asks for 360), which the
# firmware would set before the kernel starts: see below.
set -euo pipefail

if (($# < 2)); then
	echo "usage: $0 ARCH|BOARD INITRAMFS [KERNEL-ARG...]" >&2
	exit 2
fi
arch=$1 initramfs=$2
shift 2
here=$(dirname "$0")
kernel=${KERNEL:-}
read -r board machine memory _ _ kpkg dtb_name tty _ args < <(awk -v b="$arch" '$1 == b' "$here/boards.txt") || true
if [[ -n ${board:-} ]]; then
	kernel=${kernel:-out/kernel/$kpkg/vmlinuz}
	dtb=${DTB:-}
	if [[ -z $dtb ]]; then
		# arm64 packages keep them in broadcom/, armhf and armel at the top.
		dtb=$(find "out/kernel/$kpkg/root/usr/lib/" -name "$dtb_name" -print -quit 2>/dev/null || true)
		dtb=${dtb:-out/kernel/$kpkg/root/usr/lib/linux-image-*/$dtb_name}
	fi
	[[ $args == - ]] && args=
elif [[ -z $kernel ]]; then
	case $arch in
	armv7) kernel=out/kernel/linux-image-armmp/vmlinuz ;;     # Debian 12's, armhf
	riscv64) kernel=out/kernel/linux-image-riscv64/vmlinuz ;; # Debian 13's
	*) kernel=out/kernel/linux-image-cloud-$arch/vmlinuz ;;
	esac
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
files=("$kernel" "$initramfs")
# Always tcg: a /dev/kvm may exist here but hangs.
case $arch in
amd64)
	qemu=(qemu-system-x86_64 -accel tcg -m 256 -smp 1)
	append="\"console=ttyS0\" $append"
	;;
arm64)
	# cortex-a57: -cpu max is several times slower under emulation.
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -accel tcg -m 256 -smp 1)
	append="\"console=ttyAMA0\" $append"
	;;
armv7)
	# highmem=off: the armmp kernel probes the PCIe window above 4 GiB
	# and logs an error otherwise (harmless, and 1 s slower).
	qemu=(qemu-system-arm -M virt,highmem=off -cpu cortex-a15 -accel tcg -m 256 -smp 1)
	append="\"console=ttyAMA0\" $append"
	;;
riscv64)
	# OpenSBI, bundled with Debian 12's QEMU, starts the kernel and powers
	# the machine off for it.
	qemu=(qemu-system-riscv64 -M virt -accel tcg -m 256 -smp 1)
	append="\"console=ttyS0\" $append"
	;;
"${board:-}")
	# The machine's own CPUs and memory (raspi0 and raspi1ap accept only
	# 512M). thread=single: multi-threaded TCG makes raspi3b take 25-30 s
	# instead of 3 (and raspi2b then needs maxcpus=1). The power-domain
	# driver touches a register block QEMU does not emulate and crashes
	# raspi0, raspi1ap and raspi3ap: leave it out. QEMU puts the PL011
	# (ttyAMA0) on its first serial port and the mini UART (ttyS1) on
	# the second: the console's goes to stdin/stdout.
	case $machine in
	raspi4b) qemu=("${QEMU10:-out/qemu/bin/qemu-system-aarch64}") ;; # QEMU 7.2 has no Pi 4
	raspi3*) qemu=(qemu-system-aarch64) ;;
	*) qemu=(qemu-system-arm) ;;
	esac
	qemu+=(-M "$machine" -accel tcg,thread=single -m "$memory")
	case $machine in
	raspi0 | raspi1ap)
		# The BCM2835's only clock event is its system timer, which Linux
		# arms by reading the counter and writing counter + delta into a
		# compare register (drivers/clocksource/bcm2835_timer.c; at least
		# 15 us ahead). QEMU's counter follows the host's clock: when the
		# host takes the emulator off its CPU between the read and the
		# write, the compare is set in the past, no interrupt comes until
		# the 32-bit counter wraps (71 minutes) and the guest sleeps in its
		# idle loop for good (seen under load, about one boot in 40:
		# compare 11.3 s, counter 43 s). With -icount the guest's time
		# advances with the instructions it executes, a few ns each, so
		# the compare is always ahead.
		qemu+=(-icount shift=auto)
		;;
	esac
	files+=("$dtb")
	if [[ -n ${CMDLINE:-} ]]; then
		append="$CMDLINE $*"
		tty=ttyAMA0
		[[ $CMDLINE == *console=ttyS1* ]] && tty=ttyS1
	else
		append="\"console=$tty\" $append"
	fi
	if [[ $tty == ttyS1 ]]; then
		qemu+=(-serial null -serial stdio -monitor none)
	fi
	append+=" initcall_blacklist=bcm2835_power_driver_init $args"
	;;
*)
	echo "$0: unsupported ARCH $arch (amd64, arm64, armv7, riscv64, or a board in $here/boards.txt)" >&2
	exit 2
	;;
esac
for f in "${files[@]}"; do
	if [[ ! -r $f ]]; then
		echo "$0: $f missing (make kernel / make initramfs with ARCH= or BOARD=$arch)" >&2
		exit 1
	fi
done
command -v "${qemu[0]}" >/dev/null || {
	echo "$0: ${qemu[0]} missing (scripts/deps.sh installs it)" >&2
	exit 1
}

if [[ -n ${board:-} && -n ${CORE_FREQ:-} ]]; then
	# The mini UART (ttyS1, the device tree's serial1) divides the VPU core
	# clock, which a Pi's firmware sets from config.txt (core_freq=); under
	# QEMU no firmware runs, so the device tree gets the clock instead. At
	# raspi4b's own 562.5 MHz, the 115200 baud divisor's high byte lands in
	# the interrupt-enable register of QEMU's mini UART, which has no divisor
	# latch, and a transmit interrupt the kernel does not know of stalls the
	# boot (docs/pi.md, at its end).
	command -v fdtput >/dev/null || {
		echo "$0: fdtput missing (scripts/deps.sh installs it)" >&2
		exit 1
	}
	fixed=$(mktemp)
	cp "$dtb" "$fixed"
	uart=$(fdtget "$fixed" /aliases serial1)
	fdtput -d "$fixed" "$uart" clocks
	fdtput -t u "$fixed" "$uart" clock-frequency $((CORE_FREQ * 1000000))
	# QEMU reads the device tree at start-up from this descriptor: the file
	# itself is gone before QEMU starts (exec leaves no one to remove it).
	exec {fixedfd}<"$fixed"
	rm -f "$fixed"
	dtb=/dev/fd/$fixedfd
fi
[[ -n ${board:-} ]] && qemu+=(-dtb "$dtb")

exec "${qemu[@]}" -nographic -nic none -no-reboot \
	-kernel "$kernel" -initrd "$initramfs" -append "$append"
