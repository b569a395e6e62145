// Package ipc is the raw system-call layer of the ipclab binaries: pipes,
// POSIX and System V message queues, System V and POSIX shared memory, and
// futexes, each wrapped directly on the Linux system call.
//
// The package follows golang.org/x/sys/unix: typed exported wrappers over
// raw unix.Syscall6 calls (or over x/sys where it already has the call),
// per-architecture struct layouts in types_linux_GOARCH.go, and errors that
// are *SyscallError values wrapping the errno, so callers test them with
// errors.Is(err, unix.EAGAIN). Interrupted calls (EINTR) are retried in one
// helper inside the package, never by callers.
//
// Every wrapper can print an strace-style line after the call, see SetTrace;
// when tracing is off this costs one branch and no allocation.
//
// The package keeps the binaries small: it depends on nothing heavier than
// strconv and golang.org/x/sys/unix (not even os: see SyscallError). On
// systems other than Linux every function returns an error wrapping
// errors.ErrUnsupported, except that under WASI preview 1 Read, Write,
// ReadWait, ReadFull, WriteAll and Close work on the descriptors the host
// hands over.
package ipc

import "unsafe"

// A SyscallError is a system call that failed: its name and the error,
// an errno. It is os.SyscallError, which the labs cannot afford: package
// os, with its file and poller code, would cost each some 60 KB.
type SyscallError struct {
	_       [0]func() // not comparable: no equality function in the binary
	Syscall string
	Err     error
}

func (e *SyscallError) Error() string { return e.Syscall + ": " + e.Err.Error() }
func (e *SyscallError) Unwrap() error { return e.Err }

// NewSyscallError returns nil if err is nil, else a *SyscallError of the
// call name. It is not inlined: a call is smaller than the allocation, at
// each of the labs' system calls.
//
//go:noinline
func NewSyscallError(name string, err error) error {
	if err == nil {
		return nil
	}
	return &SyscallError{Syscall: name, Err: err}
}

// Notification kinds for SigEvent.Notify (sigev_notify in <signal.h>).
const (
	SigevSignal = 0 // SIGEV_SIGNAL: send SigEvent.Signo
	SigevNone   = 1 // SIGEV_NONE: do nothing
)

// Flags for Msgrcv that golang.org/x/sys/unix does not define.
const (
	MsgNoError = 0o10000 // MSG_NOERROR: truncate a message longer than the buffer
	MsgExcept  = 0o20000 // MSG_EXCEPT: with typ > 0, take the first message NOT of that type
)

// nameMax is NAME_MAX: the longest POSIX IPC name, not counting the slash.
const nameMax = 255

// checkName says what is wrong with a POSIX IPC object name (mq_open,
// shm_open), or returns "" when the name is fine: a slash, then 1 to
// nameMax bytes without a slash or NUL.
func checkName(name string) string {
	switch {
	case len(name) < 2 || name[0] != '/':
		return "a name must be a slash followed by at least one byte"
	case len(name) > nameMax+1:
		return "a name must have at most 255 bytes after the slash"
	}
	for i := 1; i < len(name); i++ {
		switch name[i] {
		case '/':
			return "a name must have no slash after the first byte"
		case 0:
			return "a name must not contain NUL"
		}
	}
	return ""
}

// longSize is sizeof(long) in C: 4 on 32-bit arm, 8 on 64-bit ports. It
// equals the size of a Go int and uintptr on every port Go has.
const longSize = int(unsafe.Sizeof(uintptr(0)))

// MsgBuf is a System V message as msgsnd(2) and msgrcv(2) see it (struct
// msgbuf): a native C long, the message type, followed by the text.
type MsgBuf []byte

// NewMsgBuf returns a zeroed MsgBuf with room for textSize bytes of text.
func NewMsgBuf(textSize int) MsgBuf {
	return make(MsgBuf, longSize+textSize)
}

// Type returns the message type (mtype).
func (m MsgBuf) Type() int {
	var t int
	// Copied bytewise in native byte order: m need not be aligned.
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&t)), longSize), m[:longSize])
	return t
}

// SetType sets the message type (mtype); msgsnd wants it positive.
func (m MsgBuf) SetType(t int) {
	copy(m[:longSize], unsafe.Slice((*byte)(unsafe.Pointer(&t)), longSize))
}

// Text returns the text part of m, after the type.
func (m MsgBuf) Text() []byte {
	return m[longSize:]
}
