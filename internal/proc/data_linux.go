package proc

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"ipclab/internal/record"
	"ipclab/internal/text"
)

// DataFile puts values in an anonymous memory file (memfd) for a child to
// read with ReadData. It is how p1 gets the items the parent read — the
// plumbing of "args=(list, q)" in the sheet's Python, not one of the lab's
// IPC mechanisms, so it is not traced.
func DataFile(values []int64) (int, error) {
	// ENOSYS before Linux 3.17. The name only labels the file in
	// /proc/PID/fd; x/sys/unix's MemfdCreate would add a wrapper.
	name := []byte("ipclab-data\x00")
	r, _, e := unix.Syscall(unix.SYS_MEMFD_CREATE, uintptr(unsafe.Pointer(&name[0])), unix.MFD_CLOEXEC, 0)
	if e != 0 {
		return -1, syscallError("memfd_create", e)
	}
	fd := int(r)
	b := record.Encode(values)
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return -1, syscallError("write", err)
		}
		b = b[n:]
	}
	return fd, nil
}

// ReadData reads the values a parent stored with DataFile. It reads at
// offsets (pread) to the end of the file, from the start: the file's own
// offset, which DataFile's writes left at the end, is shared by every
// process that has it, and several children may read it at once.
func ReadData(fd int) ([]int64, error) {
	b := make([]byte, 0, 4096)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // room for more
		}
		n, err := pread(fd, b[len(b):cap(b)], int64(len(b)))
		if err != nil {
			return nil, syscallError("pread", err)
		}
		if n == 0 {
			break
		}
		b = b[:len(b)+n]
	}
	syscall.Close(fd)
	return record.Decode(b), nil
}

var objects int

// KeyPrefix marks the System V keys the labs use: the top byte of
// ObjectKey.
const KeyPrefix = 0x6c << 24 // 'l', for lab

// ObjectKey returns the System V key for this process's queue or segment:
// KeyPrefix | pid. System V objects have no names; a key made of the pid
// lets a leftover of a killed lab be found and tied to the process that
// made it (the queue's entry in /proc/sysvipc/msg shows no creator pid).
// Linux pids fit the low 24 bits (pid_max is at most 2^22).
func ObjectKey() int {
	return KeyPrefix | syscall.Getpid()&0xffffff
}

// ObjectName returns a fresh name for an IPC object of the given kind:
// "/ipclab-mq-4242-1". The prefix marks every object a lab makes, so one
// left behind by a killed parent can be found; the pid keeps concurrent
// labs apart, the count a lab's own objects. (Creation is exclusive all
// the same: O_EXCL turns a clash into an error, never a shared object.)
func ObjectName(kind string) string {
	objects++
	return "/ipclab-" + kind + "-" + text.Itoa(syscall.Getpid()) + "-" + text.Itoa(objects)
}
