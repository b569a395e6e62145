//go:build linux

// Mqlab shows inter-process communication through a message queue, as the
// lab sheet asks: p1 puts each item times ten in a queue, p2 takes them out
// and prints them.
//
// Synopsis:
//
//	mqlab [-i] [-sysv] [-trace] [FILE]
//
// Description:
//
// The data are integers separated by white space in FILE, or on standard
// input when FILE is absent or "-"; '#' starts a comment. The parent creates
// a POSIX message queue (mq_open with O_CREAT|O_EXCL, mode 0600, a unique
// name, at most 10 messages of 8 bytes, so no privilege is needed) and
// unlinks its name at once: the queue lives while p1 and p2 hold it, so it
// cannot outlive the lab. With -sysv it is a System V queue (msgget with
// IPC_PRIVATE), removed with msgctl(IPC_RMID) however the lab ends.
//
// p1 prints "Queue = list * 10" and sends X*10 for each item, then an empty
// message that marks the end of the data; p2 prints "Queue elements:" and
// one received value per line. Unlike the sheet's program, p1 and p2 run at
// the same time, so any number of items passes through the 10-message queue,
// in order; the output still comes in the sheet's order.
//
// Options:
//
//	-i      the sheet's dialogue: "Enter the datasize: ", then
//	        "Enter the data: " per item (default on a terminal)
//	-sysv   use a System V message queue (msgget/msgsnd/msgrcv/msgctl)
//	-trace  print each IPC system call to standard error
//
// Example:
//
//	$ mqlab testdata/queue.txt
//	Queue = list * 10
//	Queue elements:
//	120
//	340
//	4230
//	20
//	10
package main

import (
	"errors"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/internal/text"
	"ipclab/ipc"
)

var queueLab = &lab.Lab{
	Name: "mqlab",
	Usage: `Usage: mqlab [options] [FILE]

Process p1 sends ten times each integer in FILE (or standard input) through
a message queue to process p2, which prints them.

Options:
  -sysv     a System V message queue (msgget, msgsnd, msgrcv, msgctl)
            instead of a POSIX one (mq_open, mq_timedsend, mq_timedreceive)
` + lab.Common + `
Example: mqlab testdata/queue.txt
         printf '5\n12\n34\n423\n2\n1\n' | mqlab -i -sysv
`,
	Prompts: input.Prompts{Size: "Enter the datasize: ", Item: "Enter the data: "},
}

// maxMsg is the queue's capacity: the default limit for unprivileged users
// (/proc/sys/fs/mqueue/msg_max).
const maxMsg = 10

func main() {
	if err := run(os.Args, os.Stdin, os.Stdout, os.Stderr); err != nil {
		os.Exit(cli.Exit(os.Stderr, "mqlab", err))
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if role, rest, ok := proc.Role(args); ok {
		return child(role, lab.Child(role, rest, stderr), stdout)
	}
	if len(args) > 1 {
		switch args[1] {
		case "bench":
			return benchCmd(args, stdout, stderr)
		}
	}
	r := queueLab.Flags(stdout)
	sysv := r.Flags.Bool("sysv")
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	d, err := r.Data(rest, stdin, stdout)
	if err != nil {
		return err
	}
	if _, err := d.Times10(); err != nil {
		return err
	}
	g, err := r.Group(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	data, err := proc.DataFile(d.Values)
	if err != nil {
		return err
	}
	defer unix.Close(data)
	// p1 gets the data on fd 3; both get the queue's descriptor (POSIX) on
	// the next one, or its identifier (System V) as an argument.
	var files []int
	var qargs []string
	if *sysv {
		id, err := ipc.Msgget(proc.ObjectKey(), unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		if errors.Is(err, unix.EEXIST) {
			// A leftover of a killed lab with this pid: do not touch it.
			id, err = ipc.Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		}
		if err != nil {
			return msgAdvice(err)
		}
		g.Cleanup(func() error { return ipc.MsgRemove(id) })
		qargs = []string{"sysv", strconv.Itoa(id)}
	} else {
		name := proc.ObjectName("mq")
		attr := ipc.MqAttr{Maxmsg: maxMsg, Msgsize: record.Size}
		mqd, err := ipc.MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, &attr)
		if err != nil {
			return mqAdvice(err)
		}
		defer ipc.Close(mqd)
		// The queue stays alive while a descriptor is open: without its
		// name nothing is left behind, however the lab ends.
		if err := ipc.MqUnlink(name); err != nil {
			return err
		}
		files = []int{mqd}
		qargs = []string{"posix"}
	}
	if _, err := g.Start("p1", append([]int{data}, files...), r.ChildArgs(qargs...)...); err != nil {
		return err
	}
	if _, err := g.Start("p2", append([]int{-1}, files...), r.ChildArgs(qargs...)...); err != nil {
		return err
	}
	return g.Wait()
}

// mqAdvice says which limit an mq_open error points at.
func mqAdvice(err error) error {
	switch {
	case errors.Is(err, unix.ENOSYS):
		return cli.Advise(err, "this kernel has no POSIX message queues (CONFIG_POSIX_MQUEUE); try -sysv")
	case errors.Is(err, unix.EINVAL):
		return cli.Advise(err, "the queue exceeds /proc/sys/fs/mqueue/msg_max or msgsize_max")
	case errors.Is(err, unix.EMFILE):
		return cli.Advise(err, "the per-user limit on queue memory is reached: raise it with ulimit -q (RLIMIT_MSGQUEUE)")
	case errors.Is(err, unix.ENOSPC):
		return cli.Advise(err, "too many queues: raise /proc/sys/fs/mqueue/queues_max")
	}
	return err
}

// msgAdvice says which limit a msgget error points at.
func msgAdvice(err error) error {
	switch {
	case errors.Is(err, unix.ENOSYS):
		return cli.Advise(err, "this kernel has no System V IPC (CONFIG_SYSVIPC); try without -sysv")
	case errors.Is(err, unix.ENOSPC):
		return cli.Advise(err, "too many System V queues: raise /proc/sys/kernel/msgmni")
	}
	return err
}

// queue is either kind of message queue, as the children see it.
type queue interface {
	send(msg []byte) error
	receive(buf []byte) (int, error)
}

type posixQueue int

func (q posixQueue) send(msg []byte) error { return ipc.MqTimedSend(int(q), msg, 0, nil) }
func (q posixQueue) receive(buf []byte) (int, error) {
	n, _, err := ipc.MqTimedReceive(int(q), buf, nil)
	return n, err
}

type sysvQueue struct {
	id  int
	buf ipc.MsgBuf
}

func (q *sysvQueue) send(msg []byte) error {
	q.buf.SetType(1)
	copy(q.buf.Text(), msg)
	return ipc.Msgsnd(q.id, q.buf, len(msg), 0)
}

func (q *sysvQueue) receive(buf []byte) (int, error) {
	n, err := ipc.Msgrcv(q.id, q.buf, 0, 0)
	copy(buf, q.buf.Text()[:n])
	return n, err
}

func child(role string, args []string, stdout io.Writer) error {
	out := cli.NewOutput(stdout)
	defer out.Flush()
	var q queue
	switch {
	case len(args) == 1 && args[0] == "posix":
		q = posixQueue(proc.FirstFD + 1)
	case len(args) == 2 && args[0] == "sysv":
		id, ok := text.Atoi(args[1])
		if !ok {
			return errors.New(role + ": bad queue id " + args[1])
		}
		q = &sysvQueue{id: id, buf: ipc.NewMsgBuf(record.Size)}
	default:
		return errors.New(role + ": bad arguments")
	}
	var err error
	switch role {
	case "p1":
		err = producer(q, out)
	case "p2":
		err = consumer(q, out)
	default:
		err = errors.New("unknown role")
	}
	if err != nil {
		return errors.New(role + ": " + err.Error())
	}
	return nil
}

// producer sends ten times each item, then an empty message: the end.
func producer(q queue, out *cli.Output) error {
	values, err := proc.ReadData(proc.FirstFD)
	if err != nil {
		return err
	}
	out.Line("Queue = list * 10")
	// The header is out before the first message, so p2's "Queue elements:"
	// (printed after it receives one) always comes second.
	if err := out.Flush(); err != nil {
		return err
	}
	var msg [record.Size]byte
	for _, v := range values {
		x, ok := input.Mul10(v)
		if !ok {
			return errors.New(strconv.FormatInt(v, 10) + " * 10 overflows a 64-bit integer")
		}
		record.Put(msg[:], x)
		if err := q.send(msg[:]); err != nil {
			return err
		}
	}
	return q.send(nil)
}

// consumer prints the values received until the empty message.
func consumer(q queue, out *cli.Output) error {
	var msg [record.Size]byte
	for first := true; ; first = false {
		n, err := q.receive(msg[:])
		if err != nil {
			return err
		}
		if first {
			out.Line("Queue elements:")
		}
		if n == 0 {
			return nil
		}
		if n != record.Size {
			return errors.New("received a message of " + strconv.Itoa(n) + " bytes, want " + strconv.Itoa(record.Size))
		}
		out.Line(strconv.FormatInt(record.Get(msg[:]), 10))
	}
}
