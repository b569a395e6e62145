//go:build linux

package main

import (
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// who says which process printed a line of the lab: p1 the messages it
// sent and their acknowledgements, writer N its count, p2 (or the reader)
// the rest.
func who(line string) string {
	switch {
	case strings.HasPrefix(line, "Messages Sent: "), strings.HasPrefix(line, "Ack: "):
		return "p1"
	case strings.HasPrefix(line, "Writer "):
		return line[:strings.Index(line, " sent")]
	}
	return "p2"
}

// TestStop: a stopped child makes the lab give up after -timeout; one
// continued in time lets it end well.
func TestStop(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	many, _ := labtest.Numbers(100000)
	some, _ := labtest.Numbers(10000)
	writers := []string{"writer1", "writer2", "writer3", "writer4", "reader"}
	for _, c := range []struct {
		name    string
		args    []string
		input   string
		roles   []string
		victims []string
	}{
		{"pipe", nil, many, []string{"p1", "p2"}, []string{"p1", "p2"}},
		{"duplex", []string{"-duplex"}, some, []string{"p1", "p2"}, []string{"p1", "p2"}},
		{"writers", []string{"-writers", "4"}, some, writers, []string{"writer2", "reader"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			labtest.Stops(t, bin, "pipelab", c.input, c.args, c.roles, c.victims, who)
		})
	}
}
