package pipelab

import (
	"io"
	"os"

	"ipclab/internal/cli"
)

// check refuses the options WASI preview 1 cannot honour: it has no
// mkfifo, and the wasm binary makes no Linux system calls to trace.
func (e end) check() error {
	switch {
	case e.fifo != "":
		return cli.Unsupported("-fifo needs a Linux kernel; WASI preview 1 has no named pipes (join send and recv with a pipe instead: pipelab send FILE | pipelab recv)")
	case e.trace:
		return cli.Unsupported("-trace shows Linux system calls; WASI preview 1 has none" + cli.TryNative)
	}
	return nil
}

// open returns standard output (send) or input (recv), which the host
// joins to a pipe. The os package reads and writes them: under WASI it
// waits on a non-blocking descriptor itself (poll_oneoff).
func (e end) open(stderr io.Writer) (p io.ReadWriteCloser, done func(), err error) {
	if e.write {
		return os.Stdout, func() {}, nil
	}
	return os.Stdin, func() {}, nil
}
