//go:build linux

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
//	-i      the sheet's dialogue: "Enter the datasize: ", then
//	        "Enter the data: " per item (default on a terminal)
//	-sysv   a System V segment (the default)
//	-posix  a POSIX shared memory object in /dev/shm
//	-memfd  an anonymous memory file (memfd_create)
//	-stream p1 and p2 pass the items through a ring in the segment
//	-count N
//	        with -stream: p1 makes the items 1..N instead of reading them
//	-name NAME
//	        write, read, rm: the POSIX object /dev/shm/NAME
//	-sysv -key K
//	        write, read, rm: the System V segment with key K (42, 0x2a)
//	-timeout D
//	        the lab: give up when p1 or p2 stays stopped (kill -STOP,
//	        say) for D, as the parent or p2 (or p1) would wait for
//	        ever: the parent says so, ends the lab and exits 1 (default
//	        10s; 0 waits for ever). read: give up after D (500ms, 2s,
//	        1m) without a writer; 0, the default, waits for ever
//	-trace  print each IPC system call to standard error
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
	"errors"
	"io"
	"os"
	"strconv"
	"syscall"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

var shmLab = &lab.Lab{
	Name: "shmlab",
	Usage: `Usage: shmlab [options] [FILE]

Process p1 stores ten times each integer in FILE (or standard input) and
their sum in shared memory; the main program prints them from there.

Options:
  -sysv     a System V segment: shmget, shmat, shmctl (the default)
  -posix    a POSIX shared memory object in /dev/shm, mapped with mmap
  -memfd    an anonymous memory file (memfd_create), mapped with mmap
  -stream   p1 passes the items to p2 through a ring in the segment
  -count N  with -stream: p1 makes the items 1..N; p2 checks them
` + lab.Common + `
Example: shmlab testdata/shm.txt
         printf '4\n22\n33\n4\n55\n' | shmlab -i -memfd
         shmlab -stream -count 1000000 -posix
See also shmlab write -h: two unrelated processes and a named segment.
`,
	Prompts: input.Prompts{Size: "Enter the datasize: ", Item: "Enter the data: "},
}

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "shmlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if ok, err := proc.AsChild(args, func(role string, rest []string) error {
		return child(role, lab.Child(role, rest, stderr), stdout)
	}); ok {
		return err
	}
	if len(args) > 1 {
		switch args[1] {
		case "bench":
			return bench.Main("shmlab", args, stdout, stderr, bench.Shm, nil)
		case "write", "read", "rm":
			return named(args[1], args[2:], stdin, stdout, stderr)
		}
	}
	r := shmLab.Flags(stdout)
	// One call in a loop: each inlined definition costs the binary bytes.
	var opts [4]*bool
	for i, name := range []string{"sysv", "posix", "memfd", "stream"} {
		opts[i] = r.Flags.Bool(name)
	}
	sysv, posix, memfd, streaming := opts[0], opts[1], opts[2], opts[3]
	count := r.Flags.Int("count", 0)
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	kind := "sysv"
	switch {
	case *posix && (*sysv || *memfd), *memfd && *sysv:
		return cli.Usage("choose one of -sysv, -posix and -memfd")
	case *posix:
		kind = "posix"
	case *memfd:
		kind = "memfd"
	}
	if *count < 0 || *count > 0 && (!*streaming || len(rest) > 0 || r.Dialogue()) {
		return cli.Usage("-count N goes with -stream, without FILE or -i: p1 makes the items 1..N")
	}
	var values []int64
	if *count == 0 {
		d, err := r.Data(rest, stdin, stdout)
		if err != nil {
			return err
		}
		if !*streaming {
			if err := check(d); err != nil {
				return err
			}
		}
		values = d.Values
	}
	g, err := r.Group(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	// The lab's segment holds the results; -stream's a ring, which p1
	// fills and p2 empties.
	size, roles, cargs := offResult+8*len(values), []string{"p1"}, []string(nil)
	if *streaming {
		size, roles, cargs = streamSize, []string{"p2", "p1"}, []string{"stream", strconv.Itoa(*count)}
	}
	seg, files, sargs, err := create(g, kind, size)
	if err != nil {
		return err
	}
	data, err := proc.DataFile(values)
	if err != nil {
		return err
	}
	// Every child gets the data on fd 3, the segment's descriptor, if it
	// has one, on the next (see attach).
	files[0] = data
	cargs = r.ChildArgs(append(cargs, sargs...)...)
	for _, role := range roles {
		if _, err = g.Start(role, files, cargs...); err != nil {
			break
		}
	}
	syscall.Close(data)
	if len(files) > 1 {
		ipc.Close(files[1]) // the segment's
	}
	if err != nil {
		return err
	}
	if !*streaming {
		// Sleep on the futex word, waking every tenth of a second to see
		// whether p1 died or a signal came instead.
		err = await(seg, &ipc.Timespec{Nsec: 100e6}, g.Check)
		if err == nil {
			err = report(stdout, "main program", seg)
		}
		if err != nil {
			return err
		}
	}
	return g.Wait()
}

// check refuses data whose results or sum overflow, saying where.
func check(d *input.Data) error {
	results, err := d.Times10()
	if err == nil {
		_, err = d.Sum(results)
	}
	return err
}

// child runs p1 or p2. args are the segment's (see attach), after
// "stream N" for -stream, where p1 makes the items 1..N, or with N = 0
// reads them as the lab's p1 does.
func child(role string, args []string, stdout io.Writer) error {
	count := -1 // the lab
	if len(args) > 2 && args[0] == "stream" {
		count, _ = text.Atoi(args[1])
		args = args[2:]
	}
	if len(args) == 0 || role != "p1" && (role != "p2" || count < 0) {
		return errors.New(role + ": bad arguments")
	}
	values, err := proc.ReadData(proc.FirstFD)
	size := offResult + 8*len(values)
	if count >= 0 {
		size = streamSize
	}
	var seg []byte
	var sysv bool
	if err == nil {
		seg, sysv, err = attach(args, size)
	}
	if err == nil {
		if count >= 0 {
			err = stream(role, int64(count), values, seg, stdout)
		} else {
			err = writeResults(seg, values, stdout)
		}
		unmap(seg, sysv)
	}
	if err != nil {
		return errors.New(role + ": " + err.Error())
	}
	return nil
}
