package input

import (
	"io"
	"unsafe"

	"ipclab/internal/text"
)

// Scanner reads a lab's items one at a time, in a file's format or by
// the dialogue: a lab sends each item on as soon as it has read it, so a
// long input takes no more memory than a short one, and the first item is
// on its way before the last is read.
type Scanner struct {
	Name string // file name or "stdin", for messages
	Line int    // the line of the item Next returned last
	br   *reader
	file io.Closer // closed at the end
	n    int64     // items read
	// A file's format.
	line    int
	comment bool
	tok     []byte
	// The dialogue's: the items announced (-1 before the size is read),
	// and the item prompt.
	size int64
	item string
}

// NewScanner reads whitespace-separated integers from r; '#' starts a
// comment that runs to the end of the line.
func NewScanner(r io.Reader, name string) *Scanner { return newScanner(r, name, nil, Prompts{}) }

// NewDialogue runs the lab sheet's dialogue on r and w: it prints
// p.Size, reads the number of items, then prints p.Item and reads one item
// per line. The prompts are written before each read of r and at the end.
func NewDialogue(r io.Reader, w io.Writer, p Prompts) *Scanner { return newScanner(r, "stdin", w, p) }

// newScanner is NewScanner, or with w NewDialogue (one function: each
// copy of its code costs the binaries bytes).
//
//go:noinline
func newScanner(r io.Reader, name string, w io.Writer, p Prompts) *Scanner {
	s := &Scanner{Name: name, br: newReader(r), line: 1, size: -2}
	if w != nil {
		s.br.w, s.size, s.item = w, -1, p.Item
		s.prompt(p.Size)
	}
	return s
}

func (s *Scanner) prompt(p string) { s.br.prompts = append(s.br.prompts, p...) }

// Next returns the next item, or io.EOF after the last; an input without
// items is an error ("name: no data"), as is a malformed one
// ("name:line: msg"). The dialogue's prompts are all written when it
// returns an error or io.EOF.
func (s *Scanner) Next() (int64, error) {
	var v int64
	var err error
	if s.size == -2 {
		v, err = s.token()
	} else {
		v, err = s.answer()
	}
	if err != nil {
		s.br.flush()
		if s.file != nil {
			s.file.Close()
			s.file = nil
		}
	}
	return v, err
}

// token returns the next item of a file.
func (s *Scanner) token() (int64, error) {
	br := s.br
	for {
		c, err := br.ReadByte()
		if err != nil && err != io.EOF {
			return 0, errorAt(s.Name, 0, err.Error())
		}
		inToken := err == nil && !s.comment && c != '#' && !isSpace(c)
		if inToken && len(s.tok) < maxToken {
			if len(s.tok) == 0 {
				s.Line = s.line
			}
			s.tok = append(s.tok, c)
			continue
		}
		if len(s.tok) > 0 {
			// The token ended, or it is too long for an integer whatever
			// follows: say so now, or an endless token (/dev/zero) is
			// read for ever. (A byte that ended it is taken up again by
			// the next call.)
			if !inToken && err == nil {
				br.i--
			}
			// Int keeps nothing of the token: it needs no copy.
			v, err := Int(unsafe.String(unsafe.SliceData(s.tok), len(s.tok)), inToken)
			s.tok = s.tok[:0]
			if err != nil {
				return 0, errorAt(s.Name, s.Line, err.Error())
			}
			s.n++
			return v, nil
		}
		if err != nil {
			if s.n == 0 {
				return 0, errorAt(s.Name, 0, ErrNoData.Error())
			}
			return 0, io.EOF
		}
		switch c {
		case '#':
			s.comment = true
		case '\n':
			s.comment = false
			s.line++
		}
	}
}

// answer returns the dialogue's next item.
func (s *Scanner) answer() (int64, error) {
	const name = "stdin"
	br := s.br
	if s.size < 0 {
		t, err := br.readLine()
		if err != nil {
			return 0, errorAt(name, 0, "no dataset size given")
		}
		n, err := Int(t, len(t) > maxToken)
		if err != nil {
			return 0, errorAt(name, 1, "dataset size: "+err.Error())
		}
		if n <= 0 {
			return 0, errorAt(name, 1, "dataset size "+t+" must be positive")
		}
		s.size = n
	}
	if s.n == s.size {
		return 0, io.EOF
	}
	s.prompt(s.item)
	t, err := br.readLine()
	if err != nil {
		s.prompt("\n")
		return 0, errorAt(name, 0, "expected "+text.Int64(s.size)+
			" items, got "+text.Int64(s.n))
	}
	s.n++
	s.Line = int(s.n) + 1
	v, err := Int(t, len(t) > maxToken)
	if err != nil {
		return 0, errorAt(name, s.Line, err.Error())
	}
	return v, nil
}

// Err returns the error msg about the item Next returned last, located as
// an input error is: "name:line: msg".
func (s *Scanner) Err(msg string) error { return errorAt(s.Name, s.Line, msg) }

// Flush writes the dialogue's prompts not yet written.
func (s *Scanner) Flush() { s.br.flush() }

// Values reads all the items, each checked by check (nil: none) as it
// comes, which can refuse it with Err: a bad item is reported at once,
// whatever follows it.
func (s *Scanner) Values(check func(int64) error) ([]int64, error) {
	var values []int64
	if s.size > 0 {
		values = make([]int64, 0, min(s.size, 1<<20)) // the dialogue said how many
	}
	for {
		v, err := s.Next()
		if err == io.EOF {
			return values, nil
		}
		if err == nil && check != nil {
			err = check(v)
		}
		if err != nil {
			return nil, err
		}
		values = append(values, v)
	}
}
