#!/bin/bash
# wasi-deps.sh installs the WASI runtimes the tests run pipelab.wasm under
# besides wazero (a Go tool pinned in go.mod), each only when missing:
#
#   node, npm    Debian's nodejs and npm packages, when either command is
#                missing (a fresh Debian 12 gets Node.js 18 so);
#   wasmer-js    npm's @wasmer/cli at the versions pinned in
#                scripts/wasi/package-lock.json, by npm ci into out/npm
#                (install scripts off: the CLI needs none, and blake3's
#                would download a binary from outside the registry);
#   Debian's node 18, when the node on PATH is another (NodeSource's, say):
#                Debian 12's nodejs packages unpacked into out/node18, not
#                installed (by scripts/fetch-kernel.sh, on its private apt
#                state), and out/node18/node to run it.
#
# Synopsis: scripts/wasi-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "wasi-deps.sh: installing Debian's nodejs and npm" >&2
	export DEBIAN_FRONTEND=noninteractive
	# Another apt may hold the lock (a second engineer, unattended upgrades): wait.
	lock=(-o DPkg::Lock::Timeout=600)
	apt-get "${lock[@]}" update -q
	apt-get "${lock[@]}" install -y -q --no-install-recommends nodejs npm
fi

npm_dir=out/npm
if ! cmp -s scripts/wasi/package-lock.json "$npm_dir/package-lock.json" ||
	[[ ! -x $npm_dir/node_modules/.bin/wasmer-js ]]; then
	rm -rf "$npm_dir"
	mkdir -p "$npm_dir"
	cp scripts/wasi/package.json scripts/wasi/package-lock.json "$npm_dir/"
	(cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund)
fi

# Debian 12's own Node.js: the one on PATH, or unpacked here.
node18=out/node18
if [[ $(node --version) == v18.* ]] && dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -q dfsg; then
	rm -rf "$node18"
	exit 0
fi
if [[ -x $node18/node ]] && "$node18/node" --version >/dev/null 2>&1; then
	exit 0
fi
arch=$(dpkg --print-architecture)
# libnode108 and what it needs beyond libc: its libraries (those the
# machine lacks) and the JavaScript builtins Debian keeps in
# /usr/share/nodejs, which node loads at start.
pkgs=(nodejs libnode108 node-cjs-module-lexer node-undici node-acorn)
for lib in libuv1 libc-ares2 libbrotli1 libicu72 libnghttp2-14 libssl3 zlib1g; do
	dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q 'ok installed' || pkgs+=("$lib")
done
# fetch-kernel.sh fetches nodejs on its private apt state in out/kernel
# (shared with the boot tests' kernels), with fresh package lists; the
# other packages come from the same state in one apt-get download, with
# the options fetch-kernel.sh gives apt (a fetch-kernel.sh run for each
# package would update the lists each time, 5 to 10 s).
state=$PWD/out/kernel/apt-$arch
scripts/fetch-kernel.sh "$arch" nodejs out/kernel
apt_opts=(
	-o "Dir::State=$state" -o "Dir::State::Lists=$state/lists"
	-o "Dir::State::status=$state/status" -o "Dir::Cache=$state/cache"
	-o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
	-o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
	-o "APT::Sandbox::User=root" -o "Debug::NoLocking=1"
)
rm -rf "$node18"
mkdir -p "$node18/debs" "$node18/root"
cp "out/kernel/nodejs/version" "$node18/version"
(
	flock 9
	cd "$node18/debs" && apt-get "${apt_opts[@]}" -q download "${pkgs[@]:1}" >&2
) 9>"$state.lock"
cp -al out/kernel/nodejs/root/. "$node18/root/"
for deb in "$node18"/debs/*.deb; do
	dpkg-deb -x "$deb" "$node18/root"
done
rm -rf "$node18/debs"
# node finds its builtins only under /usr/share/nodejs: overlay ours on
# /usr/share in a mount namespace of its own (root only, as make test runs).
cat >"$node18/node" <<'EOF'
#!/bin/sh
# Debian 12's node 18, unpacked by scripts/wasi-deps.sh: its libraries from
# root/usr/lib, its builtins overlaid on /usr/share in a private mount
# namespace, nothing installed.
r=$(cd "$(dirname "$0")" && pwd)/root
exec unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$0/usr/share:/usr/share" /usr/share &&
	LD_LIBRARY_PATH="$(echo "$0"/usr/lib/*-linux-gnu)" exec "$0/usr/bin/node" "$@"' "$r" "$@"
EOF
chmod +x "$node18/node"
echo "wasi-deps.sh: $("$node18/node" --version) in $node18" >&2
