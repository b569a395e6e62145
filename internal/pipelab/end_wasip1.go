package pipelab

import (
	"io"

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
// joins to a pipe, as a pipeEnd: it waits on a non-blocking descriptor
// with poll_oneoff (Node.js hands them over so).
func (e end) open(stderr io.Writer) (p io.ReadWriteCloser, done func(), err error) {
	if e.write {
		return pipeEnd(1), func() {}, nil
	}
	return pipeEnd(0), func() {}, nil
}
