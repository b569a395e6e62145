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

// TestExamples runs each command of the README and docs/wasi.md that
// shows its output, and compares what it prints with what the page shows,
// line by line but in any order (p1's and p2's lines interleave as the
// scheduler has it). It runs them in a directory of their own, holding
// the module's go.mod (for go tool wazero), testdata and scripts, and the
// labs built from this tree as out/bin/ and out/wasm/ and on PATH. A
// command left running in the background (&) is not run.
func TestExamples(t *testing.T) {
	work := t.TempDir()
	for _, d := range []string{"out/bin", "out/wasm"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, lab := range []string{"pipelab", "mqlab", "shmlab", "ipclab"} {
		symlink(t, labtest.Build(t, lab), filepath.Join(work, "out/bin", lab))
	}
	for _, lab := range []string{"pipelab", "mqlab", "shmlab"} {
		symlink(t, labtest.BuildWASM(t, lab), filepath.Join(work, "out/wasm", lab+".wasm"))
	}
	for _, f := range []string{"go.mod", "go.sum", "scripts"} {
		abs, _ := filepath.Abs(filepath.Join("../..", f))
		symlink(t, abs, filepath.Join(work, f))
	}
	// A copy, not a link: a WASI runtime's mount may refuse to follow one.
	if err := os.CopyFS(filepath.Join(work, "testdata"), os.DirFS("../../testdata")); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, page := range []string{"README.md", "docs/wasi.md"} {
		for _, ex := range examples(readDoc(t, page)) {
			if strings.HasSuffix(strings.TrimSpace(ex.Command), "&") {
				continue
			}
			n++
			ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
			cmd := exec.CommandContext(ctx, "sh", "-c", ex.Command)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "PATH="+filepath.Join(work, "out/bin")+":"+os.Getenv("PATH"))
			b, err := cmd.CombinedOutput()
			cancel()
			out := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			got, want := slices.Clone(out), slices.Clone(ex.Output)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s:%d: $ %s\n(%v) printed\n\t%s\nthe page shows\n\t%s", page, ex.Line, ex.Command, err,
					strings.Join(out, "\n\t"), strings.Join(ex.Output, "\n\t"))
			}
		}
	}
	if n == 0 {
		t.Fatal("no examples with output")
	}
}

func symlink(t *testing.T, old, new string) {
	t.Helper()
	if err := os.Symlink(old, new); err != nil {
		t.Fatal(err)
	}
}
