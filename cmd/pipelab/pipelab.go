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
//	-duplex   a second pipe: p2 acknowledges each message to p1 ("Ack: X")
//	-writers N
//	          N writers (1 to 64) share the pipe, each sending its share of the
//	          items; a reader checks that no record was torn or reordered
//	-size BYTES
//	          with -writers: the record size, 24 to 1048576 (default 4096,
//	          PIPE_BUF; larger writes may tear)
//	-i        the lab sheet's dialogue on standard input (the default when
//	          standard input is a terminal and no FILE is given)
//	-trace    print each IPC system call to standard error as it happens
//	-timeout D
//	          give up on a child stopped (kill -STOP) for D, which its peer
//	          would wait for for ever (default 10s; 0 waits for ever)
//	-h        this help
//
// Options of pipelab send and recv:
//
//	-fifo PATH  the named pipe PATH instead of the standard stream: made if
//	            missing and removed by whoever made it (a guard child makes it,
//	            and removes it should pipelab be killed)
//	-trace      print each IPC system call to standard error as it happens
//	-h          this help
//
// Options of pipelab bench:
//
//	-mode M     thr (the default) or lat
//	-size BYTES message size, at least 8 (default 64)
//	-count N    messages or round trips (default: about a second's worth)
//	-json       one JSON line with the fields of ref.c's output
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
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/internal/pipelab"
)

func main() {
	if err := run(fd.Args(), fd.Stdin, fd.Stdout, fd.Stderr); err != nil {
		syscall.Exit(cli.Exit(fd.Stderr, "pipelab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return pipelab.Command.Dispatch(args, stdin, stdout, stderr)
}
