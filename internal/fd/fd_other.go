//go:build !linux

package fd

import (
	"io"
	"os"
)

// The standard streams: os's, which wait on a non-blocking descriptor
// themselves (poll_oneoff under WASI).
var (
	Stdin  io.Reader = os.Stdin
	Stdout io.Writer = os.Stdout
	Stderr io.Writer = os.Stderr
)

// Args returns the program's arguments.
func Args() []string { return os.Args }

// IsTerminal reports whether f is a character device that cannot seek:
// without Linux's TCGETS (WASI has no ioctl) that is the sign of a
// terminal wasi-libc's isatty reads too, and it tells /dev/null apart.
func IsTerminal(f any) bool {
	x, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := x.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	_, err = x.Seek(0, io.SeekCurrent)
	return err != nil
}
