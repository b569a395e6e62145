package ipc

import (
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sharedWord returns a futex word in a MAP_SHARED mapping of a memfd, as
// the labs share it between processes.
func sharedWord(t *testing.T) *uint32 {
	t.Helper()
	fd, err := MemfdCreate("ipclab-futex", unix.MFD_CLOEXEC)
	skipENOSYS(t, err, "memfd_create (Linux 3.17)")
	if err != nil {
		t.Fatalf("MemfdCreate = %v, want nil", err)
	}
	closeLater(t, fd)
	if err := Fallocate(fd, 4096); err != nil {
		t.Fatalf("Fallocate = %v, want nil", err)
	}
	mem, err := Mmap(fd, 4096)
	if err != nil {
		t.Fatalf("Mmap = %v, want nil", err)
	}
	t.Cleanup(func() { Munmap(mem) })
	return (*uint32)(unsafe.Pointer(&mem[0]))
}

func TestFutexWaitErrors(t *testing.T) {
	word := sharedWord(t)
	atomic.StoreUint32(word, 1)
	for _, tt := range []struct {
		val     uint32
		timeout *Timespec
		want    error
	}{
		{0, nil, unix.EAGAIN},                     // *word != val: no sleep
		{1, &Timespec{Nsec: 1e6}, unix.ETIMEDOUT}, // *word == val: sleeps 1ms
	} {
		err := FutexWait(word, tt.val, tt.timeout)
		skipENOSYS(t, err, "CONFIG_FUTEX")
		if !errors.Is(err, tt.want) {
			t.Errorf("FutexWait(*word=1, val %d, timeout %+v) = %v, want %v", tt.val, tt.timeout, err, tt.want)
		}
	}
	if n, err := FutexWake(word, 1); n != 0 || err != nil {
		t.Errorf("FutexWake(no waiter) = %d, %v; want 0, nil", n, err)
	}
}

func TestFutexWake(t *testing.T) {
	word := sharedWord(t)
	woke := make(chan error, 1)
	go func() {
		var err error
		for atomic.LoadUint32(word) == 0 && err == nil {
			err = FutexWait(word, 0, nil)
		}
		woke <- err
	}()
	// Wake until the wake finds the waiter asleep; only then set the word,
	// so the waiter's loop ends whether or not the wake-up was spurious.
	for {
		n, err := FutexWake(word, 1)
		skipENOSYS(t, err, "CONFIG_FUTEX")
		if err != nil {
			t.Fatalf("FutexWake = %v, want nil", err)
		}
		if n == 1 {
			break
		}
		if n != 0 {
			t.Fatalf("FutexWake(n=1) = %d, want 0 or 1", n)
		}
		runtime.Gosched()
	}
	atomic.StoreUint32(word, 1)
	FutexWake(word, 1)
	if err := <-woke; err != nil {
		t.Errorf("FutexWait in the woken goroutine = %v, want nil", err)
	}
}
