package cli

import (
	"io"
	"strconv"

	"ipclab/internal/fd"
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

// NewOutput wraps w; Flush must be called before the process ends. Each
// line is written at once to a terminal, and to a writer that asks for it
// with a method Lines (a traced lab's standard output, ipc.TraceStdout).
func NewOutput(w io.Writer) *Output {
	_, lines := w.(interface{ Lines() })
	return &Output{w: w, buf: make([]byte, 0, pipeBuf), lineMode: lines || fd.IsTerminal(w)}
}

// Line writes s and a newline. A line longer than PIPE_BUF is written on
// its own.
func (o *Output) Line(s string) error { return o.line(s, 0, false) }

// Int writes prefix, v in decimal and a newline, as Line(prefix +
// strconv.FormatInt(v, 10)) would, without making a string: a loop that
// prints every item allocates nothing.
func (o *Output) Int(prefix string, v int64) error { return o.line(prefix, v, true) }

func (o *Output) line(s string, v int64, num bool) error {
	if len(o.buf)+len(s)+21 > pipeBuf { // 21: "-9223372036854775808\n"
		o.Flush()
	}
	o.buf = append(o.buf, s...)
	if num {
		o.buf = strconv.AppendInt(o.buf, v, 10)
	}
	o.buf = append(o.buf, '\n')
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
