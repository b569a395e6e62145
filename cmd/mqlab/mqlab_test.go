//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

var modes = [][]string{{}, {"-sysv"}}

func TestSample(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	want := "Queue = list * 10\nQueue elements:\n120\n340\n4230\n20\n10\n"
	for _, m := range modes {
		r := labtest.Run(t, bin, "", append(m, labtest.Testdata(t, "queue.txt"))...)
		if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
			t.Errorf("mqlab %q: status %d\nstdout %q\nstderr %q\nwant stdout %q", m, r.Code, r.Stdout, r.Stderr, want)
		}
	}
}

func TestDialogue(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	want := "Enter the datasize: " + strings.Repeat("Enter the data: ", 5) +
		"Queue = list * 10\nQueue elements:\n120\n340\n4230\n20\n10\n"
	for _, m := range modes {
		r := labtest.Run(t, bin, "5\n12\n34\n423\n2\n1\n", append(m, "-i")...)
		if r.Code != 0 || r.Stdout != want {
			t.Errorf("mqlab -i %q: status %d, stdout %q, stderr %q; want %q", m, r.Code, r.Stdout, r.Stderr, want)
		}
	}
}

// TestSizes moves generated data through the 10-message queue; the sheet's
// program hangs from about 5,000 items.
func TestSizes(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	for _, n := range []int{1, 1000, 100000} {
		in, vals := labtest.Numbers(n)
		want := labtest.Join(append([]string{"Queue = list * 10", "Queue elements:"}, labtest.Itoa(vals, 10, "")...)...)
		for _, m := range modes {
			r := labtest.Run(t, bin, in, m...)
			if r.Code != 0 || r.Stdout != want {
				t.Errorf("mqlab %q with %d items: status %d, stderr %q, stdout differs (%d bytes, want %d)",
					m, n, r.Code, r.Stderr, len(r.Stdout), len(want))
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	labtest.BadInputs(t, labtest.Build(t, "mqlab"), "mqlab")
}

func TestOverflow(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	f := filepath.Join(t.TempDir(), "big.txt")
	os.WriteFile(f, []byte("1\n2\n922337203685477581\n"), 0o644)
	r := labtest.Run(t, bin, "", f)
	if want := "mqlab: " + f + ":3: 922337203685477581 * 10 overflows a 64-bit integer\n"; r.Code != 1 || r.Stderr != want {
		t.Errorf("mqlab overflow: status %d, stderr %q; want 1, %q", r.Code, r.Stderr, want)
	}
}

// TestQueueLimit lowers RLIMIT_MSGQUEUE to nothing (it binds root too): the
// queue cannot be made, and the error says which limit to raise.
func TestQueueLimit(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	prlimit := labtest.Tool(t, "prlimit")
	r := labtest.Run(t, prlimit, "", "--msgqueue=0", "--", bin, labtest.Testdata(t, "queue.txt"))
	if !strings.HasPrefix(r.Stderr, "mqlab: mq_open: too many open files (") || !strings.Contains(r.Stderr, "ulimit -q") || r.Code != 1 {
		t.Errorf("mqlab under RLIMIT_MSGQUEUE=0: status %d, stderr %q; want 1 and advice on ulimit -q", r.Code, r.Stderr)
	}
}

func TestFaults(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	in, _ := labtest.Numbers(200000)
	for _, m := range modes {
		t.Run(strings.Join(append([]string{"posix"}, m...)[len(m):], ""), func(t *testing.T) {
			labtest.Faults(t, bin, "mqlab", in, m, "p1", "p2")
		})
	}
}

// TestStreamed: past what mqlab reads before it starts p1, a bad item
// still ends the run with one line, and the dialogue still works.
func TestStreamed(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	for _, m := range modes {
		labtest.LateError(t, bin, "mqlab", m...)
	}
	labtest.LongDialogue(t, bin, "mqlab", "Enter the datasize: ", 20000, func(stdout string) string {
		if n := strings.Count(stdout, "\n"); n != 20002 {
			return "stdout has " + strconv.Itoa(n) + " lines, want the header, the title and 20,000 items"
		}
		return ""
	})
}
