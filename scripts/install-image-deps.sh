#!/bin/sh
# install-image-deps.sh: install the tools that the image tests run, from
# Debian's packages: skopeo, umoci, runc, qemu-user-static, and the engines
# the image must load in: docker.io (20.10), podman (4.3), containerd (1.6).
# Idempotent: does nothing when they are all there already.
#
# No service is started or enabled here: the tests start their own dockerd
# and containerd, each under a temporary directory, and stop them.
set -eu

need=
# package:file. /usr/bin/docker, not `command -v docker`: a newer, unrelated
# client may sit in /usr/local/bin.
for pair in skopeo:/usr/bin/skopeo umoci:/usr/bin/umoci runc:/usr/sbin/runc \
	qemu-user-static:/usr/bin/qemu-aarch64-static docker.io:/usr/bin/docker \
	docker.io:/usr/sbin/dockerd podman:/usr/bin/podman containerd:/usr/bin/ctr \
	iptables:/usr/sbin/iptables; do
	pkg=${pair%%:*} file=${pair#*:}
	[ -x "$file" ] || case " $need " in *" $pkg "*) ;; *) need="$need $pkg" ;; esac
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
