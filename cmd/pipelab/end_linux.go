package main

import (
	"errors"
	"io"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"ipclab/internal/lab"
	"ipclab/ipc"
)

// check accepts every option: the Linux build has them all.
func (e end) check() error { return nil }

// open turns on -trace and opens the end: the FIFO, or descriptor 1 (send)
// or 0 (recv). done closes it and removes a FIFO this process made.
func (e end) open(stderr io.Writer) (p io.ReadWriteCloser, done func(), err error) {
	role, flags, std := "recv", unix.O_RDONLY, 0
	if e.write {
		role, flags, std = "send", unix.O_WRONLY, 1
	}
	lab.Trace(e.trace, stderr, role)
	fd, done, err := endpoint(e.fifo, flags, std, stderr)
	if err != nil {
		return nil, nil, err
	}
	return pipeEnd(fd), done, nil
}

// endpoint opens the FIFO at path (making it if missing) with flags, or
// returns std when path is empty. done closes it and removes a FIFO this
// process made — also when a signal ends the process, perhaps while it
// waits in open(2) for the other side.
func endpoint(path string, flags, std int, stderr io.Writer) (fd int, done func(), err error) {
	if path == "" {
		return std, func() {}, nil
	}
	// The signal handler goes in before the FIFO exists: a signal right
	// after mkfifo must still remove it.
	var made atomic.Bool
	remove := func() {
		if made.Load() {
			unix.Unlink(path)
		}
	}
	stop := exitOnSignal(stderr, remove)
	switch err := ipc.Mkfifo(path, 0o600); {
	case err == nil:
		made.Store(true)
	case !errors.Is(err, unix.EEXIST):
		stop()
		return -1, nil, err
	}
	fd, err = ipc.OpenFIFO(path, flags)
	if err != nil {
		stop()
		remove()
		return -1, nil, err
	}
	return fd, func() {
		stop()
		ipc.Close(fd)
		remove()
	}, nil
}

// pipeEnd is a pipe descriptor as sender and receiver use it, read and
// written through the ipc package so that -trace shows every read(2),
// write(2) and close(2).
type pipeEnd int

// Read returns io.EOF at end of file, as io.Reader must.
func (p pipeEnd) Read(b []byte) (int, error) {
	n, err := ipc.Read(int(p), b)
	if n == 0 && err == nil && len(b) > 0 {
		return 0, io.EOF
	}
	return n, err
}

// Write writes all of b: one write(2) for a record, which is atomic.
func (p pipeEnd) Write(b []byte) (int, error) {
	if err := ipc.WriteAll(int(p), b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (p pipeEnd) Close() error { return ipc.Close(int(p)) }
