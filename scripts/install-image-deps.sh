#!/bin/sh
# install-image-deps.sh: install the tools that the image tests run
# (skopeo, umoci, runc, qemu-user-static) from Debian's packages.
# Idempotent: does nothing when they are all there already.
set -eu

need=
for pair in skopeo:skopeo umoci:umoci runc:runc qemu-user-static:qemu-aarch64-static; do
	pkg=${pair%%:*} cmd=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || need="$need $pkg"
done
[ -z "$need" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-image-deps: missing$need; run this script as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update
# $need is a list of package names: split on purpose.
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $need
