package cli

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		rest []string
		b    bool
		s    string
		n    int
		err  string
	}{
		{nil, nil, false, "def", 7, ""},
		{[]string{"-b", "file"}, []string{"file"}, true, "def", 7, ""},
		{[]string{"--b=true", "-s", "x", "-n=3"}, nil, true, "x", 3, ""},
		{[]string{"-b", "-b=false", "--s=", "--n", "-4"}, nil, false, "", -4, ""},
		{[]string{"-", "-b"}, []string{"-", "-b"}, false, "def", 7, ""},
		{[]string{"--", "-b"}, []string{"-b"}, false, "def", 7, ""},
		{[]string{"-x"}, nil, false, "", 0, "unknown option -x (see t -h)"},
		{[]string{"-s"}, nil, false, "", 0, "-s needs a value (see t -h)"},
		{[]string{"-n", "z"}, nil, false, "", 0, `-n: "z" is not an integer`},
		{[]string{"-n", "99999999999999999999"}, nil, false, "", 0, `-n: "99999999999999999999" is not an integer`},
		{[]string{"-b=maybe"}, nil, false, "", 0, `-b: "maybe" is not true or false`},
		{[]string{"-d", "1.5s"}, nil, false, "", 0, `-d: "1.5s" is not a duration such as 500ms, 2s or 1m`},
		{[]string{"-b="}, nil, false, "", 0, `-b: "" is not true or false`},
	} {
		fs := NewFlagSet("t", "", &strings.Builder{})
		b := fs.Bool("b")
		s := fs.String("s", "def")
		n := fs.Int("n", 7)
		fs.Duration("d", 0)
		rest, err := fs.Parse(c.args)
		if c.err != "" {
			var u *UsageError
			if !errors.As(err, &u) || err.Error() != c.err {
				t.Errorf("Parse(%q) = %v, want usage error %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(rest, c.rest) || *b != c.b || *s != c.s || *n != c.n {
			t.Errorf("Parse(%q) = %q, %v (b=%v s=%q n=%d), want %q (b=%v s=%q n=%d)",
				c.args, rest, err, *b, *s, *n, c.rest, c.b, c.s, c.n)
		}
	}
}

func TestHelp(t *testing.T) {
	var out strings.Builder
	fs := NewFlagSet("t", "Usage: t [options]\n", &out)
	fs.Bool("trace")
	for _, h := range []string{"-h", "--help"} {
		out.Reset()
		if _, err := fs.Parse([]string{"-trace", h, "-x"}); err != ErrHelp {
			t.Fatalf("Parse(%s) = %v, want ErrHelp", h, err)
		}
		if out.String() != fs.Usage {
			t.Errorf("Parse(%s) printed %q, want %q", h, out.String(), fs.Usage)
		}
	}
	var w strings.Builder
	if code := Exit(&w, "t", ErrHelp); code != 0 || w.Len() != 0 {
		t.Errorf("Exit(ErrHelp) = %d, %q; want 0, nothing", code, w.String())
	}
}

func TestExit(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		out  string
	}{
		{errors.New("boom"), 1, "t: boom\n"},
		{Usage("bad flag"), 2, "t: bad flag\n"},
		{&Quiet{Err: errors.New("p1 exited with status 1")}, 1, ""},
		{Advise(errors.New("mq_open: invalid argument"), "raise msg_max"), 1, "t: mq_open: invalid argument (raise msg_max)\n"},
		{Advise(Usage("wrapped"), "hint"), 2, "t: wrapped (hint)\n"},
		{Unsupported("queues need Linux (try another build)"), 2, "t: queues need Linux (try another build)\n"},
		{&Named{Name: "mqlab", Err: Usage("bad")}, 2, "mqlab: bad\n"},
	} {
		var w strings.Builder
		if code := Exit(&w, "t", c.err); code != c.code || w.String() != c.out {
			t.Errorf("Exit(%v) = %d, %q; want %d, %q", c.err, code, w.String(), c.code, c.out)
		}
	}
}
