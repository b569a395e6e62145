//go:build linux

package shmlab

import (
	"errors"
	"io"
	"strconv"
	"sync/atomic"
	"unsafe" // also for go:linkname

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// The segment's layout: a futex word, a claim word, the item count, the
// sum, and from offResult on the result array, all native-endian.
const (
	offDone   = 0  // uint32 futex word: 0 until the writer has published, then 1
	offClaim  = 4  // uint32: 1 once a writer has taken the segment
	offN      = 8  // int64: number of results
	offSum    = 16 // int64
	offResult = 64 // int64[n], on its own cache line
)

// word is the uint32 at off in seg, for sync/atomic and the futex.
func word(seg []byte, off int) *uint32 { return (*uint32)(unsafe.Pointer(&seg[off])) }

// create makes the lab's private segment of the given kind, maps it in the
// parent and says how a child finds it: the descriptors to pass, after a
// place left for the data's (see attach), and arguments.
func create(g *proc.Group, kind string, size int) ([]byte, []int, []string, error) {
	var seg []byte
	var err error
	sysv := kind == "sysv"
	files, args := []int{-1}, []string{"fd"}
	if sysv {
		var id int
		seg, id, err = createSysV(size)
		args = []string{"sysv", text.Itoa(id)}
	} else {
		var fd int
		if fd, err = createFD(kind); err == nil {
			if seg, err = mapFD(fd, size); err != nil {
				ipc.Close(fd)
			}
		}
		files = []int{-1, fd}
	}
	if m := seg; m != nil {
		g.Cleanup(func() error { return unmap(m, sysv) })
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return seg, files, args, nil
}

// createSysV makes a System V segment and attaches it. Marked for removal
// at once, the segment goes away with the last process that has it
// attached, however the lab ends; Linux still lets p1 attach it by its id.
func createSysV(size int) (seg []byte, id int, err error) {
	id, err = ipc.ShmGet(proc.ObjectKey(), size, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if errors.Is(err, unix.EEXIST) {
		// A leftover of a killed lab with this pid: do not touch it.
		id, err = ipc.ShmGet(unix.IPC_PRIVATE, size, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	}
	if err != nil {
		return nil, 0, shmAdvice(err, size)
	}
	seg, err = ipc.ShmAttach(id, 0)
	if err == nil {
		err = ipc.ShmRemove(id)
	} else {
		ipc.ShmRemove(id)
	}
	return seg, id, err
}

// createFD makes a POSIX shared memory object (kind "posix") or a memfd,
// still empty, and returns its descriptor.
func createFD(kind string) (fd int, err error) {
	if kind != "posix" {
		return ipc.MemfdCreate("ipclab-shm", unix.MFD_CLOEXEC)
	}
	name := proc.ObjectName("shm")
	if fd, err = ipc.ShmOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600); err != nil {
		return -1, err
	}
	// Like an unlinked temporary file, the object lives while it is
	// open or mapped, and nothing can be left behind in /dev/shm.
	if err = ipc.ShmUnlink(name); err != nil {
		ipc.Close(fd)
		return -1, err
	}
	return fd, nil
}

// mapFD sizes a shared memory file and maps it. fallocate makes a full
// tmpfs an error now rather than a SIGBUS on first touch; on a file that
// is already big enough it changes nothing.
func mapFD(fd, size int) ([]byte, error) {
	if err := ipc.Fallocate(fd, int64(size)); err != nil {
		return nil, shmAdvice(err, size)
	}
	return ipc.Mmap(fd, size)
}

// attach maps the segment a child was given, as create's arguments say:
// "sysv ID", or "fd" for a descriptor after the data (FirstFD+1).
func attach(args []string, size int) (seg []byte, sysv bool, err error) {
	if args[0] != "sysv" || len(args) != 2 {
		seg, err = ipc.Mmap(proc.FirstFD+1, size)
		return seg, false, err
	}
	id, ok := text.Atoi(args[1])
	if !ok {
		return nil, true, errors.New("bad segment id " + args[1])
	}
	seg, err = attachID(id, size)
	return seg, true, err
}

// attachID attaches the System V segment id, of at least size bytes.
func attachID(id, size int) ([]byte, error) {
	seg, err := ipc.ShmAttach(id, 0)
	if err == nil && len(seg) < size {
		ipc.ShmDetach(seg)
		return nil, errors.New("the segment is too small: not shmlab's")
	}
	return seg, err
}

// unmap lets go of a segment: shmdt for System V, munmap for the others.
func unmap(seg []byte, sysv bool) error {
	if sysv {
		return ipc.ShmDetach(seg)
	}
	return ipc.Munmap(seg)
}

// shmAdvice says which limit a segment of size bytes ran into.
func shmAdvice(err error, size int) error {
	hint, after := "", ""
	switch {
	case errors.Is(err, unix.ENOSYS):
		return cli.Advise(err, "this kernel has no System V IPC (CONFIG_SYSVIPC); try -posix or -memfd")
	case errors.Is(err, unix.EINVAL):
		hint, after = "a segment of ", " bytes exceeds /proc/sys/kernel/shmmax"
	case errors.Is(err, unix.ENOSPC):
		hint, after = "no room for ", " more bytes of shared memory: see /proc/sys/kernel/shmall and shmmni, or the size of /dev/shm"
	case errors.Is(err, unix.ENOMEM):
		hint, after = "not enough memory for a segment of ", " bytes"
	default:
		return err
	}
	return cli.Advise(err, hint+text.Itoa(size)+after)
}

// errTaken is fill's error for a segment another writer has taken.
var errTaken = errors.New("the segment already has a writer, or holds data no reader has taken (shmlab read takes them, shmlab rm removes it)")

// fill is the sheet's mult_ten: it claims seg for this writer and stores
// ten times each value and their sum in it; the caller has made sure
// (check) that none of it overflows. publish then hands it over.
func fill(seg []byte, values []int64) error {
	if max := (len(seg) - offResult) / 8; len(values) > max {
		return errors.New("the segment holds at most " + text.Itoa(max) + " items; the data have " + text.Itoa(len(values)))
	}
	if !atomic.CompareAndSwapUint32(word(seg, offClaim), 0, 1) {
		return errTaken
	}
	*(*int64)(unsafe.Pointer(&seg[offN])) = int64(len(values))
	res, sum := view(seg)
	var s int64
	for i, v := range values {
		res[i] = v * 10
		s += v * 10
	}
	*sum = s
	return nil
}

// writeResults is the writer's side, the sheet's p1: it fills seg, prints
// what it stored, then publishes it. If it cannot print, it lets go of the
// segment for another writer to try.
func writeResults(seg []byte, values []int64, stdout io.Writer) error {
	err := fill(seg, values)
	if err != nil {
		return err
	}
	if ipc.Tracing() {
		res, sum := view(seg)
		ipc.TraceNote("stored result = " + list(res) + " and sum = " + text.Int64(*sum) +
			" in the segment: stores to shared memory, no system call")
	}
	if err = report(stdout, "process p1", seg); err != nil {
		atomic.StoreUint32(word(seg, offClaim), 0)
		return err
	}
	return publish(seg)
}

// publish sets the futex word and wakes the reader. The store orders the
// results before the flag; the reader's load of the flag then sees them.
func publish(seg []byte) error {
	done := word(seg, offDone)
	atomic.StoreUint32(done, 1)
	_, err := ipc.FutexWake(done, 1)
	return err
}

// await sleeps on the futex word until the writer has published, for at
// most ts at a time (nil: until woken), asking check before each sleep
// whether to give up instead.
func await(seg []byte, ts *ipc.Timespec, check func() error) error {
	done := word(seg, offDone)
	for atomic.LoadUint32(done) == 0 {
		if err := check(); err != nil {
			if atomic.LoadUint32(done) != 0 {
				break // published just now: all is well
			}
			return err
		}
		// EAGAIN (already published) and ETIMEDOUT both mean: look again.
		ipc.FutexWait(done, 0, ts)
	}
	return nil
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

// report prints the sheet's two lines about the segment's contents,
// "Result(in WHO): [...]" and "Sum(in WHO): N".
func report(stdout io.Writer, who string, seg []byte) error {
	res, sum := view(seg)
	out := cli.NewOutput(stdout)
	// The list made once, in the line's own bytes: it can be long.
	line := "Result(in " + who + "): "
	b := appendList(append(make([]byte, 0, len(line)+2+len(res)*8), line...), res)
	out.Line(unsafe.String(unsafe.SliceData(b), len(b)))
	out.Line("Sum(in " + who + "): " + text.Int64(*sum))
	return out.Flush()
}

// list formats values as Python prints a list: [220, 330, 40, 550].
func list(values []int64) string { return string(appendList(nil, values)) }

// appendList appends list(values) to b.
func appendList(b []byte, values []int64) []byte {
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, v, 10)
	}
	return append(b, ']')
}

// now is the runtime's monotonic clock (CLOCK_MONOTONIC, through the
// vDSO), in nanoseconds. The runtime keeps this entry point for outside
// packages (go.dev/issue/67401); it is linked anyway, a clock_gettime
// wrapper would not be.
//
//go:linkname now runtime.nanotime
func now() int64
