package ipc

import (
	"io"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pipeBits are the flags pipe2 takes.
var pipeBits = []bitName{
	{unix.O_NONBLOCK, "O_NONBLOCK"},
	{unix.O_DIRECT, "O_DIRECT"},
	{unix.O_CLOEXEC, "O_CLOEXEC"},
}

// Pipe2 creates a pipe with flags (O_CLOEXEC, O_NONBLOCK, O_DIRECT) and
// returns its read and write ends.
func Pipe2(flags int) (r, w int, err error) {
	var fds [2]int32
	_, e := syscall6(unix.SYS_PIPE2, uintptr(unsafe.Pointer(&fds)), uintptr(flags), 0, 0, 0, 0)
	if tracing.Load() && traceBegin("pipe2") {
		if e == 0 {
			traceArg("[")
			traceInt(int(fds[0]))
			traceInt(int(fds[1]))
			traceText("]")
		} else {
			traceArg("0x...")
		}
		traceBits(flags, pipeBits)
		traceEnd(0, e)
	}
	if e != 0 {
		return -1, -1, errnoErr("pipe2", e)
	}
	return int(fds[0]), int(fds[1]), nil
}

// Read reads up to len(p) bytes from fd; 0 bytes and no error means end of
// file. On a non-blocking descriptor with nothing to read it fails with
// EAGAIN; ReadWait waits instead.
func Read(fd int, p []byte) (int, error) {
	n, e := rw(unix.SYS_READ, fd, p, false)
	return n, errnoErr("read", e)
}

// ReadWait is Read, except that on a non-blocking descriptor (a standard
// input that Node.js, say, hands over so) it waits until fd is readable
// instead of failing with EAGAIN.
func ReadWait(fd int, p []byte) (int, error) {
	n, e := rw(unix.SYS_READ, fd, p, true)
	return n, errnoErr("read", e)
}

// Write writes p to fd, returning how many bytes the kernel took. Writes of
// at most PIPE_BUF (4096) bytes to a pipe are atomic.
func Write(fd int, p []byte) (int, error) {
	n, e := rw(unix.SYS_WRITE, fd, p, false)
	return n, errnoErr("write", e)
}

// rw makes the read(2) or write(2) system call trap, traced; n is 0 on an
// error. With wait, a call that fails with EAGAIN (a non-blocking fd)
// waits in ppoll(2) until fd is ready and is made again; the trace shows
// the EAGAIN and the second call (tracing the ppoll too would cost the
// labs a page of binary). A closed other end counts as ready: the read
// then sees end of file, the write EPIPE.
func rw(trap uintptr, fd int, p []byte, wait bool) (int, unix.Errno) {
	call, events := "read", int16(unix.POLLIN)
	if trap == unix.SYS_WRITE {
		call, events = "write", unix.POLLOUT
	}
	for {
		c := TraceStart(call == "read") // a read waits for a write; a write may wake a read
		n, e := syscall6(trap, uintptr(fd), uintptr(unsafe.Pointer(bufPtr(p))), uintptr(len(p)), 0, 0, 0)
		runtime.KeepAlive(p)
		if e != 0 {
			n = 0
		}
		if tracing.Load() {
			traceRW(call, c, fd, p, int(n), e)
		}
		if e != unix.EAGAIN || !wait {
			return int(n), e
		}
		fds := [1]unix.PollFd{{Fd: int32(fd), Events: events}}
		_, e = syscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 1, 0, 0, 0, 0)
		if e != 0 {
			return 0, e
		}
	}
}

// traceRW traces a read or write of p on fd that moved n bytes: what was
// read shows once it is there.
func traceRW(call string, c TraceCall, fd int, p []byte, n int, e unix.Errno) {
	if traceBeginAt(call, c) {
		traceInt(fd)
		if call == "read" {
			traceData(p[:max(n, 0)], len(p))
		} else {
			traceData(p, len(p))
		}
		traceEnd(n, e)
	}
}

// ReadFull reads exactly len(p) bytes from fd, however many reads it
// takes; like ReadWait it waits on a non-blocking descriptor. Like
// io.ReadFull it returns io.EOF when end of file comes before any byte and
// io.ErrUnexpectedEOF when it comes after some.
//
// ReadFull and WriteAll are not inlined: a call is smaller than passing
// their read or write at each of the labs' many call sites.
//
//go:noinline
func ReadFull(fd int, p []byte) error { return readFull(ReadWait, fd, p) }

// WriteAll writes all of p to fd, however many writes it takes; on a
// non-blocking descriptor it waits for room rather than fail with EAGAIN.
//
//go:noinline
func WriteAll(fd int, p []byte) error {
	for len(p) > 0 {
		n, e := rw(unix.SYS_WRITE, fd, p, true)
		if e != 0 {
			return errnoErr("write", e)
		}
		p = p[n:]
	}
	return nil
}

// readFull is ReadFull with read: ReadWait, or RawRead.
func readFull(read func(int, []byte) (int, error), fd int, p []byte) error {
	for done := 0; done < len(p); {
		n, err := read(fd, p[done:])
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

// writeAll is WriteAll with write: RawWrite.
func writeAll(write func(int, []byte) (int, error), fd int, p []byte) error {
	for len(p) > 0 {
		n, err := write(fd, p)
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// Mkfifo creates a named pipe at path with permissions mode (less umask).
func Mkfifo(path string, mode uint32) error {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return badArg("mkfifo", path, ": a path must not contain NUL")
	}
	// mknodat: arm64 and riscv64 have no mknod.
	_, e := syscall6(unix.SYS_MKNODAT, atFDCWD, uintptr(unsafe.Pointer(p)), uintptr(mode|unix.S_IFIFO), 0, 0, 0)
	runtime.KeepAlive(p)
	if tracing.Load() && traceBegin("mkfifo") {
		traceString(path)
		traceMode(mode)
		traceEnd(0, e)
	}
	return errnoErr("mkfifo", e)
}

// Close closes fd. It is not retried on EINTR: Linux has released the
// descriptor by then, and a retry could close one that another goroutine
// has just been given.
func Close(fd int) error {
	c := TraceStart(false) // a pipe's last write end: its reader sees end of file
	_, _, e := unix.Syscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	if tracing.Load() && traceBeginAt("close", c) {
		traceInt(fd)
		traceEnd(0, e)
	}
	if e == unix.EINTR {
		return nil
	}
	return errnoErr("close", e)
}

// OpenFIFO opens the named pipe at path with flags (O_RDONLY or O_WRONLY,
// perhaps O_NONBLOCK; O_CLOEXEC and O_NOFOLLOW are added). Like open(2) it
// blocks until the other side opens the FIFO too (not with O_NONBLOCK). A symbolic link is not followed (ELOOP),
// and anything that is not a FIFO is refused (an error wrapping EINVAL), so a regular file
// or a device is never written to by mistake.
func OpenFIFO(path string, flags int) (int, error) {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return -1, NewSyscallError("lstat", err) // EINVAL: the path contains NUL
	}
	typ, e := fileType(atFDCWD, p, unix.AT_SYMLINK_NOFOLLOW)
	if e != 0 {
		return -1, errnoErr("lstat", e)
	}
	if typ != unix.S_IFIFO {
		return -1, badArg("open", path, " exists and is not a FIFO")
	}
	flags |= unix.O_CLOEXEC | unix.O_NOFOLLOW
	c := TraceStart(true) // it waits for the other side's open
	r, e := syscall6(unix.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(p)), uintptr(flags), 0, 0, 0)
	runtime.KeepAlive(p)
	if tracing.Load() && traceBeginAt("open", c) {
		traceString(path)
		if flags&unix.O_ACCMODE == unix.O_WRONLY {
			traceArg("O_WRONLY|O_CLOEXEC|O_NOFOLLOW")
		} else {
			traceArg("O_RDONLY|O_CLOEXEC|O_NOFOLLOW")
		}
		if flags&unix.O_NONBLOCK != 0 {
			traceText("|O_NONBLOCK")
		}
		traceEnd(int(r), e)
	}
	if e != 0 {
		return -1, errnoErr("open", e)
	}
	fd := int(r)
	// The check above and the open are two steps: make sure it is still a
	// FIFO that was opened (fstat, as fstatat of "" with AT_EMPTY_PATH).
	if typ, e := fileType(uintptr(fd), &zero[0], unix.AT_EMPTY_PATH); e != 0 || typ != unix.S_IFIFO {
		syscall.Close(fd)
		return -1, badArg("open", path, " is not a FIFO")
	}
	return fd, nil
}

// fileType returns the type bits (S_IFMT) of the file at path, relative to
// the directory dirfd, as fstatat(2) with flags sees it.
func fileType(dirfd uintptr, path *byte, flags int) (uint32, unix.Errno) {
	var st unix.Stat_t
	_, e := syscall6(sysFstatat, dirfd, uintptr(unsafe.Pointer(path)), uintptr(unsafe.Pointer(&st)), uintptr(flags), 0, 0)
	return st.Mode & unix.S_IFMT, e
}
