//go:build linux

package labtest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/input"
)

// Lab describes a lab binary for Malformed.
type Lab struct {
	Bin, Name string
	Prompts   input.Prompts // the -i dialogue's
	// Times10 says the lab refuses values whose ten-fold overflows; a lab
	// without it must run on them.
	Times10 bool
	// Check compares the standard output of a correct run (without the
	// dialogue's prompts) with what values must give, and describes the
	// first difference ("" if none).
	Check func(values []int64, stdout string) string
}

// malformed is one bad input: content for FILE (or, with args, standard
// input) and what must come of it. A non-empty err is the one line on
// standard error after "NAME: ", with F standing for the file's path; with
// prefix set, only its start. Otherwise the run must succeed on vals.
type malformed struct {
	name    string
	content string
	args    []string // nil: the lab gets content as FILE
	stdin   string   // a file to use as standard input instead of content
	code    int
	err     string
	prefix  bool
	vals    []int64
	times10 bool // err applies only to a lab with Times10; else vals
}

const mb = 1 << 20

// maxToken is how much of a long token input's messages show.
const maxToken = 64

// numbersLine is one line of n-ish bytes holding the numbers 1, 2, 3 …,
// and the numbers.
func numbersLine(n int) (string, []int64) {
	var b strings.Builder
	var vals []int64
	for i := int64(1); b.Len() < n; i++ {
		b.WriteString(strconv.FormatInt(i, 10))
		b.WriteByte(' ')
		vals = append(vals, i)
	}
	b.WriteByte('\n')
	return b.String(), vals
}

func garbage(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	// Never an integer: the first token starts with a letter.
	b[0] = 'G'
	return string(b)
}

// malformedInputs is the table: binary garbage, huge numbers, NUL bytes,
// megabyte lines, CR and CRLF line ends, digits of other scripts, empty
// inputs, other notations, and -i dialogues that stop or go wrong midway.
func malformedInputs(bin string) []malformed {
	nums, numVals := numbersLine(mb)
	long := func(c string) string { return strings.Repeat(c, maxToken) + "..." }
	return []malformed{
		// Binary garbage.
		{name: "PNG header", content: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", code: 1, err: `F:1: "\x89PNG" is not an integer`},
		{name: "UTF-16 file", content: "\xff\xfe1\x002\x00\r\x00\n\x00", code: 1, err: `F:1: "\xff\xfe1\x002\x00" is not an integer`},
		{name: "the lab's own ELF binary", args: []string{bin}, code: 1, err: bin + `:1: "\x7fELF\x02\x01\x01`, prefix: true},
		{name: "64 KiB of random bytes", content: garbage(64 << 10), code: 1, err: `F:1: "G`, prefix: true},
		// Huge numbers.
		{name: "int64 max + 1", content: "1\n9223372036854775808\n", code: 1, err: `F:2: "9223372036854775808" is out of range (a signed 64-bit integer)`},
		{name: "int64 min - 1", content: "-9223372036854775809", code: 1, err: `F:1: "-9223372036854775809" is out of range (a signed 64-bit integer)`},
		{name: "100 digits", content: strings.Repeat("9", 100), code: 1, err: `F:1: "` + long("9") + `" is out of range (a signed 64-bit integer)`},
		{name: "int64 max", content: "9223372036854775807", times10: true, code: 1, err: "F:1: 9223372036854775807 * 10 overflows a 64-bit integer", vals: []int64{1<<63 - 1}},
		{name: "int64 min", content: "-9223372036854775808", times10: true, code: 1, err: "F:1: -9223372036854775808 * 10 overflows a 64-bit integer", vals: []int64{-1 << 63}},
		{name: "ten-fold just overflows", content: "1\n922337203685477581\n", times10: true, code: 1, err: "F:2: 922337203685477581 * 10 overflows a 64-bit integer", vals: []int64{1, 922337203685477581}},
		{name: "ten-fold just overflows, negative", content: "-922337203685477581", times10: true, code: 1, err: "F:1: -922337203685477581 * 10 overflows a 64-bit integer", vals: []int64{-922337203685477581}},
		{name: "ten-fold just fits", content: "922337203685477580 -922337203685477580", vals: []int64{922337203685477580, -922337203685477580}},
		// NUL bytes.
		{name: "NUL inside a number", content: "1\x002\n", code: 1, err: `F:1: "1\x002" is not an integer`},
		{name: "NUL between numbers", content: "1 \x00 2", code: 1, err: `F:1: "\x00" is not an integer`},
		{name: "4 KiB of NULs", content: strings.Repeat("\x00", 4096), code: 1, err: `F:1: "` + long(`\x00`) + `" is not an integer`},
		{name: "/dev/zero, which never ends", args: []string{"/dev/zero"}, code: 1, err: `/dev/zero:1: "` + long(`\x00`) + `" is not an integer`},
		// Very long lines.
		{name: "1 MB number", content: strings.Repeat("1", mb), code: 1, err: `F:1: "` + long("1") + `" is out of range (a signed 64-bit integer)`},
		{name: "1 MB word", content: "1\n" + strings.Repeat("x", mb), code: 1, err: `F:2: "` + long("x") + `" is not an integer`},
		{name: "1 MB of blanks, then a number", content: strings.Repeat(" \t", mb/2) + "5\n", vals: []int64{5}},
		{name: "1 MB comment", content: "# " + strings.Repeat("x", mb) + "\n5", vals: []int64{5}},
		{name: "1 MB line of numbers", content: nums, vals: numVals},
		// Line ends: CR, LF, tabs, vertical tabs and form feeds are white space.
		{name: "CRLF line ends", content: "12\r\n34\r\n", vals: []int64{12, 34}},
		{name: "CR line ends", content: "12\r34\r", vals: []int64{12, 34}},
		{name: "CRLF, error on line 2", content: "1\r\n2x\r\n", code: 1, err: `F:2: "2x" is not an integer`},
		{name: "tab, VT, FF", content: "\t1\v2\f3", vals: []int64{1, 2, 3}},
		// Digits of other scripts and look-alikes are not ASCII digits.
		{name: "Arabic-Indic digits", content: "١٢", code: 1, err: `F:1: "١٢" is not an integer`},
		{name: "fullwidth digits", content: "１２", code: 1, err: `F:1: "１２" is not an integer`},
		{name: "Devanagari digits", content: "१२", code: 1, err: `F:1: "१२" is not an integer`},
		{name: "superscript two", content: "²", code: 1, err: `F:1: "²" is not an integer`},
		{name: "Unicode minus", content: "\u22125", code: 1, err: "F:1: \"\u22125\" is not an integer"},
		{name: "no-break space", content: "1\u00a02", code: 1, err: "F:1: \"1\u00a02\" is not an integer"},
		{name: "UTF-8 byte order mark", content: "\ufeff12\n", code: 1, err: "F:1: \"\ufeff12\" is not an integer"},
		// Other notations.
		{name: "hexadecimal", content: "0x10", code: 1, err: `F:1: "0x10" is not an integer`},
		{name: "exponent", content: "1e3", code: 1, err: `F:1: "1e3" is not an integer`},
		{name: "thousands separator", content: "1,000", code: 1, err: `F:1: "1,000" is not an integer`},
		{name: "sign alone", content: "1 - 2", code: 1, err: `F:1: "-" is not an integer`},
		{name: "two signs", content: "+-1", code: 1, err: `F:1: "+-1" is not an integer`},
		{name: "signs and leading zeros", content: "007 +5 -3", vals: []int64{7, 5, -3}},
		// Nothing to work on.
		{name: "empty file", content: "", code: 1, err: "F: no data"},
		{name: "only comments", content: "# one\n# two", code: 1, err: "F: no data"},
		{name: "only blanks", content: "\n \t\r\n\v\f", code: 1, err: "F: no data"},
		{name: "a comment right after a number", content: "5#6\n7 # 8", vals: []int64{5, 7}},
		// The dialogue, stopped or broken midway.
		{name: "-i: 2 of 5 items, then EOF", args: []string{"-i"}, content: "5\n12\n34\n", code: 1, err: "stdin: expected 5 items, got 2"},
		{name: "-i: 2 of 5 items, no last newline", args: []string{"-i"}, content: "5\n12\n34", code: 1, err: "stdin: expected 5 items, got 2"},
		{name: "-i: the size only", args: []string{"-i"}, content: "3", code: 1, err: "stdin: expected 3 items, got 0"},
		{name: "-i: size not a number", args: []string{"-i"}, content: "5x\n1\n", code: 1, err: `stdin:1: dataset size: "5x" is not an integer`},
		{name: "-i: fullwidth size", args: []string{"-i"}, content: "５\n", code: 1, err: `stdin:1: dataset size: "５" is not an integer`},
		{name: "-i: negative size", args: []string{"-i"}, content: "-5\n1\n", code: 1, err: "stdin:1: dataset size -5 must be positive"},
		{name: "-i: huge size", args: []string{"-i"}, content: "99999999999999999999\n", code: 1, err: `stdin:1: dataset size: "99999999999999999999" is out of range (a signed 64-bit integer)`},
		{name: "-i: int64 max items, 1 given", args: []string{"-i"}, content: "9223372036854775807\n1\n", code: 1, err: "stdin: expected 9223372036854775807 items, got 1"},
		{name: "-i: CRLF", args: []string{"-i"}, content: "2\r\n5\r\n6\r\n", vals: []int64{5, 6}},
		{name: "-i: NUL in an item", args: []string{"-i"}, content: "2\n1\x00\n2\n", code: 1, err: `stdin:2: "1\x00" is not an integer`},
		{name: "-i: empty item", args: []string{"-i"}, content: "2\n1\n\n", code: 1, err: "stdin:3: expected an integer, got an empty line"},
		{name: "-i: two items on a line", args: []string{"-i"}, content: "2\n1 2\n", code: 1, err: `stdin:2: "1 2" is not an integer`},
		{name: "-i: 1 MB item", args: []string{"-i"}, content: "1\n" + strings.Repeat("1", mb) + "\n", code: 1, err: `stdin:2: "1` + long("1") + `" is out of range (a signed 64-bit integer)`},
		{name: "-i: /dev/zero", args: []string{"-i"}, stdin: "/dev/zero", code: 1, err: `stdin:1: dataset size: "\x00` + long(`\x00`) + `" is not an integer`},
		{name: "-i: ten-fold overflows", args: []string{"-i"}, content: "2\n1\n-922337203685477581\n", times10: true, code: 1, err: "stdin:3: -922337203685477581 * 10 overflows a 64-bit integer", vals: []int64{1, -922337203685477581}},
	}
}

// Malformed runs the lab on every malformed input of the table: each must
// give the correct output, or exactly one line on standard error with
// status 1 (2 for a usage error) — never a panic, a hang (Run's Deadline)
// or a leftover process or IPC object (Run's CheckClean).
func Malformed(t *testing.T, lab Lab) {
	dir := t.TempDir()
	for i, c := range malformedInputs(lab.Bin) {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(dir, "in"+strconv.Itoa(i)+".txt")
			args, stdin := c.args, ""
			if args == nil {
				if err := os.WriteFile(f, []byte(c.content), 0o644); err != nil {
					t.Fatal(err)
				}
				args = []string{f}
			} else {
				stdin = c.content
			}
			var r Result
			if c.stdin != "" {
				r = runStdinFile(t, lab.Bin, c.stdin, args...)
			} else {
				r = Run(t, lab.Bin, stdin, args...)
			}
			if strings.Contains(r.Stderr, "panic:") || strings.Contains(r.Stderr, "goroutine ") {
				t.Fatalf("%s %q panicked: %s", lab.Name, args, r.Stderr)
			}
			if c.err != "" && (!c.times10 || lab.Times10) {
				want := lab.Name + ": " + strings.ReplaceAll(c.err, "F:", f+":")
				line, rest, _ := strings.Cut(r.Stderr, "\n")
				ok := rest == "" && strings.HasSuffix(r.Stderr, "\n") && (line == want || c.prefix && strings.HasPrefix(line, want))
				if r.Code != c.code || !ok {
					t.Errorf("%s %q: status %d, stderr %.300q; want %d and the one line %.300q", lab.Name, args, r.Code, r.Stderr, c.code, want)
				}
				return
			}
			if r.Code != 0 || r.Stderr != "" {
				t.Fatalf("%s %q: status %d, stderr %.300q; want a correct run", lab.Name, args, r.Code, r.Stderr)
			}
			out := r.Stdout
			if len(args) > 0 && args[0] == "-i" {
				p := lab.Prompts.Size + strings.Repeat(lab.Prompts.Item, len(c.vals))
				if !strings.HasPrefix(out, p) {
					t.Fatalf("%s -i: stdout %.300q does not start with the prompts %q", lab.Name, out, p)
				}
				out = out[len(p):]
			}
			if d := lab.Check(c.vals, out); d != "" {
				t.Errorf("%s %q: %s", lab.Name, args, d)
			}
		})
	}
}

// runStdinFile is Run with the file name as standard input (/dev/zero).
func runStdinFile(t *testing.T, bin, name string, args ...string) Result {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	cmd := Command(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, &out, &errb
	err = cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Pid: cmd.Process.Pid, Code: exitCode(t, err)}
	if ctx.Err() != nil {
		t.Fatalf("%s %q < %s: no end within %v", filepath.Base(bin), args, name, Deadline)
	}
	CheckClean(t, r.Pid)
	return r
}
