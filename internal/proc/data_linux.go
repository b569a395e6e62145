package proc

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"ipclab/internal/record"
)

// DataFile puts values in an anonymous memory file (memfd) for a child to
// read with ReadData. It is how p1 gets the items the parent read — the
// plumbing of "args=(list, q)" in the sheet's Python, not one of the lab's
// IPC mechanisms, so it is not traced.
func DataFile(values []int64) (int, error) {
	fd, err := unix.MemfdCreate("ipclab-data", unix.MFD_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("memfd_create", err)
	}
	b := record.Encode(values)
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return -1, os.NewSyscallError("write", err)
		}
		b = b[n:]
	}
	return fd, nil
}

// ReadData reads the values a parent stored with DataFile.
func ReadData(fd int) ([]int64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, os.NewSyscallError("fstat", err)
	}
	b := make([]byte, st.Size)
	for off := 0; off < len(b); {
		n, err := unix.Pread(fd, b[off:], int64(off))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, os.NewSyscallError("pread", err)
		}
		if n == 0 {
			break
		}
		off += n
	}
	unix.Close(fd)
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
	return KeyPrefix | os.Getpid()&0xffffff
}

// ObjectName returns a fresh name for an IPC object of the given kind:
// "/ipclab-mq-4242-1". The prefix marks every object a lab makes, so one
// left behind by a killed parent can be found; the pid keeps concurrent
// labs apart, the count a lab's own objects. (Creation is exclusive all
// the same: O_EXCL turns a clash into an error, never a shared object.)
func ObjectName(kind string) string {
	objects++
	return "/ipclab-" + kind + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(objects)
}
