//go:build linux

package campaign

import (
	"strings"
	"testing"
)

// TestCheckers proves the checks can fail: each must take the right
// output for 1..3 and refuse a lost, repeated or reordered message.
func TestCheckers(t *testing.T) {
	for _, c := range []struct {
		name  string
		check checker
		out   string
		ok    bool
	}{
		{"pipe", checkPipe, "Messages Sent: 1\nMessages Received: 1\nMessages Sent: 2\nMessages Sent: 3\nMessages Received: 2\nMessages Received: 3\n", true},
		{"pipe lost", checkPipe, "Messages Sent: 1\nMessages Sent: 2\nMessages Sent: 3\nMessages Received: 1\nMessages Received: 3\n", false},
		{"pipe short", checkPipe, "Messages Sent: 1\nMessages Sent: 2\nMessages Sent: 3\nMessages Received: 1\nMessages Received: 2\n", false},
		{"queue", checkQueue, "Queue = list * 10\nQueue elements:\n10\n20\n30\n", true},
		{"queue reordered", checkQueue, "Queue = list * 10\nQueue elements:\n20\n10\n30\n", false},
		{"queue repeated", checkQueue, "Queue = list * 10\nQueue elements:\n10\n20\n30\n30\n", false},
		{"lines", checkLines, "1\n2\n3\n", true},
		{"lines cut", checkLines, "1\n2\n3", false},
		{"shm", checkShm, "Result(in process p1): [10, 20, 30]\nSum(in process p1): 60\nResult(in main program): [10, 20, 30]\nSum(in main program): 60\n", true},
		{"shm wrong", checkShm, "Result(in process p1): [10, 20, 30]\nSum(in process p1): 60\nResult(in main program): [10, 30, 30]\nSum(in main program): 60\n", false},
		{"count", checkCount, "3 items, checksum 14 (verified), 1000 items/s\n", true},
		{"count wrong", checkCount, "3 items, checksum 13 (wrong), 1000 items/s\n", false},
		{"writers", checkWriters, "Writer 1 sent 2 records\nWriter 2 sent 1 record\nReceived 3 records from 8 writers: none torn, each writer's complete and in order\n", true},
		{"writers short", checkWriters, "Writer 1 sent 2 records\nReceived 3 records from 8 writers: none torn, each writer's complete and in order\n", false},
	} {
		err := c.check(strings.NewReader(c.out), 3)
		if (err == nil) != c.ok {
			t.Errorf("%s: check(%q, 3) = %v, want ok %v", c.name, c.out, err, c.ok)
		}
	}
}
