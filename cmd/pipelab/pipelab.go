//go:build linux

// Pipelab shows inter-process communication through a pipe, as the lab
// sheet asks: the parent creates a pipe and two children, p1 sends the items
// through it and p2 receives them, until the end marker 0.
//
// Synopsis:
//
//	pipelab [-i] [-trace] [-timeout D] [-duplex] [FILE]
//	pipelab [-i] [-trace] [-timeout D] -writers N [-size BYTES] [FILE]
//	pipelab send [-fifo PATH] [-trace] [FILE]
//	pipelab recv [-fifo PATH] [-trace]
//	pipelab bench [-mode thr|lat] [-size BYTES] [-count N] [-json]
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
// With -duplex the parent makes two pipes, the sheet's "two pipes for two
// way communication": p2 sends each record it receives back to p1 through
// the second pipe, and p1 waits for it before sending the next and prints
// "Ack: X" under "Messages Sent: X". The end marker 0 is acknowledged too,
// so p1 knows that p2 has everything before it ends; p1 prints "Ack: 0"
// only when the data hold the 0 (and it printed "Messages Sent: 0").
//
// With -writers N (1 to 64) N writer processes share the one pipe and a
// reader checks what comes out. The items are dealt out in turn (item i to
// writer i%N+1); the first 0 still ends the data but is not sent, since each
// writer ends by closing its end and the reader stops at end of file, when
// all have. Each record is BYTES long (default 4096, PIPE_BUF, the largest
// write POSIX makes atomic; 24 to 1048576): the writer's number, its
// sequence number and the item, then a pattern derived from the first two.
// Each writer prints "Writer W sent K records"; the reader prints, last, one
// verdict, "Received R records from N writers: none torn, each writer's
// complete and in order", or how many records were torn, out of their
// writer's order or missing (not received whole), and then fails. Above
// PIPE_BUF nothing is promised: Linux may tear a record whenever its writer
// has to wait for room in the middle of it, and with several writers it
// tears most records larger than the pipe's buffer (64 KiB with 4 KiB
// pages) and many whose size is not a multiple of the page size.
//
// "pipelab send" and "pipelab recv" are p1 and p2 on their own, joined by
// the shell's pipe or by the named pipe PATH. They are all the WASI build
// (GOOS=wasip1) has: there the host joins two processes' standard output
// and input with a pipe, and the other modes exit with status 2.
//
// "pipelab bench" measures the pipe against the workloads of the C
// reference bench/ref.c, between the lab and a child: thr streams COUNT
// messages of SIZE bytes (default 64) one way, lat times COUNT round
// trips; every message carries a sequence number the receiver checks, and
// -json prints ref.c's line. See internal/bench, and "pipelab bench -h".
//
// Options:
//
//	-i          the sheet's dialogue: "Enter dataset size: ", then
//	            "Enter the data: " per item (default on a terminal)
//	-trace      print each IPC system call to standard error
//	-timeout D  give up when p1, p2, a writer or the reader stays stopped
//	            (kill -STOP, say) for D, as its peer would wait for ever:
//	            the parent says so, ends the lab and exits 1 (500ms, 2s,
//	            1m; default 10s; 0 waits for ever)
//	-duplex     a second pipe carries p2's acknowledgements back to p1
//	-writers N  N writers (1 to 64) share the pipe; a reader checks it
//	-size BYTES (with -writers) the record size, default 4096 (PIPE_BUF)
//	-fifo PATH  (send, recv) the named pipe PATH, made if missing and
//	            removed by whoever made it, instead of standard output
//	            or input; a guard child makes it and removes it should
//	            pipelab be killed (there is no signal handler)
//
// Example:
//
//	$ pipelab testdata/pipe.txt
//	Messages Sent: 12
//	Messages Received: 12
//	...
//	$ pipelab -writers 8 FILE     # FILE holding 10,000 items
//	Writer 3 sent 1250 records
//	...
//	Received 10000 records from 8 writers: none torn, each writer's complete and in order
package main

import (
	"errors"
	"io"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
	"ipclab/internal/input"
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
  -duplex   a second pipe: p2 acknowledges each message to p1 ("Ack: X")
  -writers N
            N writers (1 to 64) share the pipe, each sending its share of the
            items; a reader checks that no record was torn or reordered
  -size BYTES
            with -writers: the record size, 24 to 1048576 (default 4096,
            PIPE_BUF; larger writes may tear)
` + lab.Common + `
Example: pipelab testdata/pipe.txt
         printf '5\n12\n34\n423\n2\n0\n' | pipelab -i
         pipelab -duplex testdata/pipe.txt
         seq 10000 | pipelab -writers 8
`,
	Prompts: prompts,
}

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "pipelab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if ok, err := proc.AsChild(args, func(role string, rest []string) error {
		return child(role, lab.Child(role, rest, stderr), stdout)
	}); ok {
		return err
	}
	if len(args) > 1 {
		switch args[1] {
		case "send", "recv":
			return endCmd(args[1] == "send", args[2:], stdin, stdout, stderr)
		case "bench":
			return bench.Main("pipelab", args, stdout, stderr, bench.Pipe, nil)
		}
	}
	r := pipeLab.Flags(stdout)
	duplex := r.Flags.Bool("duplex")
	// One call in a loop: each inlined definition costs the binary bytes.
	var opts [2]*string // -writers, -size
	for i, name := range []string{"writers", "size"} {
		opts[i] = r.Flags.String(name, unset)
	}
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	m, err := parseMode(*duplex, *opts[0], *opts[1])
	if err != nil {
		return err
	}
	d, err := r.Data(rest, stdin, stdout)
	if err != nil {
		return err
	}
	for i, v := range d.Values {
		if v == 0 && i < len(d.Values)-1 {
			// A warning, located as an input error would be.
			w := &input.Error{Name: d.Name, Line: d.Lines[i],
				Msg: "the data end at this 0; " + strconv.Itoa(len(d.Values)-1-i) + " item(s) after it are not sent"}
			io.WriteString(stderr, "pipelab: "+w.Error()+"\n")
			d.Values = d.Values[:i+1]
			break
		}
	}
	return parent(r, args[0], m, d.Values, stdout, stderr)
}

// parent makes the pipes and starts the children on them: p1 and p2 on
// one pipe, or on two with -duplex, or -writers N writers and a reader;
// then it waits for them. It keeps no end of a pipe: when its writers end,
// the reader must see EOF.
func parent(r *lab.Run, prog string, m mode, values []int64, stdout, stderr io.Writer) error {
	g, err := r.Group(prog, stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	var ends [4]int // the pipes' write and read ends; the second pipe's with -duplex
	npipes := 1
	if m.duplex {
		npipes = 2
	}
	for i := 0; i < npipes && err == nil; i++ {
		ends[2*i+1], ends[2*i], err = ipc.Pipe2(unix.O_CLOEXEC)
		if err != nil {
			npipes = i // the ends made so far
		}
	}
	if err == nil {
		if m.writers > 0 && len(values) > 0 && values[len(values)-1] == 0 {
			// No 0 crosses the pipe: each writer ends by closing its end.
			values = values[:len(values)-1]
		}
		var data int
		if data, err = proc.DataFile(values); err == nil {
			err = startOn(g, r, m, ends, data)
			syscall.Close(data)
		}
	}
	for _, fd := range ends[:2*npipes] {
		ipc.Close(fd)
	}
	if err != nil {
		return err
	}
	return g.Wait()
}

// startOn starts the children on the pipes' ends and the data file.
func startOn(g *proc.Group, r *lab.Run, m mode, ends [4]int, data int) error {
	var args []string
	switch {
	case m.writers > 0:
		args = []string{"", strconv.Itoa(m.writers), strconv.Itoa(m.size)} // the writer's number first
	case m.duplex:
		args = []string{"duplex"}
	}
	args = r.ChildArgs(args...)
	wr, rd := ends[0], ends[1]
	if m.writers == 0 {
		p1, p2 := []int{wr, data}, []int{rd}
		if m.duplex {
			p1, p2 = []int{wr, ends[3], data}, []int{rd, ends[2]}
		}
		_, err := g.Start("p1", p1, args...)
		if err == nil {
			_, err = g.Start("p2", p2, args...)
		}
		return err
	}
	for i := 0; i <= m.writers; i++ {
		id := strconv.Itoa((i + 1) % (m.writers + 1)) // writer1 … writerN, then the reader, 0
		name, files := "reader", []int{rd, data}
		if id != "0" {
			name, files = "writer"+id, []int{wr, data}
		}
		args[len(args)-3] = id // Start has copied the previous child's
		if _, err := g.Start(name, files, args...); err != nil {
			return err
		}
	}
	return nil
}

// child runs the role it was started as. Its descriptors are the pipe end
// at FirstFD, then p1's and p2's end of the acknowledgement pipe with
// -duplex, then the data file for p1, a writer and the reader.
func child(role string, args []string, stdout io.Writer) error {
	out := cli.NewOutput(stdout)
	defer out.Flush()
	const ch = proc.FirstFD // the pipe end
	duplex := len(args) > 0 && args[0] == "duplex"
	switch role {
	case "p1":
		var ack io.Reader
		data := ch + 1
		if duplex {
			ack, data = pipeEnd(ch+1), ch+2
		}
		values, err := proc.ReadData(data)
		if err != nil {
			return err
		}
		return childError("p1: ", sender(pipeEnd(ch), ack, values, out))
	case "guard":
		return guard(args[0])
	case "p2":
		var ack io.Writer
		if duplex {
			ack = pipeEnd(ch + 1)
		}
		return childError("p2: ", receiver(pipeEnd(ch), ack, out))
	}
	return writersChild(role, args, out)
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
