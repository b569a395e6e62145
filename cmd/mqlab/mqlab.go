// Mqlab shows inter-process communication through a message queue, as the
// lab sheet asks: p1 puts each item times ten in a queue, p2 takes them out
// and prints them.
//
// Synopsis:
//
//	mqlab [-i] [-sysv] [-trace] [-timeout D] [FILE]
//	mqlab [-i] [-prio | -notify] [-trace] [-timeout D] [FILE]
//	mqlab send (-name NAME | -sysv -key K) [-prio P] [-nonblock] [-trace] [FILE]
//	mqlab recv (-name NAME | -sysv -key K) [-n COUNT] [-timeout D] [-type T] [-nonblock] [-trace]
//	mqlab stat [-trace] (NAME | -sysv -key K)
//	mqlab rm [-trace] (NAME | -sysv -key K)
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
//	-sysv     a System V message queue (msgget, msgsnd, msgrcv, msgctl)
//	          instead of a POSIX one (mq_open, mq_timedsend, mq_timedreceive)
//	-prio     p1 sends item X with priority |X| mod 4, and p2 starts once p1
//	          is done, so the queue shows its order: highest priority first
//	          (at most 9 items, what the queue holds with the end message)
//	-notify   p2 asks the kernel for a signal when a message arrives in the
//	          empty queue (mq_notify, SIGUSR1) instead of waiting in
//	          mq_timedreceive
//	-i        the lab sheet's dialogue on standard input (the default when
//	          standard input is a terminal and no FILE is given)
//	-trace    print each IPC system call to standard error as it happens
//	-timeout D
//	          give up on a child stopped (kill -STOP) for D, which its peer
//	          would wait for for ever (default 10s; 0 waits for ever)
//	-h        this help
//
// Options of mqlab send, recv, stat and rm:
//
//	-name NAME    the POSIX queue (/dev/mqueue/NAME where mqueue is mounted)
//	-sysv -key K  the System V queue with key K instead
//	-prio P       send: priority P (0-3; System V: message type 4-P); the
//	              end message goes at priority 0, behind the items
//	-n COUNT      recv: stop after COUNT values
//	-timeout D    recv: give up when no message comes within D (500ms, 2s, 1m)
//	-type T       recv -sysv: msgtyp T (>0: that type; <0: lowest type <= |T|)
//	-nonblock     send, recv: fail at once with "queue full" or "queue empty"
//	              (O_NONBLOCK, IPC_NOWAIT) instead of waiting
//	-trace        print each IPC system call to standard error
//	-h            this help
//
// Options of mqlab bench:
//
//	-sysv       a System V message queue instead of a POSIX one
//	-mode M     thr (the default) or lat
//	-size BYTES message size, at least 8 (default 64)
//	-count N    messages or round trips (default: about a second's worth)
//	-json       one JSON line with the fields of ref.c's output
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
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/internal/mqlab"
)

func main() {
	if err := run(fd.Args(), fd.Stdin, fd.Stdout, fd.Stderr); err != nil {
		syscall.Exit(cli.Exit(fd.Stderr, "mqlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 1 && args[1] == "bench" {
		return cli.Usage("bench is not in this mqlab, built small without it: run ipclab mqlab bench")
	}
	return mqlab.Command.Dispatch(args, stdin, stdout, stderr)
}
