#!/bin/bash
# boot-times.sh measures how long each boot target takes, from QEMU's start
# to the guest's power-off (BenchmarkBoot in initramfs/: every virt machine
# and every Pi board of scripts/boards.txt, each boot checked like the boot
# tests check it), and records the medians in docs/measured/boot-times.txt,
# from which make docs fills the tables of docs/boot.md and docs/pi.md
# (<!-- gen:boot-times … -->). Boots run one at a time; the machine's load
# is recorded with them, since emulation slows down with it.
#
# Synopsis: scripts/boot-times.sh [BOOTS]   (default 5 boots a target)
#
# Needs what make test fetches (QEMU, QEMU 10, the kernels, xz).
set -euo pipefail

boots=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/docs/measured/boot-times.txt
cmd="go test -run '^\$' -bench '^BenchmarkBoot\$' -benchtime ${boots}x -timeout 60m ./initramfs"

cd "$root"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%Y-%m-%dT%H:%MZ)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "boot-times.sh: $cmd" >&2
eval "$cmd" | tee "$log" >&2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

mkdir -p "$(dirname "$out")"
{
	echo "# Written by make boot-times (scripts/boot-times.sh): seconds from QEMU's start to its end."
	echo "# command: $cmd"
	echo "# date: $started"
	echo "# boots: $boots"
	echo "# machine: $(nproc) CPUs ($(uname -m)), load average $load_before before, $load_after after"
	echo "target median min max"
	# BenchmarkBoot/amd64-2   5   2612345678 ns/op   2.9 max-s/boot   2.6 median-s/boot   2.5 min-s/boot
	awk '$1 ~ /^BenchmarkBoot\// {
		t = $1; sub(/^BenchmarkBoot\//, "", t); sub(/-[0-9]+$/, "", t)
		for (i = 2; i < NF; i++) v[$(i + 1)] = $i
		printf "%s %.1f %.1f %.1f\n", t, v["median-s/boot"], v["min-s/boot"], v["max-s/boot"]
	}' "$log"
} >"$out.tmp"
if (($(grep -vc '^#' "$out.tmp") < 2)); then
	echo "boot-times.sh: no boot measured (see the output above)" >&2
	rm -f "$out.tmp"
	exit 1
fi
mv "$out.tmp" "$out"
cat "$out"
