package main

import (
	"errors"
	"io"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/ipc"
)

const sendUsage = `Usage: pipelab send [-fifo PATH] [-trace] [FILE]

Sends the integers in FILE (or standard input) as the lab's 8-byte records,
ending with the marker 0: to the named pipe PATH (created if missing, and
then removed at the end), or to standard output. "Messages Sent: X" goes to
standard output with -fifo, else to standard error.

Example: pipelab send testdata/pipe.txt | pipelab recv
         pipelab send -fifo /tmp/lab.fifo testdata/pipe.txt   (terminal 1)
         pipelab recv -fifo /tmp/lab.fifo                      (terminal 2)
`

const recvUsage = `Usage: pipelab recv [-fifo PATH] [-trace]

Reads the lab's records from the named pipe PATH (created if missing, and
then removed at the end) or from standard input, and prints
"Messages Received: X" for each until the end marker 0.
`

// send is "pipelab send": the lab's p1 on its own, for a pipe between two
// unrelated processes.
func send(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("pipelab send", sendUsage, stdout)
	fifo := fs.String("fifo", "")
	trace := fs.Bool("trace")
	rest, err := fs.Parse(args)
	if err != nil {
		return err
	}
	// Without -fifo, standard output carries the records: everything for
	// the user goes to standard error.
	msgs := stderr
	if *fifo != "" {
		msgs = stdout
	}
	d, err := input.Load(rest, stdin, msgs, false, pipeLab.Prompts)
	if err != nil {
		return err
	}
	lab.Trace(*trace, stderr, "send")
	fd, done, err := endpoint(*fifo, unix.O_WRONLY, 1, stderr)
	if err != nil {
		return err
	}
	defer done()
	out := cli.NewOutput(msgs)
	defer out.Flush()
	return sender(fd, d.Values, out, "")
}

// recv is "pipelab recv": the lab's p2 on its own.
func recv(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("pipelab recv", recvUsage, stdout)
	fifo := fs.String("fifo", "")
	trace := fs.Bool("trace")
	rest, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cli.Usage("recv takes no FILE: it reads standard input or -fifo PATH")
	}
	lab.Trace(*trace, stderr, "recv")
	fd, done, err := endpoint(*fifo, unix.O_RDONLY, 0, stderr)
	if err != nil {
		return err
	}
	defer done()
	out := cli.NewOutput(stdout)
	defer out.Flush()
	return receiver(fd, out, "")
}

// endpoint opens the FIFO at path (making it if missing) with flags, or
// returns std when path is empty. done closes it and removes a FIFO this
// process made — also when a signal ends the process, perhaps while it
// waits in open(2) for the other side.
func endpoint(path string, flags, std int, stderr io.Writer) (fd int, done func(), err error) {
	if path == "" {
		return std, func() {}, nil
	}
	made := false
	switch err := ipc.Mkfifo(path, 0o600); {
	case err == nil:
		made = true
	case !errors.Is(err, unix.EEXIST):
		return -1, nil, err
	}
	remove := func() {
		if made {
			unix.Unlink(path)
		}
	}
	stop := proc.ExitOnSignal("pipelab", stderr, remove)
	fd, err = ipc.OpenFIFO(path, flags)
	if err != nil {
		stop()
		remove()
		return -1, nil, err
	}
	return fd, func() {
		stop()
		ipc.Close(fd)
		remove()
	}, nil
}
