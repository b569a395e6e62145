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
	"sync/atomic"
	"unsafe"

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

// The segment's layout: a futex word, the item count, the sum, and from
// offResult on the result array, all native-endian.
const (
	offDone   = 0  // uint32: 0 until p1 has published, then 1
	offN      = 8  // int64: number of results
	offSum    = 16 // int64
	offResult = 64 // int64[n], on its own cache line
)

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
	if err := await(g, seg); err != nil {
		return err
	}
	out := cli.NewOutput(stdout)
	res, sum := view(seg)
	out.Line("Result(in main program): " + list(res))
	out.Line("Sum(in main program): " + strconv.FormatInt(*sum, 10))
	if err := out.Flush(); err != nil {
		return err
	}
	return g.Wait()
}

// await sleeps on the futex word until p1 has published. It wakes up every
// tenth of a second to see whether p1 died or a signal came instead.
func await(g *proc.Group, seg []byte) error {
	done := (*uint32)(unsafe.Pointer(&seg[offDone]))
	step := ipc.Timespec{Nsec: 100e6}
	for atomic.LoadUint32(done) == 0 {
		if err := g.Check(); err != nil {
			if atomic.LoadUint32(done) != 0 {
				break // p1 published, then ended: all is well
			}
			return err
		}
		// EAGAIN (already published) and ETIMEDOUT both mean: look again.
		ipc.FutexWait(done, 0, &step)
	}
	return nil
}

// create makes the segment of the given kind, maps it in the parent and
// says how p1 finds it: descriptors to pass and arguments.
func create(g *proc.Group, kind string, size int) (seg []byte, files []int, args []string, err error) {
	switch kind {
	case "sysv":
		id, err := ipc.ShmGet(proc.ObjectKey(), size, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		if errors.Is(err, unix.EEXIST) {
			// A leftover of a killed lab with this pid: do not touch it.
			id, err = ipc.ShmGet(unix.IPC_PRIVATE, size, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		}
		if err != nil {
			return nil, nil, nil, shmAdvice(err, size)
		}
		seg, err := ipc.ShmAttach(id, 0)
		if err == nil {
			g.Cleanup(func() error { return ipc.ShmDetach(seg) })
			// Marked for removal at once, the segment goes away with
			// the last process that has it attached, however the lab
			// ends; Linux still lets p1 attach it by its id.
			err = ipc.ShmRemove(id)
		} else {
			ipc.ShmRemove(id)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		return seg, nil, []string{"sysv", strconv.Itoa(id)}, nil
	case "posix":
		name := proc.ObjectName("shm")
		fd, err := ipc.ShmOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
		if err != nil {
			return nil, nil, nil, err
		}
		// Like an unlinked temporary file, the object lives while it is
		// open or mapped, and nothing can be left behind in /dev/shm.
		if err := ipc.ShmUnlink(name); err != nil {
			ipc.Close(fd)
			return nil, nil, nil, err
		}
		seg, err := mapFD(g, fd, size)
		return seg, []int{fd}, []string{"fd"}, err
	default:
		fd, err := ipc.MemfdCreate("ipclab-shm", unix.MFD_CLOEXEC)
		if err != nil {
			return nil, nil, nil, err
		}
		seg, err := mapFD(g, fd, size)
		return seg, []int{fd}, []string{"fd"}, err
	}
}

// mapFD sizes a shared memory file and maps it. fallocate makes a full
// tmpfs an error now rather than a SIGBUS on first touch.
func mapFD(g *proc.Group, fd, size int) ([]byte, error) {
	if err := ipc.Fallocate(fd, int64(size)); err != nil {
		ipc.Close(fd)
		return nil, shmAdvice(err, size)
	}
	seg, err := ipc.Mmap(fd, size)
	if err != nil {
		ipc.Close(fd)
		return nil, err
	}
	g.Cleanup(func() error { return ipc.Munmap(seg) })
	return seg, nil
}

// shmAdvice says which limit a segment of size bytes ran into.
func shmAdvice(err error, size int) error {
	n := strconv.Itoa(size)
	switch {
	case errors.Is(err, unix.ENOSYS):
		return cli.Advise(err, "this kernel has no System V IPC (CONFIG_SYSVIPC); try -posix or -memfd")
	case errors.Is(err, unix.EINVAL):
		return cli.Advise(err, "a segment of "+n+" bytes exceeds /proc/sys/kernel/shmmax")
	case errors.Is(err, unix.ENOSPC):
		return cli.Advise(err, "no room for "+n+" more bytes of shared memory: see /proc/sys/kernel/shmall and shmmni, or the size of /dev/shm")
	case errors.Is(err, unix.ENOMEM):
		return cli.Advise(err, "not enough memory for a segment of "+n+" bytes")
	}
	return err
}

// view gives the segment's result array and sum.
func view(seg []byte) ([]int64, *int64) {
	n := *(*int64)(unsafe.Pointer(&seg[offN]))
	if n < 0 || offResult+8*int(n) > len(seg) {
		n = 0
	}
	res := unsafe.Slice((*int64)(unsafe.Pointer(&seg[offResult])), n)
	return res, (*int64)(unsafe.Pointer(&seg[offSum]))
}

// list formats values as Python prints a list: [220, 330, 40, 550].
func list(values []int64) string {
	b := make([]byte, 0, 2+len(values)*8)
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return string(append(b, ']'))
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
	size := offResult + 8*len(values)
	var seg []byte
	if args[0] == "sysv" && len(args) == 2 {
		id, ok := text.Atoi(args[1])
		if !ok {
			return errors.New("bad segment id " + args[1])
		}
		if seg, err = ipc.ShmAttach(id, 0); err != nil {
			return err
		}
		defer ipc.ShmDetach(seg)
	} else if seg, err = ipc.Mmap(proc.FirstFD+1, size); err != nil {
		return err
	} else {
		defer ipc.Munmap(seg)
	}
	if len(seg) < size {
		return errors.New("the segment is too small")
	}
	*(*int64)(unsafe.Pointer(&seg[offN])) = int64(len(values))
	res, sum := view(seg)
	var s int64
	for i, v := range values {
		x, ok := input.Mul10(v)
		if ok {
			s, ok = input.Add(s, x)
		}
		if !ok {
			return errors.New("overflow at item " + strconv.Itoa(i+1))
		}
		res[i] = x
	}
	*sum = s
	out := cli.NewOutput(stdout)
	out.Line("Result(in process p1): " + list(res))
	out.Line("Sum(in process p1): " + strconv.FormatInt(s, 10))
	if err := out.Flush(); err != nil {
		return err
	}
	// The release store orders the results before the flag; the parent's
	// load of the flag then sees them.
	done := (*uint32)(unsafe.Pointer(&seg[offDone]))
	atomic.StoreUint32(done, 1)
	_, err = ipc.FutexWake(done, 1)
	return err
}
