package text

import (
	"math"
	"strconv"
	"testing"
)

func TestParseInt(t *testing.T) {
	for _, c := range []struct {
		in      string
		v       int64
		ok, big bool
	}{
		{"0", 0, true, false},
		{"+12", 12, true, false},
		{"-12", -12, true, false},
		{"9223372036854775807", math.MaxInt64, true, false},
		{"-9223372036854775808", math.MinInt64, true, false},
		{"9223372036854775808", 0, false, true},
		{"-9223372036854775809", 0, false, true},
		{"99999999999999999999999", 0, false, true},
		{"", 0, false, false},
		{"-", 0, false, false},
		{"1x", 0, false, false},
		{"99999999999999999999x", 0, false, false},
		{" 1", 0, false, false},
	} {
		v, ok, big := ParseInt(c.in)
		if v != c.v || ok != c.ok || big != c.big {
			t.Errorf("ParseInt(%q) = %d, %v, %v; want %d, %v, %v", c.in, v, ok, big, c.v, c.ok, c.big)
		}
	}
}

// FuzzParseInt: ParseInt agrees with strconv.ParseInt on every input.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-9223372036854775808", "9223372036854775808", "+", "1_000", "0x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok, big := ParseInt(s)
		w, err := strconv.ParseInt(s, 10, 64)
		if ok != (err == nil) || (ok && v != w) {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv says %d, %v", s, v, ok, w, err)
		}
		// strconv may call "20000000000000000000A" out of range, having met
		// the overflow before the letter; ParseInt calls it no integer. So
		// big must agree with strconv for well-formed numbers only.
		if !wellFormed(s) {
			if ok || big {
				t.Fatalf("ParseInt(%q) = %d, ok %v, big %v; want neither", s, v, ok, big)
			}
			return
		}
		if ne, isNum := err.(*strconv.NumError); big != (isNum && ne.Err == strconv.ErrRange) {
			t.Fatalf("ParseInt(%q) big = %v; strconv says %v", s, big, err)
		}
	})
}

// wellFormed reports whether s is an optional sign and decimal digits.
func wellFormed(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		in string
		ns int64
		ok bool
	}{
		{"500ms", 500e6, true},
		{"2s", 2e9, true},
		{"1m", 60e9, true},
		{"750us", 750e3, true},
		{"10ns", 10, true},
		{"0s", 0, true},
		{"0", 0, true},
		{"1.5s", 0, false},
		{"-1s", 0, false},
		{"s", 0, false},
		{"5", 0, false},
		{"5h", 0, false},
		{"9999999999999s", 0, false},
	} {
		ns, ok := ParseDuration(c.in)
		if ns != c.ns || ok != c.ok {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d, %v", c.in, ns, ok, c.ns, c.ok)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want string
	}{
		{0, "0ns"}, {10, "10ns"}, {750e3, "750000ns"}, {500e6, "500ms"}, {1500e6, "1500ms"},
		{2e9, "2s"}, {60e9, "60s"}, {90e9, "90s"},
	} {
		got := FormatDuration(c.ns)
		if got != c.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", c.ns, got, c.want)
		}
		if ns, ok := ParseDuration(got); !ok || ns != c.ns {
			t.Errorf("ParseDuration(FormatDuration(%d)) = %d, %v", c.ns, ns, ok)
		}
	}
}
