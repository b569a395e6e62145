//go:build bench

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd is "mqlab bench", built in with -tags bench (make bench).
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Main("mqlab", args, stdout, stderr, bench.Mq, bench.Sysv)
}
