// Pipelab shows inter-process communication through a pipe, as the lab
// sheet asks: the parent creates a pipe and two children, p1 sends the items
// through it and p2 receives them, until the end marker 0.
//
// Synopsis:
//
//	pipelab [-i] [-trace] [-timeout D] [-duplex] [FILE]
//	pipelab [-i] [-trace] [-timeout D] -writers N [-size BYTES] [FILE]
//	pipelab send [-fifo PATH] [-trace] [FILE]
//	pipelab recv [-fifo PATH] [-trace]
//	pipelab bench [-mode thr|lat] [-size BYTES] [-count N] [-json]
//
// Description:
//
// The data are integers separated by white space in FILE, or on standard
// input when FILE is absent or "-"; '#' starts a comment. The parent makes
// the pipe with pipe2(O_CLOEXEC) and starts p1 and p2 by executing itself
// again, handing p1 the write end and p2 the read end. p1 writes each item
// as one 8-byte record (less than PIPE_BUF, so every write is atomic) and
// prints "Messages Sent: X"; p2 reads records and prints
// "Messages Received: X" until the record 0, the sheet's end of file. When
// the data hold no 0, p1 sends it after the last item. The two children run
// at the same time, so their lines interleave.
//
// With -duplex the parent makes two pipes, the sheet's "two pipes for two
// way communication": p2 sends each record it receives back to p1 through
// the second pipe, and p1 waits for it before sending the next and prints
// "Ack: X" under "Messages Sent: X". The end marker 0 is acknowledged too,
// so p1 knows that p2 has everything before it ends; p1 prints "Ack: 0"
// only when the data hold the 0 (and it printed "Messages Sent: 0").
//
// With -writers N (1 to 64) N writer processes share the one pipe and a
// reader checks what comes out. The items are dealt out in turn (item i to
// writer i%N+1); the first 0 still ends the data but is not sent, since each
// writer ends by closing its end and the reader stops at end of file, when
// all have. Each record is BYTES long (default 4096, PIPE_BUF, the largest
// write POSIX makes atomic; 24 to 1048576): the writer's number, its
// sequence number and the item, then a pattern derived from the first two.
// Each writer prints "Writer W sent K records"; the reader prints, last, one
// verdict, "Received R records from N writers: none torn, each writer's
// complete and in order", or how many records were torn, out of their
// writer's order or missing (not received whole), and then fails. Above
// PIPE_BUF nothing is promised: Linux may tear a record whenever its writer
// has to wait for room in the middle of it, and with several writers it
// tears most records larger than the pipe's buffer (64 KiB with 4 KiB
// pages) and many whose size is not a multiple of the page size.
//
// "pipelab send" and "pipelab recv" are p1 and p2 on their own, joined by
// the shell's pipe or by the named pipe PATH. They are all the WASI build
// (GOOS=wasip1) has: there the host joins two processes' standard output
// and input with a pipe, and the other modes exit with status 2.
//
// "pipelab bench" measures the pipe against the workloads of the C
// reference bench/ref.c, between the lab and a child: thr streams COUNT
// messages of SIZE bytes (default 64) one way, lat times COUNT round
// trips; every message carries a sequence number the receiver checks, and
// -json prints ref.c's line. See internal/bench, and "pipelab bench -h".
//
// Options:
//
//	-i          the sheet's dialogue: "Enter dataset size: ", then
//	            "Enter the data: " per item (default on a terminal)
//	-trace      print each IPC system call to standard error
//	-timeout D  give up when p1, p2, a writer or the reader stays stopped
//	            (kill -STOP, say) for D, as its peer would wait for ever:
//	            the parent says so, ends the lab and exits 1 (500ms, 2s,
//	            1m; default 10s; 0 waits for ever)
//	-duplex     a second pipe carries p2's acknowledgements back to p1
//	-writers N  N writers (1 to 64) share the pipe; a reader checks it
//	-size BYTES (with -writers) the record size, default 4096 (PIPE_BUF)
//	-fifo PATH  (send, recv) the named pipe PATH, made if missing and
//	            removed by whoever made it, instead of standard output
//	            or input; a guard child makes it and removes it should
//	            pipelab be killed (there is no signal handler)
//
// Example:
//
//	$ pipelab testdata/pipe.txt
//	Messages Sent: 12
//	Messages Received: 12
//	...
//	$ pipelab -writers 8 FILE     # FILE holding 10,000 items
//	Writer 3 sent 1250 records
//	...
//	Received 10000 records from 8 writers: none torn, each writer's complete and in order
package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
	"ipclab/internal/pipelab"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "pipelab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return pipelab.Command.Dispatch(args, stdin, stdout, stderr)
}
