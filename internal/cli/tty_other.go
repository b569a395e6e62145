//go:build !linux

package cli

import (
	"io"
	"os"
)

// IsTerminal reports whether f is a character device that cannot seek:
// without Linux's TCGETS (WASI has no ioctl) that is the sign of a
// terminal wasi-libc's isatty reads too, and it tells /dev/null apart.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	_, err = f.Seek(0, io.SeekCurrent)
	return err != nil
}
