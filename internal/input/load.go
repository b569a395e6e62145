package input

import (
	"io"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
)

// Prompts are the lab sheet's dialogue lines.
type Prompts struct {
	_          [0]func() // not comparable: no equality function in the binary
	Size, Item string
}

// Load reads a lab's data as its command line asks: from the one FILE in
// args ("-" or none: standard input), or by the dialogue when dialogue is
// set or standard input is a terminal and no FILE was named.
func Load(args []string, stdin io.Reader, stdout io.Writer, dialogue bool, p Prompts) (*Data, error) {
	s, err := Open(args, stdin, stdout, dialogue, p)
	if err != nil {
		return nil, err
	}
	return collect(s)
}

// Open is Load's first half: a Scanner of the items, which it closes
// once Next has returned an error or io.EOF.
func Open(args []string, stdin io.Reader, stdout io.Writer, dialogue bool, p Prompts) (*Scanner, error) {
	if len(args) > 1 {
		return nil, cli.Usage("too many arguments: expected at most one FILE")
	}
	file := "-"
	if len(args) == 1 {
		file = args[0]
	}
	if dialogue && file != "-" {
		return nil, cli.Usage("-i reads the dialogue from standard input: drop " + file)
	}
	if file == "-" {
		if !dialogue && !fd.IsTerminal(stdin) {
			stdout = nil
		}
		return newScanner(stdin, "stdin", stdout, p), nil
	}
	f, err := open(file)
	if err != nil {
		return nil, errorAt(file, 0, err.Error())
	}
	s := newScanner(f, file, nil, p)
	s.file = f
	return s, nil
}
