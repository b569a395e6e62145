#!/bin/bash
# deps.sh installs what booting the lab needs and is missing: QEMU for x86_64
# and aarch64, xz, cpio and lz4. It does nothing when all of them are present.
#
# Synopsis: scripts/deps.sh
set -euo pipefail

declare -A pkg_of=(
	[qemu-system-x86_64]=qemu-system-x86
	[qemu-system-aarch64]=qemu-system-arm
	[xz]=xz-utils
	[cpio]=cpio
	[unlz4]=lz4 # fetch-kernel.sh: the ELF kernel inside Debian's amd64 bzImage
)

missing=()
for tool in "${!pkg_of[@]}"; do
	command -v "$tool" >/dev/null || missing+=("${pkg_of[$tool]}")
done
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
