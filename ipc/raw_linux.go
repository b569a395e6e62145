package ipc

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Raw calls, for a benchmark's inner loop: Read, Write, MqTimedSend,
// MqTimedReceive, Msgsnd and Msgrcv without telling the Go scheduler that
// the thread is in the kernel (syscall.RawSyscall6 skips the runtime's
// entersyscall and exitsyscall), and without trace. A thread blocked in one keeps its P, the runtime's licence
// to run Go code, and nothing can stop it: call them only from a goroutine
// locked to its thread (runtime.LockOSThread) in a process where another
// P is free for the other goroutines (runtime.GOMAXPROCS(0) > 1). And a
// garbage collection that stops the world waits for such a thread to come
// back from the kernel: keep the heap still (the benchmark's loops
// allocate nothing), so that none starts while a call may block for good.

// rawSyscall6 is syscall6 for the raw calls; it too retries EINTR, which
// System V's msgsnd and msgrcv return after any signal the runtime
// handles, SA_RESTART or not.
//
// It calls package syscall's RawSyscall6 itself: x/sys's is an assembly
// jump to it, through an ABI wrapper, two more steps on every message of
// a benchmark.
//
//go:nosplit
func rawSyscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, unix.Errno) {
	for {
		r, _, e := syscall.RawSyscall6(trap, a1, a2, a3, a4, a5, a6)
		if e != syscall.EINTR {
			return r, unix.Errno(e)
		}
	}
}

// UnshareFiles gives the calling thread a descriptor table of its own, a
// copy of the process's (unshare(2) with CLONE_FILES), so that the kernel
// looks up its descriptors without taking a reference on each file. The
// thread must then be locked to its goroutine for good: the copy holds
// the files open, and descriptors that other threads open or close later
// are not in it.
func UnshareFiles() error {
	_, e := rawSyscall6(unix.SYS_UNSHARE, unix.CLONE_FILES, 0, 0, 0, 0, 0)
	return errnoErr("unshare", e)
}

// RawRead is Read as a raw call.
func RawRead(fd int, p []byte) (int, error) {
	n, e := rawSyscall6(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(bufPtr(p))), uintptr(len(p)), 0, 0, 0)
	runtime.KeepAlive(p)
	if e != 0 {
		return 0, errnoErr("read", e)
	}
	return int(n), nil
}

// RawWrite is Write as a raw call.
func RawWrite(fd int, p []byte) (int, error) {
	n, e := rawSyscall6(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(bufPtr(p))), uintptr(len(p)), 0, 0, 0)
	runtime.KeepAlive(p)
	if e != 0 {
		return 0, errnoErr("write", e)
	}
	return int(n), nil
}

// RawReadFull is ReadFull with raw calls.
func RawReadFull(fd int, p []byte) error { return readFull(RawRead, fd, p) }

// RawWriteAll is WriteAll with raw calls.
func RawWriteAll(fd int, p []byte) error { return writeAll(RawWrite, fd, p) }

// RawMqSend is MqTimedSend at priority 0 without a deadline, as a raw call.
func RawMqSend(mqd int, msg []byte) error {
	_, e := rawSyscall6(unix.SYS_MQ_TIMEDSEND, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(msg))), uintptr(len(msg)), 0, 0, 0)
	runtime.KeepAlive(msg)
	if e != 0 {
		return errnoErr("mq_timedsend", e)
	}
	return nil
}

// RawMqReceive is MqTimedReceive without a deadline, as a raw call; it
// returns the message's length.
func RawMqReceive(mqd int, buf []byte) (int, error) {
	r, e := rawSyscall6(unix.SYS_MQ_TIMEDRECEIVE, uintptr(mqd), uintptr(unsafe.Pointer(bufPtr(buf))), uintptr(len(buf)), 0, 0, 0)
	runtime.KeepAlive(buf)
	if e != 0 {
		return 0, errnoErr("mq_timedreceive", e)
	}
	return int(r), nil
}

// RawMsgsnd is Msgsnd without flags, as a raw call; m must hold textLen
// bytes of text.
func RawMsgsnd(id int, m MsgBuf, textLen int) error {
	_, e := rawSyscall6(unix.SYS_MSGSND, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(textLen), 0, 0, 0)
	runtime.KeepAlive(m)
	if e != 0 {
		return errnoErr("msgsnd", e)
	}
	return nil
}

// RawMsgrcv is Msgrcv of the first message without flags, as a raw call.
func RawMsgrcv(id int, m MsgBuf) (int, error) {
	r, e := rawSyscall6(unix.SYS_MSGRCV, uintptr(id), uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)-longSize), 0, 0, 0)
	runtime.KeepAlive(m)
	if e != 0 {
		return 0, errnoErr("msgrcv", e)
	}
	return int(r), nil
}

// Fast locks the calling goroutine to its thread for good and reports
// whether the raw calls may be used there: not while tracing (raw calls
// are not traced), nor with a single P (GOMAXPROCS 1, on one CPU), where a
// raw call that blocks would hold up every other goroutine.
func Fast() bool {
	runtime.LockOSThread()
	return !Tracing() && runtime.GOMAXPROCS(0) > 1
}
