package ipc

import "testing"

func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"4x", `"4x"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"1\x002\n\t\r\x7f", `"1\x002\n\t\r\x7f"`},
		{"١٢", `"١٢"`},
		{"\x1b[1m", `"\x1b[1m"`},
		{"\xff\xfe", `"\xff\xfe"`},
	} {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}
