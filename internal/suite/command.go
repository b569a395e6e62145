// Package suite is ipclab, the multicall binary: its command table (the
// three labs and ipclab's own commands) and those commands. ipclab itself
// runs the three labs on the lab sheet's samples and checks what they
// print; bench runs every lab's benchmark; clean removes what killed labs
// left behind. See cmd/ipclab for its manual page.
package suite

import (
	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/mqlab"
	"ipclab/internal/pipelab"
	"ipclab/internal/shmlab"
)

// Command is ipclab. Its subcommands are the command table: the labs,
// which a link to ipclab runs too (see command.Multi), and ipclab's own.
// Runs are Linux's (suite_linux.go, bench.go, clean.go).
var Command = &command.Command{
	Name:     "ipclab",
	Summary:  "the three labs in one binary, and the suite that runs them",
	Synopsis: []string{"[-data DIR] [-poweroff]", "COMMAND [ARG...]"},
	Text: `Runs pipelab, mqlab and shmlab on the lab sheet's samples, checks their
output and ends with "ipclab: 3/3 labs passed" (exit status 0) or says
which lab failed and why. A lab that has not ended within 30 s is stuck:
ipclab kills its processes and says where each was waiting (the kernel
function it slept in, from /proc/PID/wchan). With a COMMAND it runs that instead: a lab (as
ipclab mqlab -sysv FILE, or through a link named mqlab), or one of its own.
`,
	Options: `  -data DIR   read pipe.txt, queue.txt and shm.txt from DIR instead of the
              copies built into ipclab
  -poweroff   power the machine off when done (for an initramfs); with
              ipclab.shell=1 on the kernel command line, return at once
  -h          this help
`,
	Example: `  ipclab
  ipclab mqlab -sysv /data/queue.txt
  ipclab bench -size 64
`,
	Needs: "running the labs needs a Linux kernel; WASI preview 1 cannot start processes" + cli.TryNative,
	Subs:  []*command.Command{pipelab.Command, mqlab.Command, shmlab.Command, ipcsCmd, clean, benchCmd, diagramCmd},
}

var benchCmd = &command.Command{
	Name:     "bench",
	Summary:  "every lab's benchmark, in one table",
	Synopsis: []string{"[-size BYTES] [-count N]"},
	Text: `Runs every lab's benchmark — pipelab bench, mqlab bench, mqlab bench -sysv
and shmlab bench, with -json — in both modes at 64 B, 4 KiB and 64 KiB
(message queues stop at 8 KiB: 64 KiB is for the pipe and shared memory),
and prints one table: the messages per second and MB/s of a one-way
stream (thr), how that compares with the pipe, and the median and 99th
percentile of a round trip (lat). Each run takes about a second.
`,
	Options: `  -size BYTES  only this message size
  -count N     messages or round trips per run (default: about a second's worth)
  -h           this help
`,
	Needs: "the benchmarks start processes, which WASI preview 1 cannot" + cli.TryNative,
}

var clean = &command.Command{
	Name:     "clean",
	Summary:  "removes what killed labs left behind",
	Synopsis: []string{"[-n] [PID...]"},
	Text: `Removes the IPC objects a killed lab left behind: System V queues and
segments whose key is a lab's (0x6c000000 | PID), POSIX queues
/dev/mqueue/ipclab-* and /dev/shm/ipclab-* objects, each only if the
process that made it (the PID in its key or name) is gone. Without PIDs
it also removes named queues and segments (mqlab, shmlab -name) that are
empty and that no process uses, as a receiver killed while it waited
leaves them, and says why it keeps the others (in use by whom, or how much
they hold). Prints what it removes; with PIDs, only what those processes
made.
`,
	Options: `  -n   dry run: print what would be removed, remove nothing
  -h   this help
`,
	Needs: "there are no IPC objects to clean under WASI preview 1" + cli.TryNative,
}

var diagramCmd = &command.Command{
	Name:     "diagram",
	Summary:  "draws a lab's -trace as a sequence diagram (SVG)",
	Synopsis: []string{"[-rows N] [TRACE]"},
	Text: `Reads the trace of a lab run with -trace (the file TRACE, or standard
input) and writes an SVG sequence diagram of it to standard output: a lane
for the parent, each child and each IPC object (the pipe, the queue, the
ring in shared memory); each system call a mark at its place in time,
with what it moved; each message an arrow from its send to its receive;
the time a process spent waiting in a call shaded on its lane; and how
full the object was (bytes in the pipe, messages in the queue) drawn along
the object's lane. A long run shows its first N lines, then a summary.
`,
	Options: `  -rows N   lines drawn before the summary (default 60)
  -h        this help
`,
	Example: `  mqlab -sysv -trace testdata/queue.txt 2> mq.trace
  ipclab diagram mq.trace > mq.svg
`,
	Needs: "the diagram is ipclab's on Linux" + cli.TryNative,
}

var ipcsCmd = &command.Command{
	Name:     "ipcs",
	Summary:  "lists the IPC objects that exist now, with owner, mode, size and messages",
	Synopsis: []string{""},
	Text: `Lists the IPC objects of this machine (of this container's IPC namespace)
that exist now: POSIX message queues (/dev/mqueue, where the mqueue file
system is mounted), System V message queues, shared memory segments and
semaphore sets (/proc/sysvipc), and POSIX shared memory (/dev/shm), each
with its owner, mode and size, and a queue's messages. Run it while a lab
or a named object (mqlab send -name lab) is there to see it.
`,
	Options: `  -h   this help
`,
	Example: `  mqlab send -name lab testdata/queue.txt; ipclab ipcs; mqlab recv -name lab
`,
	Needs: "there are no IPC objects to list under WASI preview 1" + cli.TryNative,
}
