package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "shmlab", err))
	}
}

// run refuses: WASI preview 1 has no memory shared between processes, nor
// a second process to share it with.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Unsupported("shared memory between processes needs a Linux kernel; WASI preview 1 has none", cli.TryNative)
}
