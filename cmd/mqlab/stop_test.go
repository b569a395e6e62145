//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
)

// TestStop: a stopped child makes the lab give up after -timeout; one
// continued in time lets it end well. -prio holds at most nine items, and
// p2 starts only when p1 has ended: p1 alone is caught mid-run.
func TestStop(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	many, _ := labtest.Numbers(100000)
	both := []string{"p1", "p2"}
	for _, c := range []struct {
		name    string
		args    []string
		input   string
		roles   []string
		victims []string
	}{
		{"posix", nil, many, both, both},
		{"sysv", []string{"-sysv"}, many, both, both},
		{"notify", []string{"-notify"}, many, both, both},
		{"prio", []string{"-prio"}, "5\n6\n7\n8\n9\n", []string{"p1"}, []string{"p1"}},
		{"sysv prio", []string{"-sysv", "-prio"}, "5\n6\n7\n8\n9\n", []string{"p1"}, []string{"p1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			labtest.Stops(t, bin, "mqlab", c.input, c.args, c.roles, c.victims, nil)
		})
	}
}
