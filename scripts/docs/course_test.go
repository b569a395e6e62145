package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small trace of a pipe lab, as the labs write them.
const smallTrace = `  0.000019 [parent] pipe2([11, 12], O_CLOEXEC) = 0 <0.000007>
  0.000122 [parent] fork+exec(/proc/self/exe, p1) = 17189 <0.000790>
  0.000922 [parent] fork+exec(/proc/self/exe, p2) = 17193 <0.000640>
  0.001564 [parent] close(12) = 0
  0.002261 [p1] fd 4 = write end of the pipe (parent's fd 12)
  0.002416 [p2] fd 4 = read end of the pipe (parent's fd 11)
  0.002438 [p1] write(4, [12], 8) = 8 <0.000014>
  0.002443 [p2] read(4, [12], 8) = 8 <0.000009>
`

// inDir writes the files (name → contents) into a new root for the
// generators and returns the name of the trace "t" there.
func inDir(t *testing.T, files map[string]string) string {
	old := root
	root = t.TempDir()
	t.Cleanup(func() { root = old })
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return "t"
}

func TestAnnotatedTrace(t *testing.T) {
	for _, c := range []struct{ notes, want, err string }{
		// Numbered in the order of their lines, not of the notes.
		{"[p2] read(\n\tp2 reads.\n[p1] write(4, [12]\n\tp1 writes.\n",
			"    (1)   0.002438 [p1] write(4, [12], 8) = 8 <0.000014>\n    (2)   0.002443 [p2] read(4, [12], 8) = 8 <0.000009>\n\n1. p1 writes.\n2. p2 reads.\n", ""},
		{"[p1] read(\n\tno such line\n", "", `no line of t.trace contains "[p1] read("`},
		{"write(\n\tone\n[p1] write\n\ttwo\n", "", `"write(" and "[p1] write" are notes on one line`},
		{"\tno line\n", "", "a note before any line to match"},
	} {
		name := inDir(t, map[string]string{"t.trace": smallTrace, "t.notes": c.notes})
		got, err := annotatedTrace(name)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("annotatedTrace with notes %q: %v, want an error saying %q", c.notes, err, c.err)
			}
			continue
		}
		if err != nil || !strings.HasSuffix(got, c.want+"\n") {
			t.Errorf("annotatedTrace with notes %q = %q, %v; want it to end in %q", c.notes, got, err, c.want)
		}
	}
}

func TestFdTable(t *testing.T) {
	got, err := fdTable(inDir(t, map[string]string{"t.trace": smallTrace}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| | parent | p1 | p2 |\n",
		"| write end of the pipe | fd 12, closed after starting p2 | fd 4 | — |\n",
		"| read end of the pipe | fd 11 | — | fd 4 |\n",
		`p1 -->|"fd 4 (write end)"| o1`,
		`parent -.-|"fd 12 (write end), closed after starting p2"| o1`,
		`o1 -->|"fd 4 (read end)"| p2`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("fdTable = %s\nwant it to contain %q", got, want)
		}
	}
	if _, err := fdTable(inDir(t, map[string]string{"t.trace": smallTrace + "  0.003000 [p3] x\n"})); err == nil {
		t.Error("fdTable of a trace with a process the parent did not start: no error")
	}
}
