//go:build linux

package mqlab

import (
	"errors"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/ipc"
)

// notified is p2 under -notify: instead of blocking in mq_timedreceive it
// asks the kernel (mq_notify) for SIGUSR1 when a message arrives in the
// empty queue, takes what is there without waiting, and sleeps until the
// next signal; it closes ready after its first registration. The
// registration is one-shot: the kernel drops it when it
// sends the signal, so it is made again before every wait.
//
// p2 waits for the signal itself, in rt_sigtimedwait, so SIGUSR1 must be
// blocked in every thread, or Go's runtime would catch it first. The
// runtime gives its threads the signal mask the program started with, so
// p2 blocks SIGUSR1 and executes itself again (same pid, same descriptors,
// args), and carries on from here with the signal blocked everywhere.
func notified(mqd, ready int, out *cli.Output) error {
	runtime.LockOSThread()
	blocked, err := ipc.SigBlock(unix.SIGUSR1)
	if err != nil {
		return err
	}
	if !blocked {
		// Again, but without the -fd=… of a trace: p2 said what its
		// descriptors are already.
		var argv []string
		for _, a := range fd.Args() {
			if !strings.HasPrefix(a, "-fd=") {
				argv = append(argv, a)
			}
		}
		return ipc.NewSyscallError("execve", syscall.Exec("/proc/self/exe", argv, syscall.Environ()))
	}
	sev := &ipc.SigEvent{Notify: ipc.SigevSignal, Signo: int32(syscall.SIGUSR1)}
	// A deadline already past makes mq_timedreceive return at once
	// (ETIMEDOUT) on an empty queue. O_NONBLOCK would do the same, but it
	// belongs to the descriptor p1 shares, whose sends must still block.
	now := &ipc.Timespec{}
	registered := false
	first := true
	var msg [8]byte
	for {
		n, _, err := ipc.MqTimedReceive(mqd, msg[:], now)
		switch {
		case err == nil:
			if first {
				out.Line("Queue elements:")
				first = false
			}
			if n == 0 {
				return nil
			}
			if err := show(out, msg[:n], false, 0); err != nil {
				return err
			}
			continue
		case !errors.Is(err, unix.ETIMEDOUT):
			return err
		}
		// Empty. A message arriving from now on makes the queue non-empty,
		// which is what mq_notify signals; one that arrived between the
		// receive above and the registration is caught by receiving again
		// before sleeping.
		if !registered {
			if err := ipc.MqNotify(mqd, sev); err != nil {
				return err
			}
			registered = true
			if ready >= 0 {
				// The parent starts p1 now, so p2 surely waits.
				syscall.Close(ready)
				ready = -1
			}
			continue
		}
		if err := ipc.SigWait(unix.SIGUSR1); err != nil {
			return err
		}
		registered = false
	}
}
