package ipc

import "golang.org/x/sys/unix"

// Lock takes a write lock on byte at of the file open at fd, without
// waiting (fcntl F_SETLK): a POSIX record lock, which works on any file —
// a queue in /dev/mqueue, a FIFO, a /dev/shm object — and goes with the
// process however it ends (or when it closes any descriptor of the file).
// If another process holds the byte, Lock fails with EAGAIN and returns
// that process's id (F_GETLK). A descriptor open only for reading cannot
// take a write lock (EBADF): see LockRead.
func Lock(fd int, at int64) (holder int, err error) {
	for {
		e, _ := fcntlLock(fd, unix.F_SETLK, unix.F_WRLCK, at)
		if e != unix.EAGAIN && e != unix.EACCES { // EACCES: EAGAIN on some systems
			return 0, errnoErr("fcntl", e)
		}
		if _, pid := fcntlLock(fd, unix.F_GETLK, unix.F_WRLCK, at); pid != 0 {
			return pid, errnoErr("fcntl", unix.EAGAIN)
		}
		// It let go meanwhile: again.
	}
}

// LockRead is Lock for a descriptor open only for reading (a FIFO's
// reader): it takes a read lock, which does not exclude another, then
// checks that no other process holds one (F_GETLK), and fails as Lock
// does if one does. Should two readers come at the same moment, both may
// be refused.
func LockRead(fd int, at int64) (holder int, err error) {
	if e, _ := fcntlLock(fd, unix.F_SETLK, unix.F_RDLCK, at); e != 0 {
		return 0, errnoErr("fcntl", e)
	}
	if _, pid := fcntlLock(fd, unix.F_GETLK, unix.F_WRLCK, at); pid != 0 {
		return pid, errnoErr("fcntl", unix.EAGAIN)
	}
	return 0, nil
}

// fcntlLock is fcntl(fd, cmd, {typ, at, 1}) for F_SETLK and F_GETLK; for
// F_GETLK, pid is the process holding a lock that conflicts, or 0.
func fcntlLock(fd, cmd int, typ int16, at int64) (e unix.Errno, pid int) {
	lk := unix.Flock_t{Type: typ, Start: at, Len: 1}
	e, _ = unix.FcntlFlock(uintptr(fd), cmd, &lk).(unix.Errno)
	if cmd == unix.F_GETLK && e == 0 && lk.Type != unix.F_UNLCK {
		pid = int(lk.Pid)
	}
	if tracing.Load() && traceBegin("fcntl") {
		traceInt(fd)
		traceArg("F_GETLKF_SETLK"[7*(cmd-unix.F_GETLK):][:7])
		t := int(lk.Type%3) * 7 // F_RDLCK, F_WRLCK, F_UNLCK: 0, 1, 2
		traceArg("{")
		traceText("F_RDLCKF_WRLCKF_UNLCK"[t : t+7])
		traceInt64(at)
		traceText(", 1}")
		if pid != 0 {
			traceField("pid", pid)
		}
		traceEnd(0, e)
	}
	return e, pid
}
