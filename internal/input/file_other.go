//go:build !linux

package input

import (
	"io"
	"io/fs"
	"os"
)

// Without Linux (the WASI build) the os package reads the data: under WASI
// the Go runtime itself waits on a non-blocking standard input (with
// poll_oneoff), which a bare read could not. Errors come without the
// os package's "open NAME:" so that they read as the Linux build's.

// open opens a data file for reading.
func open(name string) (file, error) {
	f, err := os.Open(name)
	return file{f}, bare(err)
}

// wrap returns how to read r: an *os.File (the standard input) through
// file, whose errors read as the Linux build's.
func wrap(r io.Reader) io.Reader {
	if f, ok := r.(*os.File); ok {
		return file{f}
	}
	return r
}

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
