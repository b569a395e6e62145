package pipelab

import (
	"io"

	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/fd"
	"ipclab/internal/input"
)

// end is the pipe end of "pipelab send" or "pipelab recv": standard output
// or input, or a named pipe with -fifo. Its methods check and open are
// per system (end_linux.go, end_wasip1.go).
type end struct {
	fifo  string // -fifo PATH, or ""
	trace bool   // -trace
	write bool   // send's end, else recv's
}

func sendRun(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return endCmd(send, args, stdin, stdout, stderr)
}

func recvRun(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return endCmd(recv, args, stdin, stdout, stderr)
}

// endCmd is "pipelab send" or "pipelab recv" (c): the lab's p1 or p2 on
// its own, for a pipe between two unrelated processes.
func endCmd(c *command.Command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	write := c == send
	fs := c.Flags(stdout)
	fifo := fs.String("fifo", "")
	trace := fs.Bool("trace")
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if !write && len(rest) > 0 {
		return cli.Usage("recv takes no FILE: it reads standard input or -fifo PATH")
	}
	if write && *fifo == "" && fd.IsTerminal(stdout) {
		// The records are binary: on a terminal they would show as noise.
		return cli.Usage("send writes binary records to standard output, a terminal here: pipe them into recv (pipelab send FILE | pipelab recv), or name a FIFO (-fifo PATH)")
	}
	e := end{fifo: *fifo, trace: *trace, write: write}
	if err := e.check(); err != nil {
		return err
	}
	msgs := stdout
	var items input.Items
	if write {
		// Without -fifo, standard output carries the records: everything
		// for the user goes to standard error.
		if *fifo == "" {
			msgs = stderr
		}
		d, err := input.Load(rest, stdin, msgs, false, Prompts)
		if err != nil {
			return err
		}
		items = d
	}
	p, done, err := e.open(stderr)
	if err != nil {
		return err
	}
	out := cli.NewOutput(msgs)
	if write {
		err = sender(p, nil, items, out)
	} else {
		err = receiver(p, nil, out)
	}
	out.Flush()
	done()
	return err
}
