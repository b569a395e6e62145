package ipc

import (
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"ipclab/internal/text"
)

// Timespec is the kernel's struct timespec on this architecture (32-bit
// seconds on arm, which uses the time32 mq_timed* and futex calls).
type Timespec = unix.Timespec

// syscall6 makes a system call and retries it while it fails with EINTR. It
// is the one place where interrupted calls are retried.
//
// Pointer arguments arrive as uintptr, so the compiler no longer keeps
// their targets alive or up to date: callers keep heap targets alive with
// runtime.KeepAlive after the call, and syscall6 is nosplit so that the
// caller's stack, where a target may live, cannot be moved (by a stack
// growth) between the caller's conversion and the kernel's use.
//
//go:nosplit
func syscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, unix.Errno) {
	for {
		r, _, e := unix.Syscall6(trap, a1, a2, a3, a4, a5, a6)
		if e != unix.EINTR {
			return r, e
		}
	}
}

// atFDCWD is AT_FDCWD (-100) as a system-call argument.
const atFDCWD = ^uintptr(-unix.AT_FDCWD - 1)

// errnoErr returns nil for 0, else e as an *os.SyscallError named op.
func errnoErr(op string, e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return os.NewSyscallError(op, e)
}

// sysErr wraps an error from golang.org/x/sys/unix as errnoErr does.
func sysErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return os.NewSyscallError(op, err)
}

// errnoOf returns the errno in an error from golang.org/x/sys/unix, 0 for nil.
func errnoOf(err error) unix.Errno {
	e, _ := err.(unix.Errno)
	if err != nil && e == 0 {
		e = unix.EINVAL
	}
	return e
}

// argError is an argument refused before any system call. It wraps EINVAL,
// the errno the kernel would give for most of them.
type argError struct {
	op, msg string
}

func (e *argError) Error() string { return "ipc: " + e.op + ": " + e.msg }
func (e *argError) Unwrap() error { return unix.EINVAL }

// nameArg checks a POSIX IPC name and returns it NUL-terminated, slash
// included; the caller passes &buf[1] where the kernel wants the name
// without the slash.
func nameArg(op, name string) ([]byte, error) {
	if why := checkName(name); why != "" {
		return nil, &argError{op, text.Quote(name) + ": " + why}
	}
	buf := make([]byte, len(name)+1)
	copy(buf, name)
	return buf, nil
}

// zero gives buffers of length 0 a valid address: the kernel accepts any
// pointer then, but qemu-user checks it.
var zero [1]byte

// bufPtr returns the address of p's first byte, or of zero when p is empty.
func bufPtr(p []byte) *byte {
	if len(p) == 0 {
		return &zero[0]
	}
	return &p[0]
}

// Trace state. tracing is the only thing the wrappers read when tracing is
// off; the rest is guarded by traceMu.
var (
	tracing   atomic.Bool
	traceMu   sync.Mutex
	traceOut  io.Writer
	traceRole string
	traceBuf  []byte
)

// SetTrace makes every wrapper write one strace-style line to w after its
// system call, prefixed by "[role] " when role is not empty, for example
//
//	[p1] write(4, 8 bytes) = 8
//	[p2] mq_timedreceive(3, 8 bytes) = -1 EAGAIN (Resource temporarily unavailable)
//
// Each line is one Write call, and lines from concurrent calls do not mix.
// w must not call back into this package. SetTrace(nil, "") turns tracing
// off.
func SetTrace(w io.Writer, role string) {
	traceMu.Lock()
	traceOut, traceRole = w, role
	tracing.Store(w != nil)
	traceMu.Unlock()
}

// traceBegin locks the trace and starts a line "[role] call(". ok is false,
// and nothing is locked, when tracing was turned off meanwhile.
func traceBegin(call string) (b []byte, ok bool) {
	traceMu.Lock()
	if traceOut == nil {
		traceMu.Unlock()
		return nil, false
	}
	b = traceBuf[:0]
	if traceRole != "" {
		b = append(b, '[')
		b = append(b, traceRole...)
		b = append(b, "] "...)
	}
	b = append(b, call...)
	return append(b, '('), true
}

// traceEnd closes the argument list, appends " = r" or the error, writes
// the line and unlocks the trace.
func traceEnd(b []byte, r int, e unix.Errno) {
	b = append(b, ") = "...)
	if e != 0 {
		b = appendErrno(b, e)
	} else {
		b = strconv.AppendInt(b, int64(r), 10)
	}
	traceFlush(b)
}

// traceEndAddr is traceEnd for calls that return an address.
func traceEndAddr(b []byte, addr uintptr, e unix.Errno) {
	b = append(b, ") = "...)
	if e != 0 {
		b = appendErrno(b, e)
	} else {
		b = appendHex(b, uint64(addr))
	}
	traceFlush(b)
}

func traceFlush(b []byte) {
	b = append(b, '\n')
	traceOut.Write(b) // A failing trace must not fail the call it describes.
	traceBuf = b
	traceMu.Unlock()
}

// appendErrno appends "-1 EAGAIN (Resource temporarily unavailable)".
func appendErrno(b []byte, e unix.Errno) []byte {
	b = append(b, "-1 "...)
	if name := errnoName(e); name != "" {
		b = append(b, name...)
	} else {
		b = strconv.AppendUint(b, uint64(e), 10)
	}
	b = append(b, " ("...)
	start := len(b)
	b = append(b, e.Error()...)
	if c := b[start]; 'a' <= c && c <= 'z' { // capitalised, as strerror(3) is
		b[start] = c - 'a' + 'A'
	}
	return append(b, ')')
}

func appendInt(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) }

func appendHex(b []byte, v uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), v, 16)
}

// appendMode appends a permission mode in octal, "0600".
func appendMode(b []byte, mode uint32) []byte {
	return strconv.AppendUint(append(b, '0'), uint64(mode), 8)
}

func appendSep(b []byte) []byte { return append(b, ", "...) }

// appendBytes appends a buffer as its length, "8 bytes".
func appendBytes(b []byte, n int) []byte {
	return append(appendInt(b, n), " bytes"...)
}

func appendString(b []byte, s string) []byte { return append(b, text.Quote(s)...) }

func appendTimespec(b []byte, ts *Timespec) []byte {
	if ts == nil {
		return append(b, "NULL"...)
	}
	b = append(b, "{tv_sec="...)
	b = strconv.AppendInt(b, int64(ts.Sec), 10)
	b = append(b, ", tv_nsec="...)
	b = strconv.AppendInt(b, int64(ts.Nsec), 10)
	return append(b, '}')
}

type bitName struct {
	bit  int
	name string
}

// appendBits appends v as "A|B", with bits not in names in hex; "0" for 0.
func appendBits(b []byte, v int, names []bitName) []byte {
	n := len(b)
	for _, bn := range names {
		if bn.bit != 0 && v&bn.bit == bn.bit {
			if len(b) > n {
				b = append(b, '|')
			}
			b = append(b, bn.name...)
			v &^= bn.bit
		}
	}
	if v != 0 || len(b) == n {
		if len(b) > n {
			b = append(b, '|')
		}
		if v == 0 {
			return append(b, '0')
		}
		b = appendHex(b, uint64(uint(v)))
	}
	return b
}

// openBits are the open(2) flags that pipe2, mq_open and shm_open take,
// access mode aside; values differ between architectures.
var openBits = []bitName{
	{unix.O_CREAT, "O_CREAT"},
	{unix.O_EXCL, "O_EXCL"},
	{unix.O_TRUNC, "O_TRUNC"},
	{unix.O_NONBLOCK, "O_NONBLOCK"},
	{unix.O_DIRECT, "O_DIRECT"},
	{unix.O_NOFOLLOW, "O_NOFOLLOW"},
	{unix.O_CLOEXEC, "O_CLOEXEC"},
	{unix.O_LARGEFILE, "O_LARGEFILE"},
}

// appendOpenFlags appends open(2) flags, access mode first: "O_RDWR|O_CREAT".
func appendOpenFlags(b []byte, flags int) []byte {
	switch flags & unix.O_ACCMODE {
	case unix.O_RDONLY:
		b = append(b, "O_RDONLY"...)
	case unix.O_WRONLY:
		b = append(b, "O_WRONLY"...)
	case unix.O_RDWR:
		b = append(b, "O_RDWR"...)
	default:
		b = append(b, "O_ACCMODE"...)
	}
	if rest := flags &^ unix.O_ACCMODE; rest != 0 {
		b = appendBits(append(b, '|'), rest, openBits)
	}
	return b
}

// getBits are the flags of msgget and shmget besides the mode.
var getBits = []bitName{
	{unix.IPC_CREAT, "IPC_CREAT"},
	{unix.IPC_EXCL, "IPC_EXCL"},
}

// appendGetFlags appends msgget/shmget flags: "IPC_CREAT|IPC_EXCL|0600".
func appendGetFlags(b []byte, flags int) []byte {
	mode := flags & 0o777
	if rest := flags &^ 0o777; rest != 0 {
		b = appendBits(b, rest, getBits)
		if mode == 0 {
			return b
		}
		b = append(b, '|')
	}
	return appendMode(b, uint32(mode))
}

// appendKey appends a System V IPC key: IPC_PRIVATE or hex.
func appendKey(b []byte, key int) []byte {
	if key == unix.IPC_PRIVATE {
		return append(b, "IPC_PRIVATE"...)
	}
	return appendHex(b, uint64(uint32(key)))
}

// errnoName names the errors the IPC calls give. unix.ErrnoName knows them
// all, but its table of every errno costs the tiny binaries 10 KB.
func errnoName(e unix.Errno) string {
	switch e {
	case unix.EPERM:
		return "EPERM"
	case unix.ENOENT:
		return "ENOENT"
	case unix.EINTR:
		return "EINTR"
	case unix.EBADF:
		return "EBADF"
	case unix.EAGAIN:
		return "EAGAIN"
	case unix.ENOMEM:
		return "ENOMEM"
	case unix.EACCES:
		return "EACCES"
	case unix.EFAULT:
		return "EFAULT"
	case unix.EEXIST:
		return "EEXIST"
	case unix.EINVAL:
		return "EINVAL"
	case unix.ENFILE:
		return "ENFILE"
	case unix.EMFILE:
		return "EMFILE"
	case unix.EFBIG:
		return "EFBIG"
	case unix.ENOSPC:
		return "ENOSPC"
	case unix.EPIPE:
		return "EPIPE"
	case unix.ENAMETOOLONG:
		return "ENAMETOOLONG"
	case unix.ENOSYS:
		return "ENOSYS"
	case unix.ENOMSG:
		return "ENOMSG"
	case unix.EIDRM:
		return "EIDRM"
	case unix.E2BIG:
		return "E2BIG"
	case unix.EMSGSIZE:
		return "EMSGSIZE"
	case unix.ETIMEDOUT:
		return "ETIMEDOUT"
	case unix.EBUSY:
		return "EBUSY"
	case unix.ESRCH:
		return "ESRCH"
	case unix.ENODEV:
		return "ENODEV"
	case unix.EOPNOTSUPP:
		return "EOPNOTSUPP"
	case unix.ELOOP:
		return "ELOOP"
	case unix.EISDIR:
		return "EISDIR"
	case unix.ENOTDIR:
		return "ENOTDIR"
	case unix.EROFS:
		return "EROFS"
	case unix.EOVERFLOW:
		return "EOVERFLOW"
	}
	return ""
}
