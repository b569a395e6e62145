// Package input reads a lab's data: whitespace-separated integers from a file
// or standard input ('#' starts a comment), or the lab sheet's dialogue
// ("Enter the datasize: ", then "Enter the data: " per item).
package input

import (
	"errors"
	"io"
	"ipclab/ipc"
	"math"
	"unsafe"

	"ipclab/internal/text"
)

// Data is what a lab works on: the values and where each came from.
type Data struct {
	Name   string  // file name or "stdin", for messages
	Values []int64 // the items, in order
	Lines  []int   // Lines[i] is the line Values[i] was read from
	next   int     // the item Next returns
}

// Items is a sequence of items: a Scanner, Data, or what p1 reads from
// its parent (proc.Items).
type Items interface {
	// Next returns the next item, or io.EOF after the last.
	Next() (int64, error)
}

// Next returns the values one by one, then io.EOF.
func (d *Data) Next() (int64, error) {
	if d.next == len(d.Values) {
		return 0, io.EOF
	}
	d.next++
	return d.Values[d.next-1], nil
}

// Error is a problem with the input, reported as "name:line: msg", or
// "name: msg" when no line applies.
type Error struct {
	_    [0]func() // not comparable: no equality function in the binary
	Name string
	Line int
	Msg  string
}

// errorAt returns the Error msg about line (0 for none) of the input name.
// It is not inlined: a call is smaller than the allocation, at each of the
// many errors.
//
//go:noinline
func errorAt(name string, line int, msg string) error {
	return &Error{Name: name, Line: line, Msg: msg}
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return e.Name + ":" + text.Itoa(e.Line) + ": " + e.Msg
	}
	return e.Name + ": " + e.Msg
}

// ErrNoData is wrapped by the error for an input without items.
var ErrNoData = errors.New("no data")

// maxToken bounds a token kept in memory: no int64 needs more characters,
// so a longer one is reported (abbreviated) without reading it all in.
const maxToken = 64

// Parse reads whitespace-separated integers from r; '#' starts a comment
// that runs to the end of the line.
func Parse(r io.Reader, name string) (*Data, error) {
	return collect(NewScanner(r, name))
}

// collect reads all of s's items.
func collect(s *Scanner) (*Data, error) {
	d := &Data{Name: s.Name}
	for {
		v, err := s.Next()
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return nil, err
		}
		d.Values = append(d.Values, v)
		d.Lines = append(d.Lines, s.Line)
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// Int parses one item. long says the token was cut at maxToken characters.
func Int(tok string, long bool) (int64, error) {
	if tok == "" {
		return 0, errors.New("expected an integer, got an empty line")
	}
	v, ok, big := text.ParseInt(tok)
	if ok && !long {
		return v, nil
	}
	what := " is not an integer"
	if big || (long && allDigits(tok)) {
		what = " is out of range (a signed 64-bit integer)"
	}
	if long {
		tok += "..."
	}
	return 0, errors.New(ipc.Quote(tok) + what)
}

// allDigits reports whether s is a sign and digits only: the start of an
// integer too long to be kept whole.
func allDigits(s string) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Dialogue runs the lab sheet's dialogue: it prints sizePrompt, reads the
// number of items, then prints itemPrompt and reads one item per line.
func Dialogue(r io.Reader, w io.Writer, sizePrompt, itemPrompt string) (*Data, error) {
	return collect(NewDialogue(r, w, Prompts{Size: sizePrompt, Item: itemPrompt}))
}

// Times10 checks that every value times ten fits in 64 bits, and returns
// the products.
func (d *Data) Times10() ([]int64, error) {
	out := make([]int64, len(d.Values))
	for i, v := range d.Values {
		p, ok := Mul10(v)
		if !ok {
			return nil, d.errAt(i, text.Int64(v)+" * 10 overflows a 64-bit integer")
		}
		out[i] = p
	}
	return out, nil
}

// Sum adds xs, checking for overflow; at names the item whose addition
// overflowed.
func (d *Data) Sum(xs []int64) (int64, error) {
	var s int64
	for i, x := range xs {
		var ok bool
		if s, ok = Add(s, x); !ok {
			return 0, d.errAt(i, "the sum overflows a 64-bit integer")
		}
	}
	return s, nil
}

func (d *Data) errAt(i int, msg string) error {
	line := 0
	if i < len(d.Lines) {
		line = d.Lines[i]
	}
	return errorAt(d.Name, line, msg)
}

// Mul10 returns v*10 and whether it fits in an int64.
func Mul10(v int64) (int64, bool) {
	if v > math.MaxInt64/10 || v < math.MinInt64/10 {
		return 0, false
	}
	return v * 10, true
}

// Add returns a+b and whether it fits in an int64.
func Add(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// reader is a small buffered byte reader (bufio's costs more binary).
type reader struct {
	r    io.Reader
	buf  []byte
	i, n int
	line []byte // readLine's
	// The dialogue's prompts not yet written to w: they go out before
	// each read, so a person sees them before typing, and a file given
	// on standard input costs a write per 64 KiB of it, not per item.
	w       io.Writer
	prompts []byte
}

func newReader(r io.Reader) *reader {
	return &reader{r: wrap(r), buf: make([]byte, 64<<10)}
}

// readLine returns the next line, trimmed, or the reader's error; of a
// longer line only its first maxToken+1 bytes (enough for Int to see it is
// too long), returned as soon as the line is known to be too long. The
// string shares the reader's memory: it is valid until the next call, and
// Int, which keeps nothing of it, may parse it without a copy.
func (r *reader) readLine() (string, error) {
	b := r.line[:0]
	c, err := r.ReadByte()
	if err != nil {
		return "", err
	}
	for ; err == nil && c != '\n'; c, err = r.ReadByte() {
		switch {
		case len(b) == 0 && isSpace(c):
		case len(b) <= maxToken:
			b = append(b, c)
		case !isSpace(c):
			// Past maxToken: no integer, whatever follows (and
			// /dev/zero has no newline). Int sees it is too long.
			r.line = b
			return unsafe.String(unsafe.SliceData(b), len(b)), nil
		}
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	r.line = b
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// ReadByte returns the next byte, or the reader's error (io.EOF at the end).
func (r *reader) ReadByte() (byte, error) {
	for r.i == r.n {
		r.flush()
		n, err := r.r.Read(r.buf)
		if n > 0 {
			r.i, r.n = 0, n
			break
		}
		if err == nil {
			continue
		}
		return 0, err
	}
	c := r.buf[r.i]
	r.i++
	return c, nil
}

// flush writes the prompts not yet written.
func (r *reader) flush() {
	if len(r.prompts) > 0 {
		r.w.Write(r.prompts)
		r.prompts = r.prompts[:0]
	}
}
