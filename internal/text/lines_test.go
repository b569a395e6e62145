package text

import (
	"slices"
	"testing"
)

func TestLines(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a\n", []string{"a"}},
		{"a", []string{"a"}},
		{"a\n\nb", []string{"a", "", "b"}},
		{"\n", []string{""}},
	} {
		if got := Lines(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Lines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		got, want []string
		diff      string
	}{
		{[]string{"a", "b"}, []string{"a", "b"}, ""},
		{[]string{"a", "c"}, []string{"a", "b"}, `line 2 is "c", want "b"`},
		{[]string{"a", "b"}, []string{"a"}, `unexpected line "b"`},
		{[]string{"a"}, []string{"a", "b"}, `missing line "b"`},
		{nil, nil, ""},
	} {
		if d := Diff(c.got, c.want); d != c.diff {
			t.Errorf("Diff(%q, %q) = %q, want %q", c.got, c.want, d, c.diff)
		}
	}
}
