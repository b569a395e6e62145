//go:build !linux

package input

import (
	"io"
	"io/fs"
	"os"
)

// Without Linux (the WASI build) the os package opens and reads the data
// files; standard input is an fd.File, which reads with ipc.ReadWait: a
// host may hand it over non-blocking (Node.js does, without the WASI flag
// that would make the Go runtime wait on it), and ReadWait waits with
// poll_oneoff. Errors come without the os package's "open NAME:" so that
// they read as the Linux build's.

// open opens a data file for reading.
func open(name string) (file, error) {
	f, err := os.Open(name)
	return file{f}, bare(err)
}

// wrap returns how to read r: as it is (the standard input is an
// fd.File, which waits on a non-blocking descriptor itself).
func wrap(r io.Reader) io.Reader { return r }

type file struct{ *os.File }

func (f file) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	return n, bare(err)
}

// bare strips the operation and path off an error from the os package.
func bare(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
