package main

import (
	"io"
	"os"

	"ipclab/internal/cli"
)

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "pipelab", err))
	}
}

// run is pipelab under WASI preview 1: without processes of its own it
// cannot start p1 and p2, but the host can join two pipelab.wasm (or a
// native pipelab and a wasm one) with a pipe, as send and recv.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		switch args[1] {
		case "send", "recv":
			return endCmd(args[1] == "send", args[2:], stdin, stdout, stderr)
		}
	}
	return cli.Unsupported("the lab's p1 and p2 need a Linux kernel; WASI preview 1 cannot start processes",
		"join two ends with a pipe instead: pipelab send FILE | pipelab recv")
}
