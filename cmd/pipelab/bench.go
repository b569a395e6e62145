//go:build bench

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd is "pipelab bench", built in with -tags bench (make bench).
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Main("pipelab", args, stdout, stderr, bench.Pipe, nil)
}
