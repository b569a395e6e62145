package ipc

import (
	"io"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// Under WASI preview 1 a lab's pipe ends are descriptors the host hands
// over, standard input and output, which the host joins with a pipe. Read
// and Write are fd_read and fd_write. A host may hand them over
// non-blocking: Node.js does, for every standard stream, and says so only
// in flags WASI does not define, so the Go runtime does not wait on them
// itself. ReadWait and WriteAll wait with poll_oneoff (see wait), as the
// Linux build waits with ppoll.

// Read reads up to len(p) bytes from fd (fd_read); 0 bytes and no error
// means end of file.
func Read(fd int, p []byte) (int, error) {
	n, err := syscall.Read(fd, p)
	return n, syscallError("read", err)
}

// Write writes p to fd (fd_write), returning how many bytes were taken.
func Write(fd int, p []byte) (int, error) {
	n, err := syscall.Write(fd, p)
	return n, syscallError("write", err)
}

// ReadWait is Read, except that on a non-blocking descriptor it waits
// until fd is readable instead of failing with EAGAIN.
func ReadWait(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, p)
		if err != syscall.EAGAIN {
			return n, syscallError("read", err)
		}
		if err := wait(fd, eventFdRead); err != nil {
			return 0, err
		}
	}
}

// ReadFull reads exactly len(p) bytes from fd, however many reads it
// takes, waiting as ReadWait does. Like io.ReadFull it returns io.EOF when
// end of file comes before any byte and io.ErrUnexpectedEOF when it comes
// after some.
func ReadFull(fd int, p []byte) error {
	for done := 0; done < len(p); {
		n, err := ReadWait(fd, p[done:])
		if err != nil {
			return err
		}
		if n == 0 {
			if done == 0 {
				return io.EOF
			}
			return io.ErrUnexpectedEOF
		}
		done += n
	}
	return nil
}

// WriteAll writes all of p to fd, however many writes it takes; on a
// non-blocking descriptor it waits for room rather than fail with EAGAIN.
func WriteAll(fd int, p []byte) error {
	for len(p) > 0 {
		n, err := syscall.Write(fd, p)
		switch err {
		case nil:
			p = p[n:]
		case syscall.EAGAIN:
			if err := wait(fd, eventFdWrite); err != nil {
				return err
			}
		case syscall.EIO:
			return &hint{os.NewSyscallError("write", err),
				"if the reader closed the pipe: a WASI runtime without EPIPE, such as wazero 1.12, says EIO instead"}
		default:
			return syscallError("write", err)
		}
	}
	return nil
}

// hint is an error with a hint on what it may mean.
type hint struct {
	err  error
	hint string
}

func (h *hint) Error() string { return h.err.Error() + " (" + h.hint + ")" }
func (h *hint) Unwrap() error { return h.err }

// Close closes fd (fd_close).
func Close(fd int) error { return syscallError("close", syscall.Close(fd)) }

func syscallError(op string, err error) error {
	if err == nil {
		return nil
	}
	return os.NewSyscallError(op, err)
}

// The event types of a poll_oneoff subscription (eventtype), and the
// clock the lab waits on (clockid).
const (
	eventClock     = 0
	eventFdRead    = 1
	eventFdWrite   = 2
	clockMonotonic = 1
)

// retry is how long wait waits at most: with a runtime that cannot wait
// on the descriptor itself, how often the lab tries again.
const retry = 10e6 // nanoseconds

// subscription is WASI's subscription: userdata, the event type at byte 8,
// then at byte 16 fd_readwrite's descriptor, or the clock's id, timeout,
// precision and flags; 48 bytes.
type subscription struct {
	userdata  uint64
	eventType uint8
	_         [7]uint8
	fdOrClock uint32
	_         uint32
	timeout   uint64
	precision uint64
	flags     uint16
	_         [6]uint8
}

// event is WASI's event: userdata, the error (an errno) at byte 8, the
// type at byte 10, then fd_readwrite's byte count and flags; 32 bytes.
type event struct {
	userdata  uint64
	errno     uint16
	eventType uint8
	_         [5]uint8
	nbytes    uint64
	flags     uint16
	_         [6]uint8
}

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
//go:noescape
func pollOneoff(in, out unsafe.Pointer, nsubscriptions uint32, nevents unsafe.Pointer) uint32

// wait waits with poll_oneoff until fd is ready for the event typ (it can
// be read, or is at end of file; or it can be written), or for at most
// retry: the caller then tries again. The clock is there because runtimes
// differ: wazero 1.12 and Node.js wait on a standard input, but wazero
// answers an fd_write subscription with ENOTSUP (and, were there no clock
// to sleep on, would then sleep for ever), and wasmer-js 0.12 answers both
// with ENOSYS (and spins on the clock). The lab then gets there all the
// same, trying again every retry. Only a runtime whose poll_oneoff can
// neither wait on fd nor sleep ends the lab, with one line that says so.
func wait(fd int, typ uint8) error {
	in := [2]subscription{
		{eventType: typ, fdOrClock: uint32(fd)},
		{eventType: eventClock, fdOrClock: clockMonotonic, timeout: retry},
	}
	var out [2]event
	var n uint32
	switch e := syscall.Errno(pollOneoff(unsafe.Pointer(&in[0]), unsafe.Pointer(&out[0]), 2, unsafe.Pointer(&n))); e {
	case 0:
	case syscall.EINTR: // wazero's ppoll met a signal of its Go runtime
		return nil
	default:
		return &waitError{fd: fd, typ: typ, e: e, call: true}
	}
	var e syscall.Errno
	for _, ev := range out[:min(n, 2)] {
		if ev.errno == 0 {
			return nil // fd is ready, or time has passed
		}
		if ev.eventType == typ {
			e = syscall.Errno(ev.errno)
		}
	}
	return &waitError{fd: fd, typ: typ, e: e}
}

// waitError says that the runtime can neither wait for fd nor sleep: its
// poll_oneoff failed (call), or answered the fd's subscription with the
// error e and the clock's with an error too.
type waitError struct {
	fd   int
	typ  uint8
	e    syscall.Errno
	call bool
}

func (w *waitError) Error() string {
	name := "descriptor " + strconv.Itoa(w.fd)
	if w.fd <= 2 {
		name = [...]string{"standard input", "standard output", "standard error"}[w.fd]
	}
	event, state := "fd_read", "has no data yet"
	if w.typ == eventFdWrite {
		event, state = "fd_write", "is full"
	}
	how := "fails on an " + event + " and a clock subscription with " + errnoName(w.e)
	if !w.call {
		how = "answers an " + event + " subscription with " + errnoName(w.e) + ", and a clock subscription with an error"
	}
	return name + " is non-blocking and " + state + " (EAGAIN), and this WASI runtime cannot wait for it: its poll_oneoff " +
		how + " (try wazero or Node.js)"
}

func (w *waitError) Unwrap() error { return w.e }

// errnoName is the name of a WASI errno a runtime gives for what it lacks.
func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.ENOSYS:
		return "ENOSYS"
	case syscall.ENOTSUP:
		return "ENOTSUP"
	case syscall.EINVAL:
		return "EINVAL"
	case syscall.EBADF:
		return "EBADF"
	}
	return "errno " + strconv.Itoa(int(e)) + " (" + e.Error() + ")"
}
