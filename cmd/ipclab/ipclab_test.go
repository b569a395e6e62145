//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// suite builds ipclab and the three labs into one directory, as they are
// installed, and returns ipclab's path.
func suite(t *testing.T) string {
	for _, l := range []string{"pipelab", "mqlab", "shmlab"} {
		labtest.Build(t, l)
	}
	return labtest.Build(t, "ipclab")
}

func TestPass(t *testing.T) {
	bin := suite(t)
	for _, args := range [][]string{nil, {"-data", filepath.Dir(labtest.Testdata(t, "pipe.txt"))}} {
		r := labtest.Run(t, bin, "", args...)
		for _, want := range []string{
			"Messages Received: 423\n", "Queue elements:\n120\n340\n4230\n20\n10\n",
			"Sum(in main program): 1140\n", "ipclab: pipelab ok\n", "ipclab: mqlab ok\n", "ipclab: shmlab ok\n",
		} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("ipclab %q: output lacks %q:\n%s", args, want, r.Stdout)
			}
		}
		if r.Code != 0 || !strings.HasSuffix(r.Stdout, "\nipclab: 3/3 labs passed\n") {
			t.Errorf("ipclab %q: status %d, stderr %q, last line of %q; want 0 and the summary", args, r.Code, r.Stderr, r.Stdout)
		}
	}
}

// TestFailingLab proves that a lab giving wrong output fails the suite: in
// a copy of the installation, "mqlab" is really shmlab.
func TestFailingLab(t *testing.T) {
	bin := suite(t)
	dir := t.TempDir()
	for name, from := range map[string]string{"ipclab": "ipclab", "pipelab": "pipelab", "mqlab": "shmlab", "shmlab": "shmlab"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(bin), from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r := labtest.Run(t, filepath.Join(dir, "ipclab"), "")
	want := `ipclab: 2/3 labs passed; failed: mqlab (line 1 is "Result(in process p1): [120, 340, 4230, 20, 10]", want "Queue = list * 10")` + "\n"
	if r.Code != 1 || !strings.HasSuffix(r.Stdout, want) {
		t.Errorf("ipclab with a wrong mqlab: status %d, stdout ends %q; want 1, %q", r.Code, lastLine(r.Stdout), want)
	}
}

// TestFailingSample: a sample the lab rejects fails the suite with the
// lab's own message on stderr.
func TestFailingSample(t *testing.T) {
	bin := suite(t)
	dir := t.TempDir()
	for name, data := range map[string]string{"pipe.txt": "1 2 0\n", "queue.txt": "5\n", "shm.txt": "500000000000000000 500000000000000000\n"} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	r := labtest.Run(t, bin, "", "-data", dir)
	want := "ipclab: 2/3 labs passed; failed: shmlab (shmlab exited with status 1)\n"
	if r.Code != 1 || !strings.HasSuffix(r.Stdout, want) || !strings.Contains(r.Stderr, "the sum overflows") {
		t.Errorf("ipclab on an overflowing sample: status %d, stderr %q, stdout ends %q; want 1, %q", r.Code, r.Stderr, lastLine(r.Stdout), want)
	}
}

func lastLine(s string) string {
	l := text.Lines(s)
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

func TestChecks(t *testing.T) {
	for _, c := range []struct {
		name  string
		check func([]int64, []string) string
		vals  []int64
		out   string
		want  string
	}{
		{"pipe interleaved", checkPipe, []int64{5, 0}, "Messages Sent: 5\nMessages Received: 5\nMessages Sent: 0", ""},
		{"pipe without end", checkPipe, []int64{5}, "Messages Received: 5\nMessages Sent: 5", ""},
		{"pipe reordered", checkPipe, []int64{5, 6}, "Messages Sent: 6\nMessages Sent: 5\nMessages Received: 5\nMessages Received: 6",
			`p1: line 1 is "Messages Sent: 6", want "Messages Sent: 5"`},
		{"pipe stray line", checkPipe, []int64{5}, "Messages Sent: 5\nhello", `unexpected line "hello"`},
		{"pipe lost item", checkPipe, []int64{5, 6}, "Messages Sent: 5\nMessages Sent: 6\nMessages Received: 5",
			`p2: missing line "Messages Received: 6"`},
		{"queue", checkQueue, []int64{1, -2}, "Queue = list * 10\nQueue elements:\n10\n-20", ""},
		{"queue extra", checkQueue, []int64{1}, "Queue = list * 10\nQueue elements:\n10\n10", `unexpected line "10"`},
		{"shm", checkShm, []int64{22, 33}, "Result(in process p1): [220, 330]\nSum(in process p1): 550\nResult(in main program): [220, 330]\nSum(in main program): 550", ""},
		{"shm wrong sum", checkShm, []int64{22}, "Result(in process p1): [220]\nSum(in process p1): 0\nResult(in main program): [220]\nSum(in main program): 220",
			`line 2 is "Sum(in process p1): 0", want "Sum(in process p1): 220"`},
	} {
		if got := c.check(c.vals, text.Lines(c.out)); got != c.want {
			t.Errorf("%s: check(%v, %q) = %q, want %q", c.name, c.vals, c.out, got, c.want)
		}
	}
}
