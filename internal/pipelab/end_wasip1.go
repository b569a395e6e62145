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
// joins to a pipe, as a stdEnd: it waits on a non-blocking descriptor
// with poll_oneoff (Node.js hands them over so).
func (e end) open(stderr io.Writer) (p io.ReadWriteCloser, done func(), err error) {
	if e.write {
		return stdEnd{1}, func() {}, nil
	}
	return stdEnd{0}, func() {}, nil
}

// A stdEnd is a standard stream as a pipe's end that is never closed: the
// reader sees end of file when the sender's runtime exits, a moment later.
// Node.js cannot take a standard stream's close. Its WASI closes the host's
// descriptor, the next one Node opens takes the number, and libuv, which
// holds that descriptors 0-2 are never its own, aborts when it closes it:
// "node: ./src/unix/core.c:602: uv__close: Assertion `fd > STDERR_FILENO'
// failed" (Node 18 with Debian 12's libuv: seen once in CI, in the
// 100,000-item send | recv).
type stdEnd struct{ pipeEnd }

func (stdEnd) Close() error { return nil }
