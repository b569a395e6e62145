package ipc

import (
	"errors"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSetPipeSize(t *testing.T) {
	r, w, err := Pipe2(unix.O_CLOEXEC)
	if err != nil {
		t.Fatalf("Pipe2 = %v, want nil", err)
	}
	closeLater(t, r)
	closeLater(t, w)
	for _, c := range []struct {
		fd, size, want int
	}{
		{w, 1 << 20, 1 << 20},
		{r, 100000, 128 << 10}, // rounded up to a power of two pages
		{w, 4096, 4096},
	} {
		got, err := SetPipeSize(c.fd, c.size)
		if got != c.want || err != nil {
			t.Errorf("SetPipeSize(%d) = %d, %v; want %d, nil", c.size, got, err, c.want)
		}
		if n, err := unix.FcntlInt(uintptr(c.fd), unix.F_GETPIPE_SZ, 0); n != c.want {
			t.Errorf("F_GETPIPE_SZ after SetPipeSize(%d) = %d, %v; want %d", c.size, n, err, c.want)
		}
	}
	// A buffer smaller than what the pipe holds.
	SetPipeSize(w, 1<<16)
	WriteAll(w, make([]byte, 8192))
	if _, err := SetPipeSize(w, 4096); !errors.Is(err, unix.EBUSY) {
		t.Errorf("SetPipeSize(4096) with 8192 bytes in the pipe = %v, want EBUSY", err)
	}
	if _, err := SetPipeSize(-1, 4096); !errors.Is(err, unix.EBADF) {
		t.Errorf("SetPipeSize(fd -1) = %v, want EBADF", err)
	}
	out := traceTo(t, "")
	SetPipeSize(w, 1<<17)
	if want := "fcntl(" + strconv.Itoa(w) + ", F_SETPIPE_SZ, 131072) = 131072\n"; untimed(out.String()) != want {
		t.Errorf("trace = %q, want %q", out, want)
	}
}
