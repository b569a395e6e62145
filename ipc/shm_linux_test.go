package ipc

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSysvShm(t *testing.T) {
	id, err := ShmGet(unix.IPC_PRIVATE, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	skipENOSYS(t, err, "CONFIG_SYSVIPC")
	if err != nil {
		t.Fatalf("ShmGet(IPC_PRIVATE, 4096) = %v, want nil", err)
	}
	t.Cleanup(func() { ShmRemove(id) })
	a, err := ShmAttach(id, 0)
	if err != nil {
		t.Fatalf("ShmAttach(%d, 0) = %v, want nil", id, err)
	}
	b, err := ShmAttach(id, unix.SHM_RDONLY)
	if err != nil {
		t.Fatalf("ShmAttach(%d, SHM_RDONLY) = %v, want nil", id, err)
	}
	if len(a) != 4096 || len(b) != 4096 {
		t.Errorf("ShmAttach = %d and %d bytes, want 4096", len(a), len(b))
	}
	copy(a, "shared")
	if string(b[:6]) != "shared" {
		t.Errorf("second mapping reads %q, want %q", b[:6], "shared")
	}
	for _, m := range [][]byte{a, b} {
		if err := ShmDetach(m); err != nil {
			t.Errorf("ShmDetach = %v, want nil", err)
		}
	}
	if err := ShmRemove(id); err != nil {
		t.Errorf("ShmRemove(%d) = %v, want nil", id, err)
	}
	if _, err := ShmAttach(id, 0); !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EIDRM) {
		t.Errorf("ShmAttach(removed %d) = %v, want %v or %v", id, err, unix.EINVAL, unix.EIDRM)
	}
}

// mapTwice maps size bytes of fd twice and checks a store through one
// mapping shows in the other.
func mapTwice(t *testing.T, fd, size int) {
	t.Helper()
	if err := Fallocate(fd, int64(size)); err != nil {
		t.Fatalf("Fallocate(%d, %d) = %v, want nil", fd, size, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Size != int64(size) {
		t.Errorf("Fstat after Fallocate = size %d, %v; want %d", st.Size, err, size)
	}
	a, err := Mmap(fd, size)
	if err != nil {
		t.Fatalf("Mmap(%d, %d) = %v, want nil", fd, size, err)
	}
	b, err := Mmap(fd, size)
	if err != nil {
		t.Fatalf("Mmap(%d, %d) = %v, want nil", fd, size, err)
	}
	copy(a[size-5:], "hello")
	if string(b[size-5:]) != "hello" {
		t.Errorf("second mapping reads %q, want %q", b[size-5:], "hello")
	}
	for _, m := range [][]byte{a, b} {
		if err := Munmap(m); err != nil {
			t.Errorf("Munmap = %v, want nil", err)
		}
	}
}

func TestPosixShm(t *testing.T) {
	name := uniqueName("shm")
	fd, err := ShmOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
	if err != nil {
		t.Fatalf("ShmOpen(%q, O_CREAT|O_EXCL) = %v, want nil", name, err)
	}
	t.Cleanup(func() { ShmUnlink(name) })
	closeLater(t, fd)
	if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC == 0 {
		t.Errorf("ShmOpen descriptor flags = %#x, %v; want FD_CLOEXEC", flags, err)
	}
	if _, err := ShmOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600); !errors.Is(err, unix.EEXIST) {
		t.Errorf("ShmOpen(%q, O_CREAT|O_EXCL) again = %v, want %v", name, err, unix.EEXIST)
	}
	mapTwice(t, fd, 8192)
	if err := ShmUnlink(name); err != nil {
		t.Fatalf("ShmUnlink(%q) = %v, want nil", name, err)
	}
	if _, err := ShmOpen(name, unix.O_RDWR, 0); !errors.Is(err, unix.ENOENT) {
		t.Errorf("ShmOpen(%q) after unlink = %v, want %v", name, err, unix.ENOENT)
	}
	if err := ShmUnlink(name); !errors.Is(err, unix.ENOENT) {
		t.Errorf("ShmUnlink(%q) again = %v, want %v", name, err, unix.ENOENT)
	}
}

func TestMemfd(t *testing.T) {
	fd, err := MemfdCreate("ipclab-test", unix.MFD_CLOEXEC)
	skipENOSYS(t, err, "memfd_create (Linux 3.17)")
	if err != nil {
		t.Fatalf("MemfdCreate = %v, want nil", err)
	}
	closeLater(t, fd)
	mapTwice(t, fd, 4096)
	if err := Fallocate(-1, 4096); !errors.Is(err, unix.EBADF) {
		t.Errorf("Fallocate(-1) = %v, want %v", err, unix.EBADF)
	}
}
