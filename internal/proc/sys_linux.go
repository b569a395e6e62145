package proc

import (
	"syscall"
	"unsafe" // and for go:linkname

	"golang.org/x/sys/unix"

	fdpkg "ipclab/internal/fd"
	"ipclab/ipc"
)

// The system calls proc makes beyond package syscall's go through
// x/sys/unix's raw calls (here, and memfd_create in DataFile): its typed
// wrappers (Pread, MemfdCreate…) would each add code of their own to
// every lab. None is traced: they are the labs' plumbing, not the IPC they
// show.

// syscallError is ipc.NewSyscallError: the labs do without package os.
var syscallError = ipc.NewSyscallError

// Poll waits until fd is readable or ms milliseconds have passed (ms < 0:
// no limit), and reports whether fd is readable. With fd < 0 it only
// sleeps.
func Poll(fd, ms int) bool { return fdpkg.Poll(fd, unix.POLLIN, ms) }

// pread reads from fd at offset off, retrying EINTR. 32-bit arm (the labs'
// one 32-bit target) passes the 64-bit offset in an even register pair,
// low word first.
func pread(fd int, p []byte, off int64) (int, error) {
	for {
		a3, a4, a5 := uintptr(off), uintptr(0), uintptr(0)
		if unsafe.Sizeof(uintptr(0)) == 4 {
			a3, a4, a5 = 0, uintptr(off), uintptr(off>>32)
		}
		n, _, e := unix.Syscall6(unix.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)), a3, a4, a5)
		if e != syscall.EINTR {
			if e != 0 {
				return 0, e
			}
			return int(n), nil
		}
	}
}

// monotonic reads CLOCK_MONOTONIC in nanoseconds; never 0.
func monotonic() int64 { return max(nanotime(), 1) }

// nanotime is the runtime's CLOCK_MONOTONIC (through the vDSO), which the
// runtime keeps for outside packages (go.dev/issue/67401).
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
