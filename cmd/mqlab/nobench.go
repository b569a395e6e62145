//go:build !bench

package main

import (
	"io"

	"ipclab/internal/bench"
)

// benchCmd says that "mqlab bench" is not in this build: it would take the
// binary over its size budget (see bench.Missing).
func benchCmd(args []string, stdout, stderr io.Writer) error {
	return bench.Missing("mqlab")
}
