//go:build linux

package suite

import (
	"testing"

	"ipclab/internal/text"
)

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
