//go:build linux

// Pipelab shows inter-process communication through a pipe, as the lab
// sheet asks: the parent creates a pipe and two children, p1 sends the items
// through it and p2 receives them, until the end marker 0.
//
// Synopsis:
//
//	pipelab [-i] [-trace] [FILE]
//	pipelab send [-fifo PATH] [-trace] [FILE]
//	pipelab recv [-fifo PATH] [-trace]
//
// Description:
//
// The data are integers separated by white space in FILE, or on standard
// input when FILE is absent or "-"; '#' starts a comment. The parent makes
// the pipe with pipe2(O_CLOEXEC) and starts p1 and p2 by executing itself
// again, handing p1 the write end and p2 the read end. p1 writes each item
// as one 8-byte record (less than PIPE_BUF, so every write is atomic) and
// prints "Messages Sent: X"; p2 reads records and prints
// "Messages Received: X" until the record 0, the sheet's end of file. When
// the data hold no 0, p1 sends it after the last item. The two children run
// at the same time, so their lines interleave.
//
// "pipelab send" and "pipelab recv" are p1 and p2 on their own, joined by
// the shell's pipe or by the named pipe PATH. They are all the WASI build
// (GOOS=wasip1) has: there the host joins two processes' standard output
// and input with a pipe, and the other modes exit with status 2.
//
// Options:
//
//	-i          the sheet's dialogue: "Enter dataset size: ", then
//	            "Enter the data: " per item (default on a terminal)
//	-trace      print each IPC system call to standard error
//	-fifo PATH  (send, recv) the named pipe PATH, made if missing and
//	            removed by whoever made it, instead of standard output
//	            or input
//
// Example:
//
//	$ pipelab testdata/pipe.txt
//	Messages Sent: 12
//	Messages Received: 12
//	...
package main

import (
	"errors"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/ipc"
)

var pipeLab = &lab.Lab{
	Name: "pipelab",
	Usage: `Usage: pipelab [options] [FILE]

Sends the integers in FILE (or standard input) from process p1 to process p2
through a pipe; the data end at the first 0.

Options:
` + lab.Common + `
Example: pipelab testdata/pipe.txt
         printf '5\n12\n34\n423\n2\n0\n' | pipelab -i
`,
	Prompts: prompts,
}

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "pipelab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if role, rest, ok := proc.Role(args); ok {
		return proc.Orphaned(child(role, lab.Child(role, rest, stderr), stdout))
	}
	if len(args) > 1 {
		switch args[1] {
		case "send":
			return send(args[2:], stdin, stdout, stderr)
		case "recv":
			return recv(args[2:], stdin, stdout, stderr)
		case "bench":
			return benchCmd(args, stdout, stderr)
		}
	}
	r := pipeLab.Flags(stdout)
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	d, err := r.Data(rest, stdin, stdout)
	if err != nil {
		return err
	}
	for i, v := range d.Values {
		if v == 0 && i < len(d.Values)-1 {
			io.WriteString(stderr, "pipelab: "+d.Name+":"+strconv.Itoa(d.Lines[i])+
				": the data end at this 0; "+strconv.Itoa(len(d.Values)-1-i)+" item(s) after it are not sent\n")
			d.Values = d.Values[:i+1]
			break
		}
	}
	return parent(r, args[0], d.Values, stdout, stderr)
}

func parent(r *lab.Run, prog string, values []int64, stdout, stderr io.Writer) error {
	g, err := r.Group(prog, stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	rd, wr, err := ipc.Pipe2(unix.O_CLOEXEC)
	if err != nil {
		return err
	}
	data, err := proc.DataFile(values)
	if err != nil {
		unix.Close(rd)
		unix.Close(wr)
		return err
	}
	_, err = g.Start("p1", []int{wr, data}, r.ChildArgs()...)
	if err == nil {
		_, err = g.Start("p2", []int{rd}, r.ChildArgs()...)
	}
	// The parent keeps no end of the pipe: when p1 ends, p2 must see EOF.
	ipc.Close(wr)
	ipc.Close(rd)
	unix.Close(data)
	if err != nil {
		return err
	}
	return g.Wait()
}

func child(role string, args []string, stdout io.Writer) error {
	out := cli.NewOutput(stdout)
	defer out.Flush()
	const ch = proc.FirstFD // the pipe end
	switch role {
	case "p1":
		values, err := proc.ReadData(ch + 1)
		if err != nil {
			return err
		}
		return childError("p1: ", sender(pipeEnd(ch), values, out))
	case "p2":
		return childError("p2: ", receiver(pipeEnd(ch), out))
	}
	return errors.New("unknown role " + role)
}

// childError prefixes a child's error with its role. A child whose peer
// went away exits quietly: the parent explains why.
func childError(who string, err error) error {
	if err == nil {
		return nil
	}
	gone := err == errReaderGone || err == errEarlyEnd
	err = errors.New(who + err.Error())
	if gone {
		return proc.LostPeer(err)
	}
	return err
}
