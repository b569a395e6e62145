package ipc

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

)

// Trace state. tracing is the only thing the wrappers read when tracing is
// off; the rest is guarded by traceMu. traceBuf holds the line that is
// being built between traceBegin and traceEnd.
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

// A wrapper traces its call as
//
//	if tracing.Load() && traceBegin("read") {
//		traceInt(fd)
//		traceBytes(len(p))
//		traceEnd(int(n), e)
//	}
//
// The trace* helpers append one argument each to traceBuf, after ", "
// unless the argument opens the list, a "[" list, a "{" struct, or follows
// a field name "x=" or a "|". The helpers that the compiler would inline
// are marked go:noinline: each inlined append would repeat the code that
// grows the buffer at every call site, in every wrapper.

// traceBegin locks the trace and starts a line "[role] call(". It returns
// false, and nothing is locked, when tracing was turned off meanwhile.
func traceBegin(call string) bool {
	traceMu.Lock()
	if traceOut == nil {
		traceMu.Unlock()
		return false
	}
	traceBuf = traceBuf[:0]
	if traceRole != "" {
		traceText("[")
		traceText(traceRole)
		traceText("] ")
	}
	traceText(call)
	traceText("(")
	return true
}

// traceSep appends ", " between two arguments.
//
//go:noinline
func traceSep() {
	switch traceBuf[len(traceBuf)-1] {
	case '(', '[', '{', '=', '|':
	default:
		traceText(", ")
	}
}

// traceArg appends an argument as it is written: "NULL", "IPC_RMID", "{".
//
//go:noinline
func traceArg(s string) {
	traceSep()
	traceText(s)
}

// traceText appends s with no separator, as the "}" that closes a struct.
//
//go:noinline
func traceText(s string) { traceBuf = append(traceBuf, s...) }

func traceInt(v int) { traceInt64(int64(v)) }

func traceInt64(v int64) {
	traceSep()
	traceBuf = strconv.AppendInt(traceBuf, v, 10)
}

func traceHex(v uintptr) {
	traceArg("0x")
	traceBuf = strconv.AppendUint(traceBuf, uint64(v), 16)
}

// traceField appends a struct field "name=v".
func traceField(name string, v int) {
	traceArg(name)
	traceText("=")
	traceInt(v)
}

// traceMode appends a permission mode in octal, "0600".
func traceMode(mode uint32) {
	traceArg("0")
	traceBuf = strconv.AppendUint(traceBuf, uint64(mode), 8)
}

// traceBytes appends a buffer as its length, "8 bytes".
func traceBytes(n int) {
	traceInt(n)
	traceText(" bytes")
}

func traceString(s string) { traceArg(quote(s)) }

func traceTimespec(ts *Timespec) {
	if ts == nil {
		traceArg("NULL")
		return
	}
	traceArg("{")
	traceField("tv_sec", int(ts.Sec))
	traceField("tv_nsec", int(ts.Nsec))
	traceText("}")
}

// traceEnd closes the argument list, appends " = r" or the error, writes
// the line and unlocks the trace.
func traceEnd(r int, e unix.Errno) {
	traceText(") = ")
	if e == 0 {
		traceBuf = strconv.AppendInt(traceBuf, int64(r), 10)
	}
	traceFlush(e)
}

// traceEndAddr is traceEnd for calls that return an address.
func traceEndAddr(addr uintptr, e unix.Errno) {
	traceText(") = ")
	if e == 0 {
		traceText("0x")
		traceBuf = strconv.AppendUint(traceBuf, uint64(addr), 16)
	}
	traceFlush(e)
}

// traceFlush appends the error e, if any, as "-1 EAGAIN (Resource
// temporarily unavailable)", then writes the line and unlocks the trace.
func traceFlush(e unix.Errno) {
	if e != 0 {
		name := errnoName(e)
		if name == "" {
			name = strconv.Itoa(int(e))
		}
		traceText("-1 ")
		traceText(name)
		traceText(" (")
		start := len(traceBuf)
		traceText(e.Error())
		if c := traceBuf[start]; 'a' <= c && c <= 'z' { // capitalised, as strerror(3) is
			traceBuf[start] = c - 'a' + 'A'
		}
		traceText(")")
	}
	traceText("\n")
	traceOut.Write(traceBuf) // A failing trace must not fail the call it describes.
	traceMu.Unlock()
}

type bitName struct {
	bit  int
	name string
}

// traceBits appends v as "A|B", with bits not in names in hex; "0" for 0.
func traceBits(v int, names []bitName) {
	traceSep()
	start := len(traceBuf)
	for _, bn := range names {
		if bn.bit != 0 && v&bn.bit == bn.bit {
			traceText(bn.name)
			traceText("|")
			v &^= bn.bit
		}
	}
	switch {
	case v != 0:
		traceText("0x")
		traceBuf = strconv.AppendUint(traceBuf, uint64(uint(v)), 16)
	case len(traceBuf) == start:
		traceText("0")
	default:
		traceBuf = traceBuf[:len(traceBuf)-1] // the last "|"
	}
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

// accessModes names the values of flags&O_ACCMODE, the same on every
// Linux port.
var accessModes = [...]string{"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"}

// traceOpenFlags appends open(2) flags, access mode first: "O_RDWR|O_CREAT".
func traceOpenFlags(flags int) {
	traceArg(accessModes[flags&unix.O_ACCMODE])
	if rest := flags &^ unix.O_ACCMODE; rest != 0 {
		traceText("|")
		traceBits(rest, openBits)
	}
}

// getBits are the flags of msgget and shmget besides the mode.
var getBits = []bitName{
	{unix.IPC_CREAT, "IPC_CREAT"},
	{unix.IPC_EXCL, "IPC_EXCL"},
}

// traceGetFlags appends msgget/shmget flags: "IPC_CREAT|IPC_EXCL|0600".
func traceGetFlags(flags int) {
	mode := flags & 0o777
	if rest := flags &^ 0o777; rest != 0 {
		traceBits(rest, getBits)
		if mode == 0 {
			return
		}
		traceText("|")
	}
	traceMode(uint32(mode))
}

// traceKey appends a System V IPC key: IPC_PRIVATE or hex.
func traceKey(key int) {
	if key == unix.IPC_PRIVATE {
		traceArg("IPC_PRIVATE")
		return
	}
	traceHex(uintptr(uint32(key)))
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
