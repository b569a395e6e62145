package ipc

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSigWait blocks SIGUSR1 in a thread, sends it to that thread
// (tgkill: a process-directed signal would go to another thread of the
// runtime) and takes it with SigWait. The thread is thrown away after, its
// mask changed.
func TestSigWait(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // and never unlock: the thread ends with the goroutine
		blocked, err := SigBlock(unix.SIGUSR1)
		if err != nil || blocked {
			t.Errorf("SigBlock(SIGUSR1) = %v, %v; want false (not blocked before), nil", blocked, err)
		}
		if again, _ := SigBlock(unix.SIGUSR1); !again {
			t.Errorf("SigBlock(SIGUSR1) again = false, want true: it is blocked now")
		}
		if err := unix.Tgkill(unix.Getpid(), unix.Gettid(), unix.SIGUSR1); err != nil {
			done <- err
			return
		}
		done <- SigWait(unix.SIGUSR1)
	}()
	if err := <-done; err != nil {
		t.Fatalf("SigWait(SIGUSR1) after tgkill = %v, want nil", err)
	}
}
