package proc

import (
	"io"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	fdpkg "ipclab/internal/fd"
	"ipclab/internal/record"
	"ipclab/internal/text"
)

// DataFile puts values in an anonymous memory file (memfd) for a child to
// read with ReadData. It is how p1 gets the items the parent read — the
// plumbing of "args=(list, q)" in the sheet's Python, not one of the lab's
// IPC mechanisms, so it is not traced.
func DataFile(values []int64) (int, error) {
	// ENOSYS before Linux 3.17. The name only labels the file in
	// /proc/PID/fd; x/sys/unix's MemfdCreate would add a wrapper.
	name := []byte("ipclab-data\x00")
	r, _, e := unix.Syscall(unix.SYS_MEMFD_CREATE, uintptr(unsafe.Pointer(&name[0])), unix.MFD_CLOEXEC, 0)
	if e != 0 {
		return -1, syscallError("memfd_create", e)
	}
	fd := int(r)
	// In blocks of 64 KiB: the items need not be there twice.
	buf := make([]byte, 0, 64<<10)
	for len(values) > 0 || len(buf) > 0 {
		for ; len(values) > 0 && len(buf) < cap(buf); values = values[1:] {
			buf = buf[:len(buf)+record.Size]
			record.Put(buf[len(buf)-record.Size:], values[0])
		}
		n, err := syscall.Write(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return -1, syscallError("write", err)
		}
		buf = buf[:copy(buf, buf[n:])]
	}
	return fd, nil
}

// ReadData reads the values a parent stored with DataFile. It reads at
// offsets (pread) to the end of the file, from the start: the file's own
// offset, which DataFile's writes left at the end, is shared by every
// process that has it, and several children may read it at once.
func ReadData(fd int) ([]int64, error) {
	var st syscall.Stat_t
	syscall.Fstat(fd, &st) // the size, to read it in one go; 0 if unknown
	b := make([]byte, 0, max(4096, st.Size+1))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // room for more
		}
		n, err := pread(fd, b[len(b):cap(b)], int64(len(b)))
		if err != nil {
			return nil, syscallError("pread", err)
		}
		if n == 0 {
			break
		}
		b = b[:len(b)+n]
	}
	syscall.Close(fd)
	return record.Decode(b), nil
}

// A Feed is the parent's end of a pipe that carries the items to p1 as
// the parent reads them: p1 starts at once, and memory stays flat however
// many items there are. Like DataFile it is plumbing, not traced.
type Feed struct {
	g   *Group
	fd  int // the pipe's write end, non-blocking; -1 before Pipe
	buf []byte
}

// NewFeed returns a Feed whose items wait in its buffer (64 KiB, a pipe's
// default size) until Pipe is called: the lab reads that much before it
// starts p1, and reports a malformed item in it before any child runs.
func NewFeed() *Feed {
	return &Feed{fd: -1, buf: make([]byte, 0, 64<<10)}
}

// Full reports whether the buffer is full.
func (f *Feed) Full() bool { return len(f.buf) == cap(f.buf) }

// Put sends v, in the buffer's turn. Before Pipe the buffer grows, if need
// be, to hold every item.
func (f *Feed) Put(v int64) error {
	if f.Full() && f.fd >= 0 {
		if err := f.flush(); err != nil {
			return err
		}
	}
	var rec [record.Size]byte
	record.Put(rec[:], v)
	f.buf = append(f.buf, rec[:]...)
	return nil
}

// Pipe makes the pipe and returns its read end, p1's, which the caller
// closes once p1 has started. While the pipe is full, the Feed watches g's
// children (Check): a child that dies or stays stopped ends the feeding,
// instead of a wait for ever.
func (f *Feed) Pipe(g *Group) (int, error) {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return -1, syscallError("pipe2", err)
	}
	f.g, f.fd = g, p[1]
	return p[0], nil
}

// flush writes the buffer to the pipe.
func (f *Feed) flush() error {
	b := f.buf
	f.buf = f.buf[:0]
	for len(b) > 0 {
		// A pipe that polls writable takes PIPE_BUF bytes at once; while
		// it stays full, look at the children every 100 ms.
		if !fdpkg.Poll(f.fd, unix.POLLOUT, 100) {
			if err := f.g.Check(); err != nil {
				return err
			}
			continue
		}
		n, err := syscall.Write(f.fd, b[:min(len(b), 4096)])
		switch err {
		case nil:
			b = b[n:]
		case syscall.EINTR:
		case syscall.EPIPE:
			// p1 is gone: Wait says how.
			if err := f.g.Wait(); err != nil {
				return err
			}
			return ErrGone
		default:
			return syscallError("write", err)
		}
	}
	return nil
}

// Close sends what is left in the buffer, then one byte more, the end,
// and closes the pipe. p1 tells so the end of the items from the death of
// its parent, which closes the pipe too.
func (f *Feed) Close() error {
	f.buf = append(f.buf, 0)
	err := f.flush()
	syscall.Close(f.fd)
	return err
}

// Items reads the items from the pipe of a parent's Feed, in blocks of
// up to 64 KiB.
type Items struct {
	fd   int
	buf  []byte // n bytes read, not yet returned
	n    int
	vals []int64 // the batch Next is in, from i
	i    int
}

// NewItems reads the items from the descriptor fd, a Feed's pipe.
func NewItems(fd int) *Items { return &Items{fd: fd, buf: make([]byte, 64<<10)} }

// Batch returns the items that have come (at most 8192, valid until the
// next call), or io.EOF after the last; io.ErrUnexpectedEOF if the pipe
// closed without the Feed's end.
func (it *Items) Batch() ([]int64, error) {
	for it.n < record.Size {
		n := 0
		err := io.EOF
		if it.fd >= 0 {
			n, err = syscall.Read(it.fd, it.buf[it.n:])
		}
		if n <= 0 && err == nil {
			syscall.Close(it.fd)
			it.fd, err = -1, io.EOF
		}
		if err == io.EOF && it.n != 1 {
			// No end byte: the parent died (and the lifeline says so).
			err = io.ErrUnexpectedEOF
		}
		if err != nil && err != syscall.EINTR {
			return nil, err
		}
		it.n += max(n, 0)
	}
	whole := it.n &^ (record.Size - 1)
	vals := it.vals[:0]
	for i := 0; i < whole; i += record.Size {
		vals = append(vals, record.Get(it.buf[i:]))
	}
	// A record cut at the end of a read: its start goes first.
	it.n = copy(it.buf, it.buf[whole:it.n])
	it.vals, it.i = vals, 0 // its memory serves the next batch again
	return vals, nil
}

// Next returns the next item, or io.EOF after the last.
func (it *Items) Next() (int64, error) {
	if it.i == len(it.vals) {
		if _, err := it.Batch(); err != nil {
			return 0, err
		}
	}
	it.i++
	return it.vals[it.i-1], nil
}

var objects int

// KeyPrefix marks the System V keys the labs use: the top byte of
// ObjectKey.
const KeyPrefix = 0x6c << 24 // 'l', for lab

// ObjectKey returns the System V key for this process's queue or segment:
// KeyPrefix | pid. System V objects have no names; a key made of the pid
// lets a leftover of a killed lab be found and tied to the process that
// made it (the queue's entry in /proc/sysvipc/msg shows no creator pid).
// Linux pids fit the low 24 bits (pid_max is at most 2^22).
func ObjectKey() int {
	return KeyPrefix | syscall.Getpid()&0xffffff
}

// ObjectName returns a fresh name for an IPC object of the given kind:
// "/ipclab-mq-4242-1". The prefix marks every object a lab makes, so one
// left behind by a killed parent can be found; the pid keeps concurrent
// labs apart, the count a lab's own objects. (Creation is exclusive all
// the same: O_EXCL turns a clash into an error, never a shared object.)
func ObjectName(kind string) string {
	objects++
	return "/ipclab-" + kind + "-" + text.Itoa(syscall.Getpid()) + "-" + text.Itoa(objects)
}
