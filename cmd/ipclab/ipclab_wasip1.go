package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "ipclab", err))
	}
}

// run refuses: it runs the labs as processes, which WASI preview 1 cannot
// start.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Unsupported("running the labs needs a Linux kernel; WASI preview 1 cannot start processes", cli.TryNative)
}
