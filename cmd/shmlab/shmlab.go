//go:build linux

// Shmlab shows inter-process communication through shared memory, as the
// lab sheet asks: p1 stores ten times each item and their sum in a shared
// segment, and the main program prints the same values from the segment.
//
// Synopsis:
//
//	shmlab [-i] [-sysv | -posix | -memfd] [-trace] [FILE]
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
// Options:
//
//	-i      the sheet's dialogue: "Enter the datasize: ", then
//	        "Enter the data: " per item (default on a terminal)
//	-sysv   a System V segment (the default)
//	-posix  a POSIX shared memory object in /dev/shm
//	-memfd  an anonymous memory file (memfd_create)
//	-trace  print each IPC system call to standard error
//
// Example:
//
//	$ shmlab testdata/shm.txt
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

	"golang.org/x/sys/unix"

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
` + lab.Common + `
Example: shmlab testdata/shm.txt
         printf '4\n22\n33\n4\n55\n' | shmlab -i -memfd
`,
	Prompts: input.Prompts{Size: "Enter the datasize: ", Item: "Enter the data: "},
}

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "shmlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if role, rest, ok := proc.Role(args); ok {
		return proc.Orphaned(child(role, lab.Child(role, rest, stderr), stdout))
	}
	if len(args) > 1 {
		switch args[1] {
		case "bench":
			return benchCmd(args, stdout, stderr)
		case "write", "read", "rm":
			return named(args[1], args[2:], stdin, stdout, stderr)
		}
	}
	r := shmLab.Flags(stdout)
	// One call in a loop: each inlined definition costs the binary bytes.
	var opts [4]*bool
	for i, name := range [...]string{"sysv", "posix", "memfd", "stream"} {
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
	files = append([]int{data}, files...)
	cargs = r.ChildArgs(append(cargs, sargs...)...)
	for _, role := range roles {
		if _, err = g.Start(role, files, cargs...); err != nil {
			break
		}
	}
	unix.Close(data)
	for _, fd := range files[1:] {
		ipc.Close(fd)
	}
	if err != nil {
		return err
	}
	if *streaming {
		return g.Wait()
	}
	// Sleep on the futex word, waking every tenth of a second to see
	// whether p1 died or a signal came instead.
	if err := await(seg, &ipc.Timespec{Nsec: 100e6}, g.Check); err != nil {
		return err
	}
	if err := report(stdout, "main program", seg); err != nil {
		return err
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
		// The lab's p1 is the sheet's mult_ten: it fills the segment,
		// prints what it stored, then publishes through the futex word.
		if count >= 0 {
			err = stream(role, int64(count), values, seg, stdout)
		} else if err = fill(seg, values); err == nil {
			if err = report(stdout, "process p1", seg); err == nil {
				err = publish(seg)
			}
		}
		unmap(seg, sysv)
	}
	if err != nil {
		return errors.New(role + ": " + err.Error())
	}
	return nil
}
