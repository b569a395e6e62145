//go:build linux

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd is "shmlab bench".
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Main("shmlab", args, stdout, stderr, bench.Shm, nil)
}
