package input

import (
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in    string
		vals  []int64
		lines []int
		err   string
	}{
		{"12 34 423 2 0", []int64{12, 34, 423, 2, 0}, []int{1, 1, 1, 1, 1}, ""},
		{"# sample\n1\n\n-2 +3\n", []int64{1, -2, 3}, []int{2, 4, 4}, ""},
		{"1#two\n3 # 4\n5", []int64{1, 3, 5}, []int{1, 2, 3}, ""},
		{"1\r\n2\r\n", []int64{1, 2}, []int{1, 2}, ""},
		{"\t7\v8\f9", []int64{7, 8, 9}, []int{1, 1, 1}, ""},
		{"9223372036854775807 -9223372036854775808", []int64{math.MaxInt64, math.MinInt64}, []int{1, 1}, ""},
		{"", nil, nil, "f: no data"},
		{"# nothing\n", nil, nil, "f: no data"},
		{"1\n2\n4x", nil, nil, `f:3: "4x" is not an integer`},
		{"9223372036854775808", nil, nil, `f:1: "9223372036854775808" is out of range (a signed 64-bit integer)`},
		{"1 0x10", nil, nil, `f:1: "0x10" is not an integer`},
		{"1\x002", nil, nil, `f:1: "1\x002" is not an integer`},
		{"١٢", nil, nil, `f:1: "١٢" is not an integer`},
		{strings.Repeat("9", 100), nil, nil, `f:1: "` + strings.Repeat("9", maxToken) + `..." is out of range (a signed 64-bit integer)`},
		{strings.Repeat("x", 100), nil, nil, `f:1: "` + strings.Repeat("x", maxToken) + `..." is not an integer`},
		{"1.5", nil, nil, `f:1: "1.5" is not an integer`},
		{"--1", nil, nil, `f:1: "--1" is not an integer`},
	} {
		d, err := Parse(strings.NewReader(c.in), "f")
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Parse(%q) = %v, want error %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(d.Values, c.vals) || !slices.Equal(d.Lines, c.lines) {
			t.Errorf("Parse(%q) = %v, %v, want %v %v", c.in, d, err, c.vals, c.lines)
		}
	}
}

func TestDialogue(t *testing.T) {
	for _, c := range []struct {
		in   string
		vals []int64
		out  string
		err  string
	}{
		{"3\n1\n-2\n 3 \n", []int64{1, -2, 3}, "S: I: I: I: ", ""},
		{"2\r\n5\r\n6", []int64{5, 6}, "S: I: I: ", ""},
		{"", nil, "S: ", "stdin: no dataset size given"},
		{"x\n", nil, "S: ", `stdin:1: dataset size: "x" is not an integer`},
		{"-1\n", nil, "S: ", "stdin:1: dataset size -1 must be positive"},
		{"3\n1\n", nil, "S: I: I: \n", "stdin: expected 3 items, got 1"},
		{"2\n1\n\n", nil, "S: I: I: ", `stdin:3: expected an integer, got an empty line`},
		{"2\n1 2\n", nil, "S: I: ", `stdin:2: "1 2" is not an integer`},
		{"99999999999999999999\n", nil, "S: ", `stdin:1: dataset size: "99999999999999999999" is out of range (a signed 64-bit integer)`},
		{"2\n5" + strings.Repeat(" ", 70) + "x\n6\n", nil, "S: I: ", `stdin:2: "5` + strings.Repeat(" ", maxToken) + `..." is not an integer`},
	} {
		var out strings.Builder
		d, err := Dialogue(strings.NewReader(c.in), &out, "S: ", "I: ")
		if out.String() != c.out {
			t.Errorf("Dialogue(%q) printed %q, want %q", c.in, out.String(), c.out)
		}
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Dialogue(%q) = %v, want error %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(d.Values, c.vals) {
			t.Errorf("Dialogue(%q) = %v, %v, want %v", c.in, d, err, c.vals)
		}
	}
}

// zeros is an endless stream of NUL bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestEndless: a token or line with no end (/dev/zero) is an error once it
// is too long for an integer, not a read for ever.
func TestEndless(t *testing.T) {
	nuls := `"` + strings.Repeat(`\x00`, maxToken) + `..." is not an integer`
	if _, err := Parse(zeros{}, "f"); err == nil || err.Error() != "f:1: "+nuls {
		t.Errorf("Parse(endless NULs) = %v, want %q", err, "f:1: "+nuls)
	}
	want := `stdin:1: dataset size: "` + strings.Repeat(`\x00`, maxToken+1) + `..." is not an integer`
	if _, err := Dialogue(zeros{}, io.Discard, "S: ", "I: "); err == nil || err.Error() != want {
		t.Errorf("Dialogue(endless NULs) = %v, want %q", err, want)
	}
}

func TestChecks(t *testing.T) {
	d := &Data{Name: "f", Values: []int64{1, math.MaxInt64 / 10, math.MaxInt64/10 + 1}, Lines: []int{1, 2, 3}}
	if _, err := d.Times10(); err == nil || err.Error() != "f:3: 922337203685477581 * 10 overflows a 64-bit integer" {
		t.Errorf("Times10 = %v, want an overflow at line 3", err)
	}
	d.Values = []int64{1, math.MaxInt64/10 - 1}
	xs, err := d.Times10()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Sum(xs); err != nil {
		t.Errorf("Sum(%v) = %v, want no error", xs, err)
	}
	if _, err := d.Sum([]int64{math.MaxInt64, 1}); err == nil || err.Error() != "f:2: the sum overflows a 64-bit integer" {
		t.Errorf("Sum(max, 1) = %v, want an overflow at line 2", err)
	}
	if _, err := d.Sum([]int64{math.MinInt64, -1}); err == nil {
		t.Errorf("Sum(min, -1) did not overflow")
	}
	var e *Error
	if _, err := d.Sum([]int64{math.MaxInt64, 1}); !errors.As(err, &e) || e.Line != 2 {
		t.Errorf("Sum error %v is not an *Error at line 2", err)
	}
}

// FuzzParse: whatever the bytes, Parse returns values or a one-line error
// naming the input; never a panic. Every value it returns must print back
// to a token of the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"12 34 423 2 0", "# c\n1\n", "4x", "99999999999999999999", "1\r\n2", "\x00", "١", "-", "+"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(strings.NewReader(string(b)), "fuzz")
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz") || strings.Contains(msg, "\n") {
				t.Fatalf("Parse(%q) error %q is not one line naming the input", b, msg)
			}
			return
		}
		if len(d.Values) == 0 || len(d.Values) != len(d.Lines) {
			t.Fatalf("Parse(%q) = %d values, %d lines", b, len(d.Values), len(d.Lines))
		}
	})
}

// lineReader gives one line per Read, and records what had been written
// to w by then.
type lineReader struct {
	lines []string
	w     *strings.Builder
	seen  []string
}

func (r *lineReader) Read(p []byte) (int, error) {
	r.seen = append(r.seen, r.w.String())
	if len(r.lines) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.lines[0])
	r.lines = r.lines[1:]
	return n, nil
}

// TestDialoguePrompts: each prompt is out before the read that waits for
// its answer (a person typing sees it); answers that came in one read get
// their prompts written together, at the next read or the end.
func TestDialoguePrompts(t *testing.T) {
	var w strings.Builder
	r := &lineReader{lines: []string{"3\n", "1\n2\n", "3\n"}, w: &w}
	s := NewDialogue(r, &w, Prompts{Size: "S: ", Item: "I: "})
	var got []int64
	for {
		v, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	want := []string{"S: ", "S: I: ", "S: I: I: I: "}
	if !slices.Equal(got, []int64{1, 2, 3}) || !slices.Equal(r.seen, want) || w.String() != "S: I: I: I: " {
		t.Errorf("dialogue: items %v, written before each read %q, in all %q; want [1 2 3], %q, %q",
			got, r.seen, w.String(), want, "S: I: I: I: ")
	}
}

// TestScannerLines: Next gives each item with its line as it goes.
func TestScannerLines(t *testing.T) {
	s := NewScanner(strings.NewReader("# c\n1 2\n\n3#4\n5"), "f")
	var lines []int
	for {
		_, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s.Line)
	}
	if want := []int{2, 2, 4, 5}; !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
	if err := s.Err("bad"); err.Error() != "f:5: bad" {
		t.Errorf("Err = %q, want %q", err, "f:5: bad")
	}
}
