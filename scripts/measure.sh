#!/bin/sh
# measure.sh NAME COMMAND [ARG...] runs COMMAND and keeps what it printed
# (standard output and error) in docs/measured/NAME.txt, under a line that
# says when it ran, for how long, on what machine, under what load and on
# which build, and the command line itself. With MEASURED_FROM=FILE it
# keeps FILE instead, which the command wrote (make soak: out/soak.txt);
# the variables named in MEASURED_ENV go on the command line shown. The
# documentation shows these files with <!-- gen:code docs/measured/NAME.txt -->
# or gen:bench (make docs): figures that a test cannot measure again,
# measured all the same. make measure, measure-boot and soak run it.
set -eu
cd "$(dirname "$0")/.."
name=$1
shift
mkdir -p docs/measured
out=docs/measured/$name.txt
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)
load=$(cut -d' ' -f1 /proc/loadavg)
nice=$(nice)
[ "$nice" = 0 ] && nice= || nice=", nice $nice"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
t0=$(date +%s)
env=
for v in ${MEASURED_ENV:-}; do
	eval "x=\${$v:-}"
	[ -n "$x" ] && env="$env$v=$x "
done
if [ -n "${MEASURED_FROM:-}" ]; then
	"$@"
	cp "$MEASURED_FROM" "$out.body"
else
	"$@" >"$out.body" 2>&1 || { cat "$out.body"; rm -f "$out.body"; exit 1; }
fi
{
	printf '# %s, %s s; %s; %s CPUs (%s); load %s before%s; %s; ipclab %s\n' \
		"$started" $(($(date +%s) - t0)) "$(uname -sr)" "$(nproc)" "$cpu" "$load" "$nice" \
		"$(${GO:-go} env GOVERSION)" "$(git describe --tags --always --dirty 2>/dev/null || echo devel)"
	printf '$ %s%s\n' "$env" "$*"
	# A console's terminal controls (ESC c, colours, line wrap) and CRs
	# are no text.
	esc=$(printf '\033')
	tr -d '\r' <"$out.body" | sed "s/${esc}\[[0-9;?]*[A-Za-z]//g; s/${esc}.//g"
} >"$out"
rm -f "$out.body"
cat "$out"
