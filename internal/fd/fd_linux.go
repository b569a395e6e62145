package fd

import (
	"io"
	"syscall"
	"unsafe" // and for go:linkname

	"golang.org/x/sys/unix"
)

// File is an open file descriptor. Read and Write retry interrupted
// calls, and wait for a descriptor someone else made non-blocking (a
// terminal or pipe shared with a WASI runtime such as Node's, say) until
// it is ready instead of failing with EAGAIN.
type File int

// The standard streams.
var (
	Stdin  io.Reader = File(0)
	Stdout io.Writer = File(1)
	Stderr io.Writer = File(2)
)

// Open opens the file name for reading.
func Open(name string) (File, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return File(fd), err
		}
	}
}

// Read reads up to len(p) bytes; at end of file it returns io.EOF.
func (f File) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(int(f), p)
		switch err {
		case nil:
			if n == 0 && len(p) > 0 {
				return 0, io.EOF
			}
			return n, nil
		case syscall.EAGAIN:
			Poll(int(f), unix.POLLIN, -1)
		case syscall.EINTR:
		default:
			return 0, err
		}
	}
}

// Write writes all of p, or returns why not. A broken pipe on standard
// output or error ends the program with SIGPIPE, as os.File does: the
// reader is gone (pipelab FILE | head -3, say), nobody is left to tell.
func (f File) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := syscall.Write(int(f), p[done:])
		switch err {
		case nil:
			done += n
		case syscall.EAGAIN:
			Poll(int(f), unix.POLLOUT, -1)
		case syscall.EINTR:
		case syscall.EPIPE:
			if f == 1 || f == 2 {
				sigpipe()
			}
			return done, err
		default:
			return done, err
		}
	}
	return done, nil
}

// Close closes the descriptor.
func (f File) Close() error { return syscall.Close(int(f)) }

// Fd returns the descriptor.
func (f File) Fd() uintptr { return uintptr(f) }

// Poll waits until fd is ready for events (unix.POLLIN, POLLOUT) or ms
// milliseconds have passed (ms < 0: no limit), and reports whether it is.
// With fd < 0 it only sleeps. An interrupted wait starts again.
func Poll(fd, events, ms int) bool {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: int16(events)}}
	var ts *unix.Timespec
	if ms >= 0 {
		t := unix.NsecToTimespec(int64(ms) * 1e6)
		ts = &t
	}
	for {
		n, _, e := unix.Syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 1, uintptr(unsafe.Pointer(ts)), 0, 0, 0)
		if e != syscall.EINTR {
			return e == 0 && n == 1
		}
	}
}

// IsTerminal reports whether f is a terminal (TCGETS succeeds on it).
func IsTerminal(f any) bool {
	x, ok := f.(Filer)
	if !ok {
		return false
	}
	var t unix.Termios
	_, _, e := unix.Syscall(unix.SYS_IOCTL, x.Fd(), unix.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

// Args returns the program's arguments, what os.Args holds: the runtime
// keeps them for package os, which the labs do without.
func Args() []string { return runtimeArgs() }

//go:linkname runtimeArgs os.runtime_args
func runtimeArgs() []string

// sigpipe is the runtime's death by SIGPIPE, which os.File calls on a
// broken standard output (unless SIGPIPE is ignored).
//
//go:linkname sigpipe os.sigpipe
func sigpipe()
