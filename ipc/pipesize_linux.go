package ipc

import "golang.org/x/sys/unix"

// SetPipeSize asks for a pipe buffer of at least size bytes (fcntl
// F_SETPIPE_SZ) and returns the size the kernel gave, a power of two
// pages. Beyond /proc/sys/fs/pipe-max-size (1 MiB by default) an
// unprivileged process gets EPERM; a size smaller than what the pipe holds
// gives EBUSY. Both ends share the buffer: either descriptor will do.
func SetPipeSize(fd, size int) (int, error) {
	r, e := syscall6(unix.SYS_FCNTL, uintptr(fd), unix.F_SETPIPE_SZ, uintptr(size), 0, 0, 0)
	if tracing.Load() && traceBegin("fcntl") {
		traceInt(fd)
		traceArg("F_SETPIPE_SZ")
		traceInt(size)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return 0, errnoErr("fcntl", e)
	}
	return int(r), nil
}
