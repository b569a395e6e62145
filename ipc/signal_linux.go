package ipc

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Signals, as mq_notify's SIGEV_SIGNAL delivers them. Go's runtime catches
// every signal in every thread, so a program that waits for one itself
// (SigWait) must have it blocked in all of its threads: the runtime gives
// each new thread the signal mask the program started with, so the signal
// is blocked (SigBlock) in the thread that executes the program.

// sigsetSize is the kernel's sigset_t: 64 signals, bit sig-1 for sig, which
// is a uint64 in memory on every little-endian port (two longs on arm).
const sigsetSize = 8

// sigset returns the kernel sigset_t holding only sig; signals beyond 64
// give an empty set.
func sigset(sig unix.Signal) uint64 {
	return 1 << (uint(sig) - 1)
}

// SigBlock blocks sig in the calling thread (rt_sigprocmask SIG_BLOCK);
// blocked reports whether it was blocked already. Call it with the
// goroutine locked to its thread (runtime.LockOSThread), before execve.
func SigBlock(sig unix.Signal) (blocked bool, err error) {
	var old uint64
	set := sigset(sig)
	_, e := syscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old)), sigsetSize, 0, 0)
	if tracing.Load() && traceBegin("rt_sigprocmask") {
		traceArg("SIG_BLOCK")
		traceArg("[")
		traceSignal(sig)
		traceText("]")
		traceEnd(0, e)
	}
	return old&set != 0, errnoErr("rt_sigprocmask", e)
}

// SigWait waits until the blocked signal sig is pending and takes it
// (rt_sigtimedwait without a timeout).
func SigWait(sig unix.Signal) error {
	var info [128]byte // siginfo_t, not looked at
	set := sigset(sig)
	c := TraceStart(true)
	r, e := syscall6(unix.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&info[0])), 0, sigsetSize, 0, 0)
	if tracing.Load() && traceBeginAt("rt_sigtimedwait", c) {
		traceArg("[")
		traceSignal(sig)
		traceText("], {...}, NULL")
		traceEnd(int(r), e)
	}
	return errnoErr("rt_sigtimedwait", e)
}

// traceSignal appends a signal's name, "SIGUSR1", or its number.
func traceSignal(sig unix.Signal) {
	if name := signalName(sig); name != "" {
		traceArg(name)
		return
	}
	traceInt(int(sig))
}

// signalName names the signals a program would take with SigWait or have
// mq_notify send. unix.SignalName knows them all, but its table costs the
// binaries 1.2 KB.
func signalName(sig unix.Signal) string {
	switch sig {
	case unix.SIGHUP:
		return "SIGHUP"
	case unix.SIGINT:
		return "SIGINT"
	case unix.SIGQUIT:
		return "SIGQUIT"
	case unix.SIGUSR1:
		return "SIGUSR1"
	case unix.SIGUSR2:
		return "SIGUSR2"
	case unix.SIGPIPE:
		return "SIGPIPE"
	case unix.SIGALRM:
		return "SIGALRM"
	case unix.SIGTERM:
		return "SIGTERM"
	case unix.SIGCHLD:
		return "SIGCHLD"
	case unix.SIGIO:
		return "SIGIO"
	}
	return ""
}
