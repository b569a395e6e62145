package ipc

import "golang.org/x/sys/unix"

// Lock takes a lock on byte at of the file open at fd, without waiting
// (fcntl F_SETLK): a POSIX record lock, which works on any file — a queue
// in /dev/mqueue, a FIFO, a /dev/shm object — and goes with the process
// however it ends (or when it closes any descriptor of the file). If
// another process holds the byte, Lock fails with EAGAIN and returns that
// process's id (F_GETLK).
//
// The lock is a write lock, which only a descriptor open for writing can
// take (else EBADF). On one open only for reading, a FIFO's reader, Lock
// takes a read lock and then checks that no other process holds one:
// should two readers come at the same moment, both may be refused.
func Lock(fd int, at int64) (holder int, err error) {
	typ := int16(unix.F_WRLCK)
	for cmd := unix.F_SETLK; ; {
		lk := unix.Flock_t{Type: typ, Start: at, Len: 1}
		if cmd == unix.F_GETLK {
			lk.Type = unix.F_WRLCK // what would conflict with a write lock
		}
		e, _ := unix.FcntlFlock(uintptr(fd), cmd, &lk).(unix.Errno)
		if tracing.Load() && traceBegin("fcntl") {
			traceInt(fd)
			if cmd == unix.F_SETLK {
				traceArg("F_SETLK")
			} else {
				traceArg("F_GETLK")
			}
			traceArg("{l_type=")
			t := int(lk.Type%3) * 7 // F_RDLCK, F_WRLCK, F_UNLCK: 0, 1, 2
			traceText("F_RDLCKF_WRLCKF_UNLCK"[t : t+7])
			traceField("l_start", int(at))
			if lk.Pid != 0 {
				traceField("l_pid", int(lk.Pid))
			}
			traceText("}")
			traceEnd(0, e)
		}
		switch {
		case cmd == unix.F_GETLK && lk.Type != unix.F_UNLCK:
			return int(lk.Pid), errnoErr("fcntl", unix.EAGAIN)
		case cmd == unix.F_GETLK && typ == unix.F_RDLCK: // held, and by none other
			return 0, nil
		case cmd == unix.F_GETLK: // it let go meanwhile
			cmd = unix.F_SETLK
		case e == unix.EBADF && typ == unix.F_WRLCK:
			typ = unix.F_RDLCK
		case e == 0 && typ == unix.F_RDLCK, e == unix.EAGAIN, e == unix.EACCES: // EACCES: EAGAIN on some systems
			cmd = unix.F_GETLK
		default:
			return 0, errnoErr("fcntl", e)
		}
	}
}
