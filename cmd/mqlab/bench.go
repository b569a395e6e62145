//go:build linux

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd is "mqlab bench".
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Main("mqlab", args, stdout, stderr, bench.Mq, bench.Sysv)
}
