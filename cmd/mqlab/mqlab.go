// Mqlab shows inter-process communication through a message queue, as the
// lab sheet asks: p1 puts each item times ten in a queue, p2 takes them out
// and prints them.
//
// Synopsis:
//
//	mqlab [-i] [-sysv] [-trace] [-timeout D] [FILE]
//	mqlab [-i] [-prio | -notify] [-trace] [-timeout D] [FILE]
//	mqlab send | recv | stat | rm ... (a named queue: see mqlab send -h)
//	mqlab bench [-sysv] [-mode thr|lat] [-size BYTES] [-count N] [-json]
//
// Description:
//
// The data are integers separated by white space in FILE, or on standard
// input when FILE is absent or "-"; '#' starts a comment. The parent creates
// a POSIX message queue (mq_open with O_CREAT|O_EXCL, mode 0600, a unique
// name, at most 10 messages of 8 bytes, so no privilege is needed) and
// unlinks its name at once: the queue lives while p1 and p2 hold it, so it
// cannot outlive the lab. With -sysv it is a System V queue (msgget with
// IPC_PRIVATE), removed with msgctl(IPC_RMID) however the lab ends.
//
// p1 prints "Queue = list * 10" and sends X*10 for each item, then an empty
// message that marks the end of the data; p2 prints "Queue elements:" and
// one received value per line. Unlike the sheet's program, p1 and p2 run at
// the same time, so any number of items passes through the 10-message queue,
// in order; the output still comes in the sheet's order.
//
// "mqlab bench" measures the queue (-sysv: a System V queue) against the workloads of the C
// reference bench/ref.c, between the lab and a child: thr streams COUNT
// messages of SIZE bytes (default 64) one way, lat times COUNT round
// trips; every message carries a sequence number the receiver checks, and
// -json prints ref.c's line. See internal/bench, and "mqlab bench -h".
//
// Options:
//
//	-i      the sheet's dialogue: "Enter the datasize: ", then
//	        "Enter the data: " per item (default on a terminal)
//	-sysv   use a System V message queue (msgget/msgsnd/msgrcv/msgctl)
//	-trace  print each IPC system call to standard error
//	-timeout D
//	        give up when p1 or p2 stays stopped (kill -STOP, say) for D,
//	        as its peer would wait for ever: the parent says so, ends
//	        the lab and exits 1 (500ms, 2s, 1m; default 10s; 0 waits
//	        for ever)
//
// Example:
//
//	$ mqlab testdata/queue.txt
//	Queue = list * 10
//	Queue elements:
//	120
//	340
//	4230
//	20
//	10
package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
	"ipclab/internal/mqlab"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "mqlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return mqlab.Command.Dispatch(args, stdin, stdout, stderr)
}
