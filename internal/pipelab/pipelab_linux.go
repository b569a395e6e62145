//go:build linux

package pipelab

import (
	"errors"
	"io"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/bench"
	"ipclab/internal/cli"
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
	d, err := r.Data(rest, stdin, stdout)
	if err != nil {
		return err
	}
	for i, v := range d.Values {
		if v == 0 && i < len(d.Values)-1 {
			// A warning, located as an input error would be.
			w := &input.Error{Name: d.Name, Line: d.Lines[i],
				Msg: "the data end at this 0; " + text.Itoa(len(d.Values)-1-i) + " item(s) after it are not sent"}
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
	which := [2]string{" of the pipe", " of the acknowledgements' pipe (p2 to p1)"}
	for i := 0; i < npipes; i++ {
		g.Describe(ends[2*i], "write end"+which[i])
		g.Describe(ends[2*i+1], "read end"+which[i])
	}
	if err == nil {
		if m.writers > 0 && len(values) > 0 && values[len(values)-1] == 0 {
			// No 0 crosses the pipe: each writer ends by closing its end.
			values = values[:len(values)-1]
		}
		var data int
		if data, err = proc.DataFile(values); err == nil {
			g.Describe(data, "the items to send, in a memory file the parent wrote")
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
