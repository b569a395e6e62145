//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// An example is a command of a code block and the output shown under it.
type example struct {
	Line    int
	Command string
	Output  []string
}

// examples returns md's commands ($ …) that show their output.
func examples(md string) []example {
	var exs []example
	var cur *example
	for i, line := range strings.Split(withoutBlocks(md), "\n") {
		if !strings.HasPrefix(line, "    ") {
			cur = nil
			continue
		}
		l := strings.TrimPrefix(line, "    ")
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			exs = append(exs, example{Line: i + 1, Command: c})
			cur = &exs[len(exs)-1]
			continue
		}
		if cur != nil {
			cur.Output = append(cur.Output, l)
		}
	}
	return slices.DeleteFunc(exs, func(e example) bool { return len(e.Output) == 0 })
}

// TestReadmeExamples runs each command of the README that shows its
// output, with the labs built from this tree on PATH, in the module's
// root's testdata, and compares what it prints with what the README
// shows, line by line but in any order (p1's and p2's lines interleave as
// the scheduler has it).
func TestReadmeExamples(t *testing.T) {
	var dir string
	for _, lab := range []string{"pipelab", "mqlab", "shmlab", "ipclab"} {
		dir = filepath.Dir(labtest.Build(t, lab))
	}
	// A directory of its own, for the files an example writes, with the
	// module's testdata.
	work := t.TempDir()
	abs, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(work, "testdata")); err != nil {
		t.Fatal(err)
	}
	exs := examples(readDoc(t, "README.md"))
	if len(exs) == 0 {
		t.Fatal("no examples with output in README.md")
	}
	for _, ex := range exs {
		ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
		cmd := exec.CommandContext(ctx, "sh", "-c", ex.Command)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
		b, err := cmd.CombinedOutput()
		cancel()
		got := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		want := slices.Clone(ex.Output)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("README.md:%d: $ %s\n(%v) printed\n\t%s\nthe README shows\n\t%s", ex.Line, ex.Command, err,
				strings.Join(strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), "\n\t"), strings.Join(ex.Output, "\n\t"))
		}
	}
}
