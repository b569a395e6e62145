package cli

import (
	"io"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// IsTerminal reports whether f is a terminal (TCGETS succeeds on it). The
// raw ioctl spares the labs x/sys/unix's ioctl wrapper.
func IsTerminal(f *os.File) bool {
	var t unix.Termios
	_, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), unix.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

// writer is what Output writes w through: w itself, since the os package
// waits on a descriptor that was non-blocking when the program started.
func writer(w io.Writer) io.Writer { return w }
