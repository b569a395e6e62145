//go:build !linux

package input

import (
	"io"
	"io/fs"
	"os"

	"ipclab/ipc"
)

// Without Linux (the WASI build) the os package opens and reads the data
// files, and standard input is read with ipc.ReadWait: a host may hand it
// over non-blocking (Node.js does, without the WASI flag that would make
// the Go runtime wait on it), and ReadWait waits with poll_oneoff. Errors
// come without the os package's "open NAME:" so that they read as the
// Linux build's.

// open opens a data file for reading.
func open(name string) (file, error) {
	f, err := os.Open(name)
	return file{f}, bare(err)
}

// fileReader reads f (standard input) through its descriptor.
func fileReader(f *os.File) io.Reader { return fdReader(f.Fd()) }

type file struct{ *os.File }

func (f file) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	return n, bare(err)
}

// fdReader reads a descriptor with ipc.ReadWait.
type fdReader int

func (f fdReader) Read(p []byte) (int, error) {
	n, err := ipc.ReadWait(int(f), p)
	if n == 0 && err == nil && len(p) > 0 {
		return 0, io.EOF
	}
	return n, err
}

// bare strips the operation and path off an error from the os package.
func bare(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
