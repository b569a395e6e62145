package input

import (
	"io"

	"ipclab/internal/fd"
)

// open opens a data file for reading.
func open(name string) (fd.File, error) { return fd.Open(name) }

// wrap returns how to read r: as it is (the standard input is an
// fd.File, which waits on a non-blocking descriptor itself).
func wrap(r io.Reader) io.Reader { return r }

// ReadFile returns the contents of the file name.
func ReadFile(name string) ([]byte, error) {
	f, err := open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b []byte
	buf := make([]byte, 16<<10)
	for {
		n, err := f.Read(buf)
		b = append(b, buf[:n]...)
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
