//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/pipelab"
	"ipclab/internal/text"
)

// TestMalformed: pipelab does not multiply, so it passes on every value
// an int64 holds; its children's lines interleave, each in its order.
func TestMalformed(t *testing.T) {
	labtest.Malformed(t, labtest.Lab{
		Bin: labtest.Build(t, "pipelab"), Name: "pipelab", Prompts: pipelab.Prompts,
		Check: func(vals []int64, stdout string) string {
			lines := text.Lines(stdout)
			sent, recv := labtest.WithPrefix(lines, "Messages Sent: "), labtest.WithPrefix(lines, "Messages Received: ")
			if d := text.Diff(sent, labtest.Itoa(vals, 1, "Messages Sent: ")); d != "" {
				return "p1's lines: " + d
			}
			if d := text.Diff(recv, labtest.Itoa(vals, 1, "Messages Received: ")); d != "" {
				return "p2's lines: " + d
			}
			if len(sent)+len(recv) != len(lines) {
				return "lines that are neither p1's nor p2's"
			}
			return ""
		},
	})
}
