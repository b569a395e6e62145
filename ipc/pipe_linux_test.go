package ipc

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func newPipe(t *testing.T) (r, w int) {
	t.Helper()
	r, w, err := Pipe2(unix.O_CLOEXEC)
	if err != nil {
		t.Fatalf("Pipe2(O_CLOEXEC) = %v, want nil", err)
	}
	closeLater(t, r)
	closeLater(t, w)
	return r, w
}

func TestPipeRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"one byte", []byte{42}},
		{"record", []byte("12345678")},
		{"beyond the pipe buffer", bytes.Repeat([]byte("0123456789abcdef"), 10000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, w := newPipe(t)
			done := make(chan error, 1)
			go func() { done <- WriteAll(w, tt.data) }()
			got := make([]byte, len(tt.data))
			if err := ReadFull(r, got); err != nil {
				t.Fatalf("ReadFull(%d bytes) = %v, want nil", len(got), err)
			}
			if err := <-done; err != nil {
				t.Fatalf("WriteAll(%d bytes) = %v, want nil", len(tt.data), err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Errorf("ReadFull got %d bytes %.16q..., want %.16q...", len(got), got, tt.data)
			}
		})
	}
}

func TestReadFullEOF(t *testing.T) {
	for _, tt := range []struct {
		written string
		want    error
	}{
		{"", io.EOF},
		{"abc", io.ErrUnexpectedEOF},
		{"abcdefgh", nil},
	} {
		r, w, err := Pipe2(unix.O_CLOEXEC)
		if err != nil {
			t.Fatalf("Pipe2(O_CLOEXEC) = %v, want nil", err)
		}
		if err := WriteAll(w, []byte(tt.written)); err != nil {
			t.Fatalf("WriteAll(%q) = %v, want nil", tt.written, err)
		}
		if err := Close(w); err != nil {
			t.Fatalf("Close(%d) = %v, want nil", w, err)
		}
		if err := ReadFull(r, make([]byte, 8)); err != tt.want {
			t.Errorf("ReadFull(8 bytes) after %q and close = %v, want %v", tt.written, err, tt.want)
		}
		Close(r)
	}
}

func TestPipeErrors(t *testing.T) {
	r, w, err := Pipe2(unix.O_CLOEXEC | unix.O_NONBLOCK)
	if err != nil {
		t.Fatalf("Pipe2(O_CLOEXEC|O_NONBLOCK) = %v, want nil", err)
	}
	if _, err := Read(r, make([]byte, 1)); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("Read(empty non-blocking pipe) = %v, want %v", err, unix.EAGAIN)
	}
	if err := Close(r); err != nil {
		t.Fatalf("Close(%d) = %v, want nil", r, err)
	}
	// Go ignores SIGPIPE on descriptors other than 1 and 2: EPIPE comes back.
	if _, err := Write(w, []byte("x")); !errors.Is(err, unix.EPIPE) {
		t.Errorf("Write(pipe without reader) = %v, want %v", err, unix.EPIPE)
	}
	Close(w)
	if err := Close(r); !errors.Is(err, unix.EBADF) {
		t.Errorf("Close(closed fd) = %v, want %v", err, unix.EBADF)
	}
	if _, err := Write(r, []byte("x")); !errors.Is(err, unix.EBADF) {
		t.Errorf("Write(closed fd) = %v, want %v", err, unix.EBADF)
	}
	var se interface{ Unwrap() error }
	if _, err := Read(-1, nil); !errors.As(err, &se) || err.Error() != "read: bad file descriptor" {
		t.Errorf("Read(-1) = %v, want a *SyscallError %q", err, "read: bad file descriptor")
	}
}

func TestMkfifo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := Mkfifo(path, 0o600); err != nil {
		t.Fatalf("Mkfifo(%q) = %v, want nil", path, err)
	}
	if err := Mkfifo(path, 0o600); !errors.Is(err, unix.EEXIST) {
		t.Errorf("Mkfifo(%q) again = %v, want %v", path, err, unix.EEXIST)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		t.Fatalf("Stat(%q) = mode %#o, %v; want a FIFO", path, st.Mode, err)
	}
	// O_RDWR does not wait for a second opener on Linux.
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer Close(fd)
	if err := WriteAll(fd, []byte("fifo")); err != nil {
		t.Fatalf("WriteAll(fifo) = %v, want nil", err)
	}
	got := make([]byte, 4)
	if err := ReadFull(fd, got); err != nil || string(got) != "fifo" {
		t.Errorf("ReadFull(fifo) = %q, %v; want %q, nil", got, err, "fifo")
	}
	if err := Mkfifo("bad\x00path", 0o600); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Mkfifo(%q) = %v, want %v", "bad\x00path", err, unix.EINVAL)
	}
}
