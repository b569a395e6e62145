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

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
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
	sysv := r.Flags.Bool("sysv")
	posix := r.Flags.Bool("posix")
	memfd := r.Flags.Bool("memfd")
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
	d, err := r.Data(rest, stdin, stdout)
	if err != nil {
		return err
	}
	results, err := d.Times10()
	if err != nil {
		return err
	}
	if _, err := d.Sum(results); err != nil {
		return err
	}
	g, err := r.Group(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	size := offResult + 8*len(d.Values)
	seg, files, sargs, err := create(g, kind, size)
	if err != nil {
		return err
	}
	data, err := proc.DataFile(d.Values)
	if err != nil {
		return err
	}
	_, err = g.Start("p1", append([]int{data}, files...), r.ChildArgs(sargs...)...)
	unix.Close(data)
	for _, fd := range files {
		ipc.Close(fd)
	}
	if err != nil {
		return err
	}
	// Sleep on the futex word, waking every tenth of a second to see
	// whether p1 died or a signal came instead.
	tenth := ipc.Timespec{Nsec: 100e6}
	if err := await(seg, func() (*ipc.Timespec, error) { return &tenth, g.Check() }); err != nil {
		return err
	}
	res, sum := view(seg)
	if err := report(stdout, "main program", res, *sum); err != nil {
		return err
	}
	return g.Wait()
}

func child(role string, args []string, stdout io.Writer) error {
	if role != "p1" || len(args) == 0 {
		return errors.New(role + ": bad arguments")
	}
	if err := p1(args, stdout); err != nil {
		return errors.New("p1: " + err.Error())
	}
	return nil
}

// p1 is the sheet's mult_ten: it fills the segment, prints what it stored,
// then publishes through the futex word.
func p1(args []string, stdout io.Writer) error {
	values, err := proc.ReadData(proc.FirstFD)
	if err != nil {
		return err
	}
	seg, sysv, err := attach(args, offResult+8*len(values))
	if err != nil {
		return err
	}
	defer unmap(seg, sysv)
	res, sum, err := fill(seg, values)
	if err != nil {
		return err
	}
	if err := report(stdout, "process p1", res, sum); err != nil {
		return err
	}
	return publish(seg)
}
