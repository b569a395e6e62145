package cli

import (
	"io"
	"os"
)

// pipeBuf is PIPE_BUF: a write of at most this many bytes to a pipe is
// atomic, so lines two processes write to one pipe never tear.
const pipeBuf = 4096

// Output buffers a command's standard output in whole lines: flushed line
// by line on a terminal (so two processes' lines interleave as they
// happen), else in writes of at most PIPE_BUF bytes that end at a line end
// (so p1 and p2 can share a pipe without tearing each other's lines, and
// 100,000 lines cost a few hundred writes).
type Output struct {
	w        io.Writer
	buf      []byte
	lineMode bool
	err      error
}

// NewOutput wraps w; Flush must be called before the process ends.
func NewOutput(w io.Writer) *Output {
	o := &Output{w: writer(w), buf: make([]byte, 0, pipeBuf)}
	if f, ok := w.(*os.File); ok {
		o.lineMode = IsTerminal(f)
	}
	return o
}

// Line writes s and a newline. A line longer than PIPE_BUF is written on
// its own.
func (o *Output) Line(s string) error {
	if len(o.buf)+len(s)+1 > pipeBuf {
		o.Flush()
	}
	o.buf = append(append(o.buf, s...), '\n')
	if o.lineMode || len(o.buf) >= pipeBuf {
		return o.Flush()
	}
	return o.err
}

// Flush writes the buffered lines and returns the first write error.
func (o *Output) Flush() error {
	if len(o.buf) > 0 && o.err == nil {
		_, o.err = o.w.Write(o.buf)
	}
	o.buf = o.buf[:0]
	return o.err
}
