package ipc

import "golang.org/x/sys/unix"

// Timespec is the kernel's struct timespec on this architecture (32-bit
// seconds on arm, which uses the time32 mq_timed* and futex calls).
type Timespec = unix.Timespec

// syscall6 makes a system call and retries it while it fails with EINTR. It
// is the one place where interrupted calls are retried.
//
// Pointer arguments arrive as uintptr, so the compiler no longer keeps
// their targets alive or up to date: callers keep heap targets alive with
// runtime.KeepAlive after the call, and syscall6 is nosplit so that the
// caller's stack, where a target may live, cannot be moved (by a stack
// growth) between the caller's conversion and the kernel's use.
//
//go:nosplit
func syscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (uintptr, unix.Errno) {
	for {
		r, _, e := unix.Syscall6(trap, a1, a2, a3, a4, a5, a6)
		if e != unix.EINTR {
			return r, e
		}
	}
}

// atFDCWD is AT_FDCWD (-100) as a system-call argument.
const atFDCWD = ^uintptr(-unix.AT_FDCWD - 1)

// errnoErr returns nil for 0, else e as a *SyscallError named op. It
// is not inlined: every wrapper calls it, and inlined it would repeat the
// allocation of the error in each.
//
//go:noinline
func errnoErr(op string, e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return &SyscallError{Syscall: op, Err: e}
}

// argError is an argument refused before any system call. It wraps EINVAL,
// the errno the kernel would give for most of them.
type argError struct {
	op, msg string
	_       [0]func() // not comparable: spares the binaries an equality function
}

// badArg returns the argError of op for the argument s: "ipc: op: "s"why".
func badArg(op, s, why string) error {
	return &argError{op: op, msg: Quote(s) + why}
}

func (e *argError) Error() string { return "ipc: " + e.op + ": " + e.msg }
func (e *argError) Unwrap() error { return unix.EINVAL }

// nameArg checks a POSIX IPC name and returns dir+name NUL-terminated, the
// name's slash included; with dir "", the caller passes &buf[1] where the
// kernel wants the name without the slash.
func nameArg(op, dir, name string) ([]byte, error) {
	if why := checkName(name); why != "" {
		return nil, badArg(op, name, ": "+why)
	}
	buf := make([]byte, len(dir)+len(name)+1)
	copy(buf[copy(buf, dir):], name)
	return buf, nil
}

// zero gives buffers of length 0 a valid address: the kernel accepts any
// pointer then, but qemu-user checks it.
var zero [1]byte

// bufPtr returns the address of p's first byte, or of zero when p is empty.
func bufPtr(p []byte) *byte {
	if len(p) == 0 {
		return &zero[0]
	}
	return &p[0]
}
