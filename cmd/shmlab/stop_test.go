//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
)

// TestStop: a stopped child makes the lab give up after -timeout, whether
// the parent waits for p1's results or p2 for p1's items (or p1 for room
// in the ring); one continued in time lets it end well.
func TestStop(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	many, _ := labtest.Numbers(100000)
	for _, kind := range []string{"-sysv", "-posix", "-memfd"} {
		t.Run(kind[1:], func(t *testing.T) {
			labtest.Stops(t, bin, "shmlab", many, []string{kind}, []string{"p1"}, []string{"p1"}, nil)
		})
		t.Run(kind[1:]+" stream", func(t *testing.T) {
			both := []string{"p1", "p2"}
			labtest.Stops(t, bin, "shmlab", many, []string{"-stream", kind}, both, both, nil)
		})
	}
}
