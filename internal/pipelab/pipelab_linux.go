//go:build linux

package pipelab

import (
	"errors"
	"io"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/text"
	"ipclab/ipc"
)

var pipeLab = &lab.Lab{Command: Command, Prompts: Prompts}

func init() {
	Command.Run = run
	Command.Child = func(role string, args []string, stdout, stderr io.Writer) error {
		if f, ok := stdout.(fd.File); ok {
			stdout = proc.Gate{File: f} // nothing after "the parent went away"
		}
		return child(role, args, stdout)
	}
	Command.Subs = append(Command.Subs, bench.Command("pipelab", bench.Pipe, nil))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
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
	s, err := r.Items(rest, stdin, stdout)
	if err != nil {
		return err
	}
	// The data end at their first 0: what follows is read, and counted
	// in a warning, but not sent. -writers sends no 0 at all (each
	// writer ends by closing its end) and needs every item at once (each
	// writer takes its share, the reader checks them all), in a file.
	feed := proc.NewFeed()
	var values []int64
	zero, after := 0, 0 // the line of the first 0, the items after it
	put := func(v int64) error {
		switch {
		case zero > 0:
			after++
			return nil
		case v == 0:
			zero = s.Line
		}
		if m.writers > 0 {
			if v != 0 {
				values = append(values, v)
			}
			return nil
		}
		return feed.Put(v)
	}
	more, err := r.Feed(s, feed, m.writers == 0, put)
	if err != nil {
		return err
	}
	warn := func() {
		if after > 0 {
			// A warning, located as an input error would be.
			w := &input.Error{Name: s.Name, Line: zero,
				Msg: "the data end at this 0; " + text.Itoa(after) + " item(s) after it are not sent"}
			io.WriteString(stderr, "pipelab: "+w.Error()+"\n")
		}
	}
	if !more {
		warn()
	}
	g, err := r.Group(args[0], stdout, stderr)
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
	which := [2]string{" of the pipe", " of the acknowledgements' pipe (p2 to p1)"}
	for i := 0; i < npipes; i++ {
		g.Describe(ends[2*i], "write end"+which[i])
		g.Describe(ends[2*i+1], "read end"+which[i])
	}
	if err == nil {
		data, what := 0, "the items to send, from the parent as it reads them"
		if m.writers > 0 {
			data, err = proc.DataFile(values)
			what = "the items to send, in a memory file the parent wrote"
		} else {
			data, err = feed.Pipe(g)
		}
		if err == nil {
			g.Describe(data, what)
			err = startOn(g, r, m, ends, data)
			syscall.Close(data)
		}
	}
	for _, fd := range ends[:2*npipes] {
		ipc.Close(fd)
	}
	if err == nil && m.writers == 0 {
		// The rest of the items, as they are read.
		if more {
			_, err = r.Feed(s, feed, false, put)
		}
		if err == nil {
			err = feed.Close()
		}
	}
	if err != nil {
		return err
	}
	if more {
		warn()
	}
	return g.Wait()
}

// startOn starts the children on the pipes' ends and the data file.
func startOn(g *proc.Group, r *lab.Run, m mode, ends [4]int, data int) error {
	var args []string
	switch {
	case m.writers > 0:
		args = []string{"", text.Itoa(m.writers), text.Itoa(m.size)} // the writer's number first
	case m.duplex:
		args = []string{"duplex"}
	}
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
		id := text.Itoa((i + 1) % (m.writers + 1)) // writer1 … writerN, then the reader, 0
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
	if role != "p1" && role != "p2" {
		if role == "guard" {
			return guard(args[0])
		}
		return writersChild(role, args, out)
	}
	// The pipes' ends, read and written by the raw calls when untraced
	// (see ipc.Fast), else as pipeEnd.
	fast := ipc.Fast()
	reader := func(fd int) io.Reader {
		if fast {
			return &rawReader{fd: fd}
		}
		return pipeEnd(fd)
	}
	writer := func(fd int) io.WriteCloser {
		if fast {
			return rawWriter(fd)
		}
		return pipeEnd(fd)
	}
	if role == "p1" {
		var ack io.Reader
		data := ch + 1
		if duplex {
			ack, data = reader(ch+1), ch+2
		}
		return childError("p1: ", sender(writer(ch), ack, proc.NewItems(data), out))
	}
	var ack io.Writer
	if duplex {
		ack = writer(ch + 1)
	}
	return childError("p2: ", receiver(reader(ch), ack, out))
}

// rawWriter writes a pipe with the raw calls: one write(2) for a record.
type rawWriter int

func (w rawWriter) Write(b []byte) (int, error) {
	if err := ipc.RawWriteAll(int(w), b); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (w rawWriter) Close() error { return syscall.Close(int(w)) }

// rawReader reads a pipe with the raw calls, as much as is there at once
// (up to 4 KiB): the records that have come, in one read(2).
type rawReader struct {
	fd   int
	buf  [4096]byte
	i, n int
}

// Read returns io.EOF at end of file, as io.Reader must.
func (r *rawReader) Read(b []byte) (int, error) {
	if r.i == r.n {
		n, err := ipc.RawRead(r.fd, r.buf[:])
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, io.EOF
		}
		r.i, r.n = 0, n
	}
	n := copy(b, r.buf[r.i:r.n])
	r.i += n
	return n, nil
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
