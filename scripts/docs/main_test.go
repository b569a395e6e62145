package main

import (
	"os"
	"strings"
	"testing"
)

// TestUpToDate fails when the doc comments or the README's generated
// blocks differ from what the command table gives: run make docs.
func TestUpToDate(t *testing.T) {
	stale, err := run("../..", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stale {
		t.Errorf("%s is stale: run make docs (go run ./scripts/docs)", s)
	}
}

// TestReadmeSynopses: the README shows every program's synopsis, generated.
func TestReadmeSynopses(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands() {
		if !strings.Contains(string(b), "<!-- gen:synopsis "+c.Name+" -->") {
			t.Errorf("README.md has no generated synopsis of %s (<!-- gen:synopsis %s -->)", c.Name, c.Name)
		}
	}
}

func TestReplaceSection(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"// A\n// Synopsis:\n//\told\n// Description:\n", "// A\n// Synopsis:\nNEW// Description:\n", ""},
		{"// Synopsis:\n", "", `no "// Description:" line after "// Synopsis:"`},
		{"nothing\n", "", `no "// Synopsis:" line`},
	} {
		got, err := replaceSection([]byte(c.in), "// Synopsis:\n", "// Description:\n", "NEW")
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("replaceSection(%q) = %v, want error %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("replaceSection(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	in := "a\n<!-- gen:synopsis shmlab -->\nstale\n<!-- /gen -->\nb\n"
	got, err := markdown([]byte(in))
	if err != nil || !strings.HasPrefix(string(got), "a\n<!-- gen:synopsis shmlab -->\n\n    shmlab [-i]") ||
		!strings.HasSuffix(string(got), "\n\n<!-- /gen -->\nb\n") || strings.Contains(string(got), "stale") {
		t.Errorf("markdown(%q) = %q, %v", in, got, err)
	}
	if _, err := markdown([]byte("<!-- gen:nonsense -->\n<!-- /gen -->\n")); err == nil {
		t.Error("markdown of an unknown block: no error")
	}
}
