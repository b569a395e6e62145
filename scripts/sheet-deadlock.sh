#!/bin/bash
# sheet-deadlock.sh shows why the lab sheet's queue program,
# testdata/sheet/queue_lab.py, hangs once its data outgrow a pipe, and that
# testdata/sheet/queue_lab_fixed.py (p2 started before p1 is joined) and
# mqlab do not (docs/course.md, "Why the sheet's queue program hangs").
#
# Each program gets the items 1 to SHEET_ITEMS (default 5000), after the
# count the sheet's dialogue asks for first. Once the sheet's program is
# stuck — p1 asleep writing to the pipe under the queue, no p2 to read it —
# the script shows from /proc where each process waits and how full that
# pipe is, then ends the program. Were it still running after
# SHEET_TIMEOUT seconds (default 60) without being stuck, timeout(1) would
# end it; it finishes by itself when the data fit in the pipe.
#
# It knows the sheet's program by the processes multiprocessing's "fork"
# start method makes (the default on Linux up to Python 3.13): the parent,
# and p1 as its child.
#
# Synopsis: [SHEET_ITEMS=N] [SHEET_TIMEOUT=S] scripts/sheet-deadlock.sh [MQLAB]
#
# MQLAB is the mqlab binary to compare with: by default out/bin/mqlab
# (make sheet-deadlock builds it), or if there is none the mqlab on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${SHEET_ITEMS:-5000}
limit=${SHEET_TIMEOUT:-60}
mqlab=${1:-out/bin/mqlab}
[[ -x $mqlab || -n ${1:-} ]] || mqlab=mqlab # the one on PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ echo "$n"; seq "$n"; } >"$tmp/data"

# children PID: the processes PID started (Linux 3.5 or later).
children() { cat /proc/"$1"/task/*/children 2>/dev/null || true; }
# descendants PID: the processes PID started, theirs, and so on.
descendants() {
	local c
	for c in $(children "$1"); do
		echo "$c"
		descendants "$c"
	done
}
# wchan PID/TID: the kernel function a sleeping thread waits in.
wchan() { cat /proc/"$1"/task/"$2"/wchan 2>/dev/null || true; }
# The bytes a pipe holds (FIONREAD) and the most it holds (F_GETPIPE_SZ),
# through another descriptor to it: /proc/PID/fd/FD opened for reading.
pipefill() {
	python3 -c 'import fcntl, os, struct, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
held = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
print(held, fcntl.fcntl(fd, 1032))' "$1" # 1032: F_GETPIPE_SZ
}
# lastline FILE: the program's last output line, without the prompts
# "Enter the datasize: " and "Enter the data: " in front of it.
lastline() { tail -n 1 "$1" | sed 's/^\(Enter the data[a-z]*: \)*//'; }

echo "\$ { echo $n; seq $n; } | python3 testdata/sheet/queue_lab.py"
timeout "$limit" python3 testdata/sheet/queue_lab.py <"$tmp/data" >"$tmp/out" &
tpid=$!
stuck=
while kill -0 "$tpid" 2>/dev/null; do
	# Stuck: a process whose parent has no other child (p1, and no p2)
	# and waits for it (do_wait) has its main thread asleep on a futex
	# (joining the feeder thread) and a second thread, the queue's
	# feeder, asleep in the kernel's pipe_write (anon_pipe_write since
	# Linux 6.13).
	for p1 in $(descendants "$tpid"); do
		parent=$(awk '/^PPid:/ { print $2 }' /proc/"$p1"/status 2>/dev/null) || continue
		[[ -n $parent && $(children "$parent" | wc -w) == 1 ]] || continue
		[[ $(wchan "$parent" "$parent") == do_wait && $(wchan "$p1" "$p1") == *futex* ]] || continue
		for t in /proc/"$p1"/task/*; do
			tid=${t##*/}
			if [[ $tid != "$p1" && $(wchan "$p1" "$tid") == *pipe_write* ]]; then
				stuck=$tid
			fi
		done
		[[ -n $stuck ]] && break
	done
	[[ -n $stuck ]] && break
	sleep 0.1
done
if [[ -z $stuck ]]; then
	rc=0
	wait "$tpid" || rc=$?
	if ((rc == 124)); then
		echo "still running after ${limit}s without being stuck: ended by timeout"
	else
		echo "finished (exit status $rc): its last line is \"$(lastline "$tmp/out")\""
	fi
else
	read -r _ fd _ </proc/"$p1"/task/"$stuck"/syscall
	fd=$((fd))
	read -r held size < <(pipefill /proc/"$p1"/fd/"$fd")
	cat <<-EOF
	It is stuck. Where each process sleeps (/proc/PID/task/TID/wchan):
	  parent $parent        $(wchan "$parent" "$parent"): in p1.join(), waiting for p1 to exit; p2 is not started
	  p1 $p1            $(wchan "$p1" "$p1"): exiting, waiting for the queue's feeder thread
	  p1's feeder $stuck   $(wchan "$p1" "$stuck"): writing to its fd $fd, the pipe under the queue
	The pipe holds $held bytes of the $size it can (FIONREAD, F_GETPIPE_SZ): no
	room for the next item. Only p2 would read it, and p2 starts after p1.join().
	Its last line: "$(lastline "$tmp/out")" (p1's; p2 never printed).
	Ending it: it would wait for ever.
	EOF
	kill -TERM "$tpid" # timeout(1) passes it on to its process group
	wait "$tpid" || true
fi

echo
echo "\$ { echo $n; seq $n; } | python3 testdata/sheet/queue_lab_fixed.py"
rc=0
timeout "$limit" python3 testdata/sheet/queue_lab_fixed.py <"$tmp/data" >"$tmp/out" || rc=$?
echo "exit status $rc, $(grep -c '^[0-9]' "$tmp/out") elements printed, the last \"$(lastline "$tmp/out")\""

echo
echo "\$ seq $n | mqlab"
rc=0
seq "$n" | timeout "$limit" "$mqlab" >"$tmp/out" || rc=$?
echo "exit status $rc, $(grep -c '^[0-9]' "$tmp/out") elements printed, the last \"$(lastline "$tmp/out")\""
