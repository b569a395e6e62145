package ipc

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futexes (futex(2)) on words in memory shared between processes (a
// MAP_SHARED mapping of a memfd, /dev/shm file or System V segment). The
// operations are deliberately not FUTEX_PRIVATE_FLAG: a private futex is
// keyed on the virtual address and would never meet its partner in another
// process; a shared one is keyed on the page (inode and offset).
//
// Memory ordering: every access to a futex word, in every process, must go
// through sync/atomic, whose operations are sequentially consistent. The
// kernel compares *addr with val in FutexWait only after queueing the waiter,
// under the lock of the futex's hash bucket, and FutexWake takes the same
// lock; both system calls are full barriers. So a waker that first stores
// the new value (atomic.StoreUint32) and then calls FutexWake cannot miss a
// waiter: either the waiter's check sees the new value (EAGAIN) or the
// waiter is queued in time to be woken. The word must be 4-byte aligned
// (EINVAL otherwise).

const (
	futexWait = 0 // FUTEX_WAIT
	futexWake = 1 // FUTEX_WAKE
)

// FutexWait sleeps while *addr == val, until FutexWake or the relative
// timeout (CLOCK_MONOTONIC; nil waits for ever). It fails with EAGAIN when
// *addr != val on entry and with ETIMEDOUT on timeout; it can also return
// nil spuriously, so callers recheck the word in a loop. An interrupted
// wait is restarted with the whole timeout.
func FutexWait(addr *uint32, val uint32, timeout *Timespec) error {
	c := TraceStart(true)
	_, e := syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWait, uintptr(val), uintptr(unsafe.Pointer(timeout)), 0, 0)
	runtime.KeepAlive(addr)
	runtime.KeepAlive(timeout)
	if tracing.Load() && traceBeginAt("futex", c) {
		traceHex(uintptr(unsafe.Pointer(addr)))
		traceArg("FUTEX_WAIT")
		traceInt64(int64(val))
		traceTimespec(timeout)
		traceEnd(0, e)
	}
	return errnoErr("futex", e)
}

// FutexWake wakes up to n waiters on addr and returns how many it woke.
func FutexWake(addr *uint32, n int) (woken int, err error) {
	c := TraceStart(false)
	r, e := syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWake, uintptr(n), 0, 0, 0)
	runtime.KeepAlive(addr)
	if tracing.Load() && traceBeginAt("futex", c) {
		traceHex(uintptr(unsafe.Pointer(addr)))
		traceArg("FUTEX_WAKE")
		traceInt(n)
		traceEnd(int(r), e)
	}
	if e != 0 {
		return 0, errnoErr("futex", e)
	}
	return int(r), nil
}
