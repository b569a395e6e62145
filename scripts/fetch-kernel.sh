#!/bin/bash
# fetch-kernel.sh downloads a Debian kernel package and unpacks it, without
# installing it and without touching the machine's apt or dpkg state.
#
# Synopsis: scripts/fetch-kernel.sh ARCH METAPACKAGE [OUTDIR]
#
#   ARCH         Debian architecture: amd64, arm64, armhf, armel
#   METAPACKAGE  e.g. linux-image-cloud-amd64, linux-image-cloud-arm64,
#                linux-image-arm64, linux-image-armmp (armhf),
#                linux-image-rpi (armel); or a plain package, unpacked as
#                it is: raspi-firmware (with COMPONENTS=non-free-firmware)
#   OUTDIR       default out/kernel
#
# The versioned package (linux-image-6.1.0-NN-cloud-amd64) is resolved from
# the metapackage. Results, in OUTDIR/METAPACKAGE/:
#   vmlinuz   the kernel (for arm64 an uncompressed Image)
#   vmlinux   for amd64 also the kernel's ELF, unpacked from the bzImage:
#             QEMU boots it through its PVH entry point, skipping the
#             bzImage's setup and decompression (0.4 s of a 3 s boot)
#   version   the versioned package name and version
#   root/     the whole package (modules, device trees for the Pi boards)
# A second run with the same package already unpacked does nothing.
#
# apt runs on a private state under OUTDIR/apt-ARCH with a sources file built
# from the Debian entries of the machine's own apt sources, each marked
# [arch=ARCH]: adding a dpkg architecture instead would change what the
# machine's own `apt-get update` fetches. COMPONENTS (default "main") picks
# the archive components, e.g. COMPONENTS="main non-free-firmware". SUITE
# (default: the machine's own suites) names one suite of the machine's
# Debian archive instead, e.g. SUITE=bookworm-backports (QEMU 10) or
# SUITE=trixie (Debian 13: the riscv64 kernel, newer Pi firmware); its
# state is OUTDIR/apt-ARCH-SUITE. Runs for the same ARCH and SUITE wait for
# each other (they share the private state).
set -euo pipefail

# unpack_vmlinux BZIMAGE OUT writes the ELF kernel inside an x86 bzImage to
# OUT, as the kernel's scripts/extract-vmlinux does: try each compressed
# stream that starts at one of the known magic numbers until one unpacks to
# an ELF file. Without a tool for the format it warns and writes nothing.
unpack_vmlinux() {
	local bz=$1 out=$2 magic tool offset
	for magic in '\x02\x21\x4c\x18:unlz4' '\x1f\x8b\x08:gunzip' \
		'\xfd\x37\x7a\x58\x5a\x00:unxz' '\x28\xb5\x2f\xfd:unzstd'; do
		tool=${magic##*:} magic=${magic%:*}
		for offset in $(LC_ALL=C grep -obUaP "$magic" "$bz" | cut -d: -f1); do
			if ! command -v "$tool" >/dev/null; then
				echo "$0: warning: no $tool: no vmlinux, QEMU boots the bzImage" >&2
				return 0
			fi
			tail -c +$((offset + 1)) "$bz" | "$tool" -c >"$out.tmp" 2>/dev/null || true
			if [[ $(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ') == 7f454c46 ]]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	echo "$0: warning: no ELF kernel found in $bz" >&2
}

if (($# < 2 || $# > 3)); then
	echo "usage: $0 ARCH METAPACKAGE [OUTDIR]" >&2
	exit 2
fi
arch=$1 meta=$2 out=${3:-out/kernel}
components=${COMPONENTS:-main}

mkdir -p "$out"
out=$(cd "$out" && pwd)
suite=${SUITE:-}
state=$out/apt-$arch${suite:+-$suite}
dest=$out/$meta
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
exec 9>"$state.lock"
flock 9
: >"$state/status"

# debian_sources prints "URI SUITE SIGNED-BY" for each Debian suite the machine
# uses, from one-line (.list) and deb822 (.sources) files alike.
debian_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		awk '$1 == "deb" {
			opts = ""; i = 2
			if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
			key = "-"
			if (match(opts, /signed-by=[^] ]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
			print $i, $(i + 1), key
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		# Stanzas are separated by blank lines; only Types: deb counts.
		awk -v RS= -F'\n' '{
			types = uris = suites = key = ""; enabled = 1
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^#/) continue
				split($i, kv, ":[ \t]*")
				k = tolower(kv[1]); v = substr($i, length(kv[1]) + 2); sub(/^[ \t]+/, "", v)
				if (k == "types") types = v
				else if (k == "uris") uris = v
				else if (k == "suites") suites = v
				else if (k == "signed-by") key = v
				else if (k == "enabled" && tolower(v) == "no") enabled = 0
			}
			if (!enabled || (" " types " ") !~ / deb /) next
			if (key == "") key = "-"
			nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
			for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) print u[a], s[b], key
		}' "$f"
	done
}

# Only Debian's own archives (…/debian, …/debian-security): third-party
# repositories carry no kernels and may not serve ARCH.
{
	debian_sources | awk '$1 ~ /^[a-z]+:\/\/[^\/]+\/(.*\/)?debian(-security)?\/?$/' |
		while read -r uri from key; do
			if [[ -n $suite ]]; then
				# One suite of the main archive; debian-archive-keyring
				# (Debian 12's too) holds the keys of Debian 13.
				[[ $uri =~ /debian/?$ ]] || continue
				from=$suite
			fi
			opts="arch=$arch"
			[[ $key != - ]] && opts+=" signed-by=$key"
			echo "deb [$opts] $uri $from $components"
		done
} | sort -u >"$state/sources.list"
if [[ ! -s $state/sources.list ]]; then
	echo "$0: no Debian archive in the machine's apt sources" >&2
	exit 1
fi

apt_opts=(
	-o "Dir::State=$state"
	-o "Dir::State::Lists=$state/lists"
	-o "Dir::State::status=$state/status"
	-o "Dir::Cache=$state/cache"
	-o "Dir::Etc::SourceList=$state/sources.list"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "APT::Architecture=$arch"
	-o "APT::Architectures=$arch"
	# The private lists are written by root; apt's _apt sandbox user could
	# not, and a private state needs no lock against the machine's apt.
	-o "APT::Sandbox::User=root"
	-o "Debug::NoLocking=1"
)
# A mirror caught mid-sync fails one index ("File has unexpected size"): go
# on with the others (say bookworm without bookworm-security) rather than
# fail; the metapackage check below still catches an unusable state.
if ! apt-get "${apt_opts[@]}" -o Acquire::Retries=3 -q update >&2; then
	echo "$0: warning: some package indexes failed; using the ones fetched" >&2
fi

pkg=$(apt-cache "${apt_opts[@]}" depends "$meta" |
	awk '$1 ~ /^\|?Depends:$/ && $2 ~ /^linux-image-/ { print $2; exit }')
if [[ -z $pkg ]]; then
	pkg=$meta # not a kernel metapackage: the package itself
fi
ver=$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }')
if [[ -z $ver ]]; then
	echo "$0: no package $pkg for $arch in components: $components" >&2
	exit 1
fi

if [[ -f $dest/version && $(<"$dest/version") == "$pkg $ver" ]]; then
	echo "$0: $pkg $ver already in $dest" >&2
	exit 0
fi

(cd "$state/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -q download "$pkg=$ver" >&2)
deb=$(ls "$state/debs"/*.deb)
rm -rf "$dest"
mkdir -p "$dest/root"
dpkg-deb -x "$deb" "$dest/root"
if [[ $pkg == linux-image-* ]]; then
	# Debian 13's riscv64 package ships an uncompressed boot/vmlinux-*
	# (an Image with an EFI stub header), no vmlinuz.
	kernel=$(ls "$dest"/root/boot/vmlinuz-* 2>/dev/null || ls "$dest"/root/boot/vmlinux-*)
	ln -s "root/boot/${kernel##*/}" "$dest/vmlinuz"
	if [[ $arch == amd64 ]]; then
		unpack_vmlinux "$kernel" "$dest/vmlinux"
	fi
fi
echo "$pkg $ver" >"$dest/version"
rm -f "$deb"
echo "$0: $pkg $ver in $dest" >&2
