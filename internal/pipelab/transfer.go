package pipelab

// The transfer itself, p1's and p2's loops, is one piece of code for the
// lab's children, for "pipelab send" and "pipelab recv", and for the WASI
// build, which has only those two: the same records cross a pipe whatever
// sits at either end. Both builds read and write the pipe's descriptors
// through the ipc package (see pipeEnd).

import (
	"errors"
	"io"
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/record"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// Prompts are the lab sheet's dialogue lines for this lab.
var Prompts = input.Prompts{Size: "Enter dataset size: ", Item: "Enter the data: "}

// The errors of a transfer whose other side went away too early. In the
// lab the parent explains why, so the child that meets one exits quietly.
var (
	errReaderGone = errors.New("the reader closed the pipe before the end marker 0")
	errEarlyEnd   = errors.New("the pipe closed before the end marker 0")
)

// sender writes each item to w as one record (one Write of 8 bytes, below
// PIPE_BUF, so atomic), then the end marker 0 if the data did not end with
// it, and closes w. With ack (the duplex lab's second pipe) it waits after
// each record, the marker too, for the receiver to send it back, and prints
// "Ack: X" under each "Messages Sent: X".
func sender(w io.WriteCloser, ack io.Reader, items input.Items, out *cli.Output) error {
	var rec [record.Size]byte
	last := int64(1) // none yet: the marker is due
	for {
		v, err := items.Next()
		shown := err == nil
		if err == io.EOF && last != 0 {
			v, err = 0, nil // the marker, not shown
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		last = v
		record.Put(rec[:], v)
		if _, err := w.Write(rec[:]); err != nil {
			return writeError(err)
		}
		if shown {
			out.Int("Messages Sent: ", v)
		}
		if ack == nil {
			continue
		}
		if err := readRecord(ack, rec[:]); err != nil {
			return err
		}
		if a := record.Get(rec[:]); a != v {
			return errors.New("acknowledgement " + text.Int64(a) + " for " + text.Int64(v))
		}
		if shown {
			out.Int("Ack: ", v)
		}
	}
	return w.Close()
}

// writeError reports a failed write; EPIPE means the reader is gone.
func writeError(err error) error {
	if errors.Is(err, syscall.EPIPE) {
		return errReaderGone
	}
	return err
}

// readRecord reads one record from r into rec; end of file before a whole
// record means the other side went away.
func readRecord(r io.Reader, rec []byte) error {
	_, err := io.ReadFull(r, rec)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errEarlyEnd
	}
	return err
}

// receiver reads records from r and prints them until the end marker 0.
// With ack (the duplex lab) it sends each record back, the marker too.
func receiver(r io.Reader, ack io.Writer, out *cli.Output) error {
	var rec [record.Size]byte
	for {
		if err := readRecord(r, rec[:]); err != nil {
			return err
		}
		v := record.Get(rec[:])
		if v != 0 {
			out.Int("Messages Received: ", v)
		}
		if ack != nil {
			if _, err := ack.Write(rec[:]); err != nil {
				return writeError(err)
			}
		}
		if v == 0 {
			return nil
		}
	}
}

// pipeEnd is a pipe descriptor as sender and receiver use it, read and
// written through the ipc package: -trace shows every read(2), write(2)
// and close(2), and a non-blocking descriptor (Node.js hands its standard
// streams over so, natively and under WASI) is waited on, not failed.
type pipeEnd int

// Read returns io.EOF at end of file, as io.Reader must.
func (p pipeEnd) Read(b []byte) (int, error) {
	n, err := ipc.ReadWait(int(p), b)
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
