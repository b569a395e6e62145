// Shmlab shows inter-process communication through shared memory, as the
// lab sheet asks: p1 stores ten times each item and their sum in a shared
// segment, and the main program prints the same values from the segment.
//
// Synopsis:
//
//	shmlab [-i] [-sysv | -posix | -memfd] [-trace] [-timeout D] [FILE]
//	shmlab -stream [-count N] [-i] [-sysv | -posix | -memfd] [-trace] [-timeout D] [FILE]
//	shmlab write (-name NAME | -sysv -key K) [-trace] [FILE]
//	shmlab read (-name NAME | -sysv -key K) [-timeout D] [-trace]
//	shmlab rm [-trace] (NAME | -sysv -key K)
//	shmlab bench [-mode thr|lat] [-size BYTES] [-count N] [-json]
//
// Description:
//
// The data are integers separated by white space in FILE, or on standard
// input when FILE is absent or "-"; '#' starts a comment. The parent makes a
// segment holding a futex word, the result array and the sum: by default a
// System V segment (shmget, mode 0600, marked for removal with
// shmctl(IPC_RMID) once attached, so it goes with the last process that
// has it, however the lab ends); with -posix a /dev/shm object
// (created with O_EXCL, mode 0600, unlinked at once) mapped with mmap; with
// -memfd an anonymous memfd_create file mapped with mmap. It starts p1 by
// executing itself again.
//
// p1 attaches the segment, stores result[i] = X*10 and the sum, prints them,
// then sets the futex word and wakes the parent (futex FUTEX_WAKE). The
// parent sleeps on that word (FUTEX_WAIT) — not only on p1's exit — and then
// prints the result array and the sum it finds in the segment. Values are
// 64-bit and checked for overflow (the sheet's Array('i') silently wraps at
// 32 bits, and its "Sum of squares" label is wrong: the value is the sum).
//
// With -stream the segment holds a bounded buffer instead, a ring of 1024
// slots (internal/ring), and the parent starts p2 as well: p1 puts the
// items in it, p2 takes them out and prints them, one per line. Each side
// sleeps on a futex word when the ring is full (p1) or empty (p2) and
// wakes the other only when it sleeps, so any number of items passes
// through. With -count N p1 makes the items 1..N itself, and p2 prints one
// line instead: the count, a checksum (the sum of i*item over the
// positions i, which a lost, repeated or reordered item changes), verified
// against the one 1..N must give (a mismatch is an error), and the rate.
//
// write, read and rm let two unrelated processes meet at a named segment: a
// POSIX object /dev/shm/NAME (-name NAME; shm_open, fallocate, mmap) or a
// System V segment with key K (-sysv -key K; shmget, shmat). Whichever of
// write and read comes first creates it, exclusively and with mode 0600,
// and the other opens it; as the reader may come first, its size is fixed
// for 65536 items (512 KiB). write is p1's half of the lab: it stores the
// results and the sum, prints them and publishes (FUTEX_WAKE); a second
// writer is refused. read is the main program's half: it sleeps on the
// futex word (for at most -timeout D, if given) until a writer has
// published, prints what it finds and removes the segment. rm removes one
// (shm_unlink, or shmctl IPC_RMID on the key). A segment left by a killed
// reader or a writer nobody read stays until rm.
//
// "shmlab bench" measures the shared-memory ring against the workloads of the C
// reference bench/ref.c, between the lab and a child: thr streams COUNT
// messages of SIZE bytes (default 64) one way, lat times COUNT round
// trips; every message carries a sequence number the receiver checks, and
// -json prints ref.c's line. See internal/bench, and "shmlab bench -h".
//
// Options:
//
//	-sysv     a System V segment: shmget, shmat, shmctl (the default)
//	-posix    a POSIX shared memory object in /dev/shm, mapped with mmap
//	-memfd    an anonymous memory file (memfd_create), mapped with mmap
//	-stream   p1 passes the items to p2 through a ring in the segment
//	-count N  with -stream: p1 makes the items 1..N; p2 checks them
//	-i        the lab sheet's dialogue on standard input (the default when
//	          standard input is a terminal and no FILE is given)
//	-trace    print each IPC system call to standard error as it happens
//	-timeout D
//	          give up on a child stopped (kill -STOP) for D, which its peer
//	          would wait for for ever (default 10s; 0 waits for ever)
//	-h        this help
//
// Options of shmlab write, read and rm:
//
//	-name NAME    the POSIX shared memory object /dev/shm/NAME
//	-sysv -key K  the System V segment with key K instead
//	-timeout D    read: give up when no writer has published within D
//	              (500ms, 2s, 1m); 0, the default, waits for ever
//	-trace        print each IPC system call to standard error
//	-h            this help
//
// Options of shmlab bench:
//
//	-mode M     thr (the default) or lat
//	-size BYTES message size, at least 8 (default 64)
//	-count N    messages or round trips (default: about a second's worth)
//	-json       one JSON line with the fields of ref.c's output
//
// Example:
//
//	$ shmlab testdata/shm.txt
//	Result(in process p1): [220, 330, 40, 550]
//	Sum(in process p1): 1140
//	Result(in main program): [220, 330, 40, 550]
//	Sum(in main program): 1140
//
//	$ shmlab -stream -count 1000000
//	1000000 items, checksum 333333833333500000 (verified), 43360591 items/s
//
//	$ shmlab read -name lab & shmlab write -name lab testdata/shm.txt
//	Result(in process p1): [220, 330, 40, 550]
//	Sum(in process p1): 1140
//	Result(in main program): [220, 330, 40, 550]
//	Sum(in main program): 1140
package main

import (
	"io"
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/internal/shmlab"
)

func main() {
	if err := run(fd.Args(), fd.Stdin, fd.Stdout, fd.Stderr); err != nil {
		syscall.Exit(cli.Exit(fd.Stderr, "shmlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return shmlab.Command.Dispatch(args, stdin, stdout, stderr)
}
