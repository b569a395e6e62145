package ipc

import (
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe" // and for go:linkname

	"golang.org/x/sys/unix"
)

// nanotime is the runtime's CLOCK_MONOTONIC (through the vDSO), which the
// runtime keeps for outside packages (go.dev/issue/67401): the same clock
// in every process.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Trace state. tracing is the only thing the wrappers read when tracing is
// off; the rest is guarded by traceMu. traceBuf holds the line that is
// being built between traceBegin and traceEnd, traceCur its place in line
// and times.
var (
	tracing   atomic.Bool
	traceMu   sync.Mutex
	traceOut  io.Writer // direct mode: where the lines go
	traceFD   = -1      // record mode: the pipe to the group's merger
	traceRole string
	traceBuf  []byte
	traceCur  TraceCall
	// traceOutBuf holds the line (or record) being written.
	traceOutBuf []byte
	// traceStart is when tracing began: lines show times since then.
	traceStart int64
	// tickets is the page the processes of a traced group share: the
	// next ticket (word 0), and each process's ticket not yet written
	// (word 1+slot, the ticket plus one).
	tickets    []uint64
	traceSlot  int
	ticketHere uint64 // direct mode's tickets
	// traceValues shows a message's contents; nil shows its size.
	traceValues func([]byte) string
	traceExpect struct {
		errno unix.Errno
		why   string
	}
)

// SetTrace makes every wrapper write one strace-style line to w after its
// system call: the time since tracing began, "[role] " when role is not
// empty, the call and, in angle brackets, the seconds it took, as in
//
//	0.000412 [p1] write(4, [12], 8) = 8 <0.000006>
//	0.000530 [p2] mq_timedreceive(3, 8 bytes) = -1 EAGAIN (Resource temporarily unavailable) <0.000002>
//
// Each line is one Write call, and lines from concurrent calls do not mix.
// w must not call back into this package. SetTrace(nil, "") turns tracing
// off. (A lab's processes trace through their group's merger instead:
// see TraceRecords.)
func SetTrace(w io.Writer, role string) {
	traceMu.Lock()
	traceOut, traceRole = w, role
	if traceStart == 0 {
		traceStart = nanotime()
	}
	tracing.Store(w != nil)
	traceMu.Unlock()
}

// TraceRecords makes every wrapper send its line as a record to the pipe
// fd, where the merger of the lab's process group (package proc) puts the
// lines of all its processes in order. page is the memory the group's
// processes share (4096 bytes, see tickets), slot this process's place in
// it.
//
// The order is a ticket's: every line takes the next number from the
// shared counter, and the merger prints them by number. A call that can
// cause another process's call (a write, a send, a wake, a close) takes
// its ticket before its system call; a call that waits for another's
// (a read, a receive, a wait) takes it after its system call returns. So
// a send always has a lower number than the receive it caused, and shows
// first, however the processes were scheduled.
func TraceRecords(fd int, page []uint64, slot int, role string) {
	traceMu.Lock()
	traceFD, tickets, traceSlot, traceRole = fd, page, slot, role
	tracing.Store(true)
	traceMu.Unlock()
}

// Tracing reports whether tracing is on: a program's own trace notes
// (TraceNote) cost it nothing then.
func Tracing() bool { return tracing.Load() }

// SetTraceValues makes the wrappers show the contents of the messages they
// move through show (a lab's 8-byte record as [12]); nil shows their size.
func SetTraceValues(show func([]byte) string) { traceValues = show }

// Expect says that the next traced call may fail with errno, and why that
// is as it should be: its line then says "(expected: why)" instead of
// reading as a failure.
func Expect(errno unix.Errno, why string) {
	traceMu.Lock()
	traceExpect.errno, traceExpect.why = errno, why
	traceMu.Unlock()
}

// A TraceCall is a traced call's place in line and its times.
type TraceCall struct {
	ticket uint64
	entry  int64 // CLOCK_MONOTONIC ns
}

// TraceStart begins a traced call, before its system call: one that waits
// for another process (wait is set) takes its ticket later, at
// TraceLine; any other takes it now. See TraceRecords.
func TraceStart(wait bool) TraceCall {
	if !tracing.Load() {
		return TraceCall{}
	}
	c := TraceCall{entry: nanotime()}
	if !wait {
		c.ticket = ticket()
	}
	return c
}

// TraceLine writes text as the line of the call c ("fork+exec(…) = 42").
func TraceLine(c TraceCall, text string) {
	if tracing.Load() && traceBeginAt("", c) {
		traceText(text)
		traceFlush('c', 0)
	}
}

// TraceNote writes a line that is not a system call: what a process was
// given ("fd 4 = write end of the pipe"), or did without one.
func TraceNote(text string) { TraceNoteAt(TraceCall{}, text) }

// TraceNoteAt is TraceNote in the place of c (see TraceStart): a store
// to shared memory that another process may see at once takes its place
// before it stores.
func TraceNoteAt(c TraceCall, text string) {
	if tracing.Load() && traceBeginAt("", c) {
		traceText(text)
		traceFlush('n', 0)
	}
}

// ticket takes the next ticket and notes that this process holds it.
func ticket() uint64 {
	if tickets == nil {
		return atomic.AddUint64(&ticketHere, 1)
	}
	t := atomic.AddUint64(&tickets[0], 1)
	atomic.StoreUint64(&tickets[1+traceSlot], t+1)
	return t
}

// A wrapper traces its call as
//
//	var c TraceCall
//	if tracing.Load() {
//		c = TraceStart(false) // before a call that may cause another's
//	}
//	n, e := syscall6(…)
//	if tracing.Load() && traceBeginAt("read", c) {
//		traceInt(fd)
//		traceBytes(len(p))
//		traceEnd(int(n), e)
//	}
//
// (traceBegin when the call neither waits for nor causes another's.) The
// trace* helpers append one argument each to traceBuf, after ", " unless
// the argument opens the list, a "[" list, a "{" struct, or follows a
// field name "x=" or a "|". The helpers that the compiler would inline are
// marked go:noinline: each inlined append would repeat the code that grows
// the buffer at every call site, in every wrapper.

// traceBegin is traceBeginAt for a call that takes its ticket now.
func traceBegin(call string) bool { return traceBeginAt(call, TraceCall{}) }

// traceBeginAt locks the trace and starts the line of call c: "call(". It
// returns false, and nothing is locked, when tracing was turned off
// meanwhile. A call without a ticket takes one now.
func traceBeginAt(call string, c TraceCall) bool {
	traceMu.Lock()
	if traceOut == nil && traceFD < 0 {
		traceMu.Unlock()
		return false
	}
	now := nanotime()
	if c.entry == 0 {
		c.entry = now
	}
	if c.ticket == 0 {
		c.ticket = ticket()
		c.entry = -c.entry // shown at its end: see traceFlush
	}
	traceCur = c
	traceBuf = append(traceBuf[:0], call...)
	if call != "" {
		traceText("(")
	}
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

func traceString(s string) { traceArg(Quote(s)) }

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
	traceFlush('c', e)
}

// traceEndAddr is traceEnd for calls that return an address.
func traceEndAddr(addr uintptr, e unix.Errno) {
	traceText(") = ")
	if e == 0 {
		traceText("0x")
		traceBuf = strconv.AppendUint(traceBuf, uint64(addr), 16)
	}
	traceFlush('c', e)
}

// traceFlush appends the error e, if any, as "-1 EAGAIN (Resource
// temporarily unavailable)" — or, if Expect foresaw it, as expected — then
// writes the line of kind 'c' (a call) or 'n' (a note) and unlocks the
// trace.
func traceFlush(kind byte, e unix.Errno) {
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
		if e == traceExpect.errno {
			traceText(" (expected: ")
			traceText(traceExpect.why)
			traceText(")")
		}
	}
	traceExpect.errno = 0
	// The line's time: a call that took its ticket at its start shows
	// then, one that took it at its end (entry < 0) shows then.
	c, end := traceCur, nanotime()
	at, took := c.entry, end-c.entry
	if at < 0 {
		at, took = end, end+c.entry
	}
	traceWrite(c.ticket, at, took, kind, traceBuf)
	traceMu.Unlock()
}

// traceWrite writes one line: in record mode a record for the merger,
// "TICKET TIME TOOK ROLE KIND TEXT" (tab-separated; times in ns), else the
// line as the merger would print it. A failing trace must not fail the
// call it describes: errors are dropped.
func traceWrite(ticket uint64, at, took int64, kind byte, text []byte) {
	b := traceOutBuf[:0] // reused: a traced call allocates nothing
	if traceFD >= 0 {
		b = strconv.AppendUint(b, ticket, 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, at, 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, took, 10)
		b = append(append(append(b, '\t'), traceRole...), '\t', kind, '\t')
		b = append(append(b, text...), '\n')
		writeAll(rawWrite, traceFD, b)
		if tickets != nil {
			atomic.StoreUint64(&tickets[1+traceSlot], 0)
		}
	} else {
		b = FormatTraceLine(b, at-traceStart, took, traceRole, kind, text)
		traceOut.Write(b)
	}
	traceOutBuf = b
}

// rawWrite is write(2) without tracing: the trace's own.
func rawWrite(fd int, p []byte) (int, error) {
	n, e := syscall6(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(bufPtr(p))), uintptr(len(p)), 0, 0, 0)
	runtime.KeepAlive(p)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// traceData appends a message: its contents as traceValues shows them and
// its size ("[12], 8"), or only its size ("8 bytes").
func traceData(p []byte, size int) {
	if traceValues == nil {
		traceBytes(size)
		return
	}
	traceArg(traceValues(p))
	traceInt(size)
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

// TracePage maps the page of tickets a traced group shares (see
// TraceRecords) from the memory file fd, 4096 bytes. Untraced: it is the
// trace's own.
func TracePage(fd int) ([]uint64, error) {
	addr, _, e := unix.Syscall6(sysMmap, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED, uintptr(fd), 0)
	if e != 0 {
		return nil, errnoErr("mmap", e)
	}
	page := memSlice(addr, 4096)
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(page))), 512), nil
}

// TraceOutput writes line, one line of the program's standard output
// without its newline, in its place among the trace's lines: in record
// mode the merger prints it on standard output.
func TraceOutput(line []byte) {
	traceMu.Lock()
	t, at := ticket(), nanotime()
	// A record is written at once (PIPE_BUF) only up to 4096 bytes: a
	// longer line goes in parts ('p'), each one write, the last 'o'.
	const part = 3 << 10
	for len(line) > part {
		traceWrite(t, at, 0, 'p', line[:part])
		line = line[part:]
	}
	traceWrite(t, at, 0, 'o', line)
	traceMu.Unlock()
}

// TraceStdout is standard output while a lab's process traces in record
// mode: each line written goes to TraceOutput.
type TraceStdout struct{}

// Write writes p, whole lines, through TraceOutput.
func (TraceStdout) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := 0
		for i < len(p) && p[i] != '\n' {
			i++
		}
		TraceOutput(p[:i])
		p = p[min(i+1, len(p)):]
	}
	return n, nil
}

// Lines tells package cli's Output to write each line at once.
func (TraceStdout) Lines() {}
