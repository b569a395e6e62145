package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "mqlab", err))
	}
}

// run refuses: WASI preview 1 has no message queues, nor a second process
// to share one with.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Unsupported("message queues need a Linux kernel; WASI preview 1 has none", cli.TryNative)
}
