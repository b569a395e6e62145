package ipc

import "golang.org/x/sys/unix"

// Lock takes a write lock on byte at of the file open at fd, without
// waiting (fcntl F_SETLK): a POSIX record lock, which works on any file —
// a queue in /dev/mqueue, a FIFO, a /dev/shm object — and goes with the
// process however it ends (or when it closes any descriptor of the file).
// If another process holds the byte, Lock fails with EAGAIN and returns
// that process's id (F_GETLK).
func Lock(fd int, at int64) (holder int, err error) {
	var lk unix.Flock_t
	for cmd := unix.F_SETLK; ; {
		lk = unix.Flock_t{Type: unix.F_WRLCK, Start: at, Len: 1}
		e, _ := unix.FcntlFlock(uintptr(fd), cmd, &lk).(unix.Errno)
		if tracing.Load() && traceBegin("fcntl") {
			traceInt(fd)
			if cmd == unix.F_SETLK {
				traceArg("F_SETLK")
			} else {
				traceArg("F_GETLK")
			}
			traceField("{l_start", int(at))
			if lk.Pid != 0 {
				traceField("l_pid", int(lk.Pid))
			}
			traceEnd(0, e)
		}
		switch {
		case cmd == unix.F_GETLK && lk.Type != unix.F_UNLCK:
			return int(lk.Pid), errnoErr("fcntl", unix.EAGAIN)
		case cmd == unix.F_GETLK: // it let go meanwhile
			cmd = unix.F_SETLK
		case e == unix.EAGAIN, e == unix.EACCES: // EACCES: the same, on some systems
			cmd = unix.F_GETLK
		default:
			return 0, errnoErr("fcntl", e)
		}
	}
}
