package main

import (
	"io"

	"ipclab/internal/cli"
	"ipclab/internal/input"
)

const sendUsage = `Usage: pipelab send [-fifo PATH] [-trace] [FILE]

Sends the integers in FILE (or standard input) as the lab's 8-byte records,
ending with the marker 0: to the named pipe PATH (created if missing, and
then removed at the end), or to standard output. "Messages Sent: X" goes to
standard output with -fifo, else to standard error. (The WASI build has
neither -fifo nor -trace.)

Example: pipelab send testdata/pipe.txt | pipelab recv
         pipelab send -fifo /tmp/lab.fifo testdata/pipe.txt   (terminal 1)
         pipelab recv -fifo /tmp/lab.fifo                      (terminal 2)
`

const recvUsage = `Usage: pipelab recv [-fifo PATH] [-trace]

Reads the lab's records from the named pipe PATH (created if missing, and
then removed at the end) or from standard input, and prints
"Messages Received: X" for each until the end marker 0. (The WASI build has
neither -fifo nor -trace.)
`

// end is the pipe end of "pipelab send" or "pipelab recv": standard output
// or input, or a named pipe with -fifo. Its methods check and open are
// per system (end_linux.go, end_wasip1.go).
type end struct {
	fifo  string // -fifo PATH, or ""
	trace bool   // -trace
	write bool   // send's end, else recv's
}

// endCmd is "pipelab send" (write) or "pipelab recv": the lab's p1 or p2
// on its own, for a pipe between two unrelated processes.
func endCmd(write bool, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	name, usage := "pipelab recv", recvUsage
	if write {
		name, usage = "pipelab send", sendUsage
	}
	fs := cli.NewFlagSet(name, usage, stdout)
	fifo := fs.String("fifo", "")
	trace := fs.Bool("trace")
	rest, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if !write && len(rest) > 0 {
		return cli.Usage("recv takes no FILE: it reads standard input or -fifo PATH")
	}
	e := end{fifo: *fifo, trace: *trace, write: write}
	if err := e.check(); err != nil {
		return err
	}
	msgs := stdout
	var values []int64
	if write {
		// Without -fifo, standard output carries the records: everything
		// for the user goes to standard error.
		if *fifo == "" {
			msgs = stderr
		}
		d, err := input.Load(rest, stdin, msgs, false, prompts)
		if err != nil {
			return err
		}
		values = d.Values
	}
	p, done, err := e.open(stderr)
	if err != nil {
		return err
	}
	out := cli.NewOutput(msgs)
	if write {
		err = sender(p, nil, values, out)
	} else {
		err = receiver(p, nil, out)
	}
	out.Flush()
	done()
	return err
}
