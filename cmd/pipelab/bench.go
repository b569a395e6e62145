//go:build linux

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd is "pipelab bench".
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Main("pipelab", args, stdout, stderr, bench.Pipe, nil)
}
